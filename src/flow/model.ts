/**
 * The compiled routing model: Zimbra's LDAP maps turned into Maps (so a lookup costs what
 * Postfix's LDAP lookup does: one key), the peer's behaviour, and the MTA-level settings.
 * Compiling is linear in the number of accounts; routing an address is a handful of Map lookups.
 */
import type { Answers } from '../model/types.js';
import { isModernMta } from '../zimbra/attrs.js';
import {
  accountMailEnabled,
  accountStatus,
  allValues,
  domainMailEnabled,
  firstValue,
  localPartOf,
  mtaValues,
  type Attrs,
  type ZimbraDirectory,
} from './directory.js';
import { peerWording, type PeerBehaviour, type PeerWording } from './peer.js';
import { parseNexthop } from './transport.js';

export type MxTarget = 'zimbra' | 'peer';

export interface FlowInput {
  answers: Answers;
  zimbra: ZimbraDirectory;
  peer: PeerBehaviour;
  /** Where the shared domain's MX points: the Internet enters there. */
  mx: MxTarget;
}

export interface AccountEntry {
  /** Primary address (the directory key). */
  address: string;
  /** `zimbraMailDeliveryAddress` (the vmm and transport key); the primary address when absent. */
  delivery: string;
  attrs: Attrs;
  status: string;
  mailEnabled: boolean;
  transport?: string;
  aliases: string[];
  /** `zimbraMailForwardingAddress`: ldap-vam.cf returns these too. */
  forwards: string[];
  /** `zimbraMailCatchAllAddress` on an account: a catch-all mailbox. */
  catchAll: string[];
}

export interface DomainEntry {
  name: string;
  attrs: Attrs;
  /** `zimbraDomainType`: `local` is a virtual mailbox domain, `alias` a virtual alias domain. */
  type: 'local' | 'alias';
  mailEnabled: boolean;
  transport?: string;
  /** `zimbraMailCatchAllAddress` keys, lower-case (`@example.com`). */
  catchAll: string[];
  catchAllForward?: string;
}

/** What the catch-all key `@domain` returns from ldap-vam.cf. */
export interface CatchAll {
  key: string;
  /** The domain entry's `zimbraMailCatchAllForwardingAddress` (when the domain carries the key). */
  domainForward?: string;
  /** The domain carries the key but has no forwarding address: the lookup returns nothing. */
  domainWithoutForward: boolean;
  /** Accounts whose own `zimbraMailCatchAllAddress` is the key (catch-all mailboxes). */
  accounts: AccountEntry[];
}

export interface FlowModel {
  input: FlowInput;
  answers: Answers;
  /** The shared domains, lower-case. */
  shared: Set<string>;
  /** The Zimbra MTA that the Internet, users and the peer talk to. */
  zimbraMta: string;
  /** Where the peer hands mail for Zimbra. */
  peerToZimbra: string;
  peerHost: string;
  peerPort: number;
  peerWording: PeerWording;

  /** ldap-vam.cf exact keys (delivery address, aliases, old addresses) of mail-enabled accounts. */
  byKey: Map<string, AccountEntry[]>;
  /** ldap-vmm.cf / ldap-transport.cf user keys: delivery address of mail-enabled accounts. */
  byDelivery: Map<string, AccountEntry>;
  /** Every account, whatever its status, by each of its addresses: for explanations and LMTP. */
  anyByAddress: Map<string, AccountEntry>;
  domains: Map<string, DomainEntry>;
  catchAll: Map<string, CatchAll>;
  /** Addresses claimed by more than one entry (vam returns them all). */
  duplicates: Map<string, string[]>;

  /** Peer mailboxes: every address that delivers on the peer -> the mailbox's primary address. */
  peerLocal: Map<string, string>;
  peerRoutes: Set<string>;

  relayHost?: string;
  dnsDisabled: boolean;
  dnsNote?: string;
  hopLimit: number;
  /** `reject_unverified_recipient` in zimbraMtaRestriction: Zimbra probes the next hop before accepting. */
  verifyRecipients: boolean;
  /** Whether the peer's relay IPs are in zimbraMtaMyNetworks; undefined when no value is known. */
  peerInMyNetworks?: boolean;

  isPeerHost(host: string): boolean;
  isZimbraHost(host: string): boolean;
  isMailboxHost(host: string): boolean;
  mxHost(target: MxTarget): string;
}

function lower(list: string[]): string[] {
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i].toLowerCase();
  return out;
}

function accountEntry(address: string, attrs: Attrs): AccountEntry {
  const delivery = firstValue(attrs, 'zimbraMailDeliveryAddress')?.toLowerCase() ?? address;
  return {
    address,
    delivery,
    attrs,
    status: accountStatus(attrs),
    mailEnabled: accountMailEnabled(attrs),
    transport: firstValue(attrs, 'zimbraMailTransport'),
    aliases: lower(allValues(attrs, 'zimbraMailAlias')),
    forwards: lower(allValues(attrs, 'zimbraMailForwardingAddress')),
    catchAll: lower(allValues(attrs, 'zimbraMailCatchAllAddress')),
  };
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Whether `ip` (or a CIDR) is covered by one of the mynetworks entries (IPv4 CIDR math; IPv6 by equality). */
export function inNetworks(ip: string, networks: string[]): boolean {
  const [addr, bitsText] = ip.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToInt(addr);
  for (const raw of networks) {
    const net = raw.replace('[', '').replace(']', '');
    if (net.toLowerCase() === ip.toLowerCase()) return true;
    const [naddr, nbitsText] = net.split('/');
    const n = ipv4ToInt(naddr);
    if (a === undefined || n === undefined) continue;
    const nbits = nbitsText === undefined ? 32 : Number(nbitsText);
    if (!(nbits >= 0 && nbits <= 32) || bits < nbits) continue;
    const mask = nbits === 0 ? 0 : (0xffffffff << (32 - nbits)) >>> 0;
    if (((a & mask) >>> 0) === ((n & mask) >>> 0)) return true;
  }
  return false;
}

export function compileFlow(input: FlowInput): FlowModel {
  const { answers, zimbra: dir, peer } = input;
  const shared = new Set(answers.domains.map((d) => d.toLowerCase()));
  const zimbraMta = (answers.zimbraHosts[0] ?? 'zimbra').toLowerCase();
  const peerHost = answers.peer.host.toLowerCase();

  // --- accounts -> the maps ldap-vam.cf, ldap-vmm.cf and ldap-transport.cf answer from
  const byKey = new Map<string, AccountEntry[]>();
  const byDelivery = new Map<string, AccountEntry>();
  const anyByAddress = new Map<string, AccountEntry>();
  const duplicates = new Map<string, string[]>();
  const accountCatchAll: AccountEntry[] = [];

  const claim = (key: string, e: AccountEntry): void => {
    const list = byKey.get(key);
    if (!list) {
      byKey.set(key, [e]);
      return;
    }
    if (list.includes(e)) return;
    list.push(e);
    duplicates.set(key, list.map((x) => x.address));
  };

  for (const address in dir.accounts) {
    const e = accountEntry(address, dir.accounts[address]);
    anyByAddress.set(address, e);
    if (e.delivery !== address) anyByAddress.set(e.delivery, e);
    for (const a of e.aliases) if (!anyByAddress.has(a)) anyByAddress.set(a, e);
    if (!e.mailEnabled) continue;
    if (byDelivery.has(e.delivery)) {
      duplicates.set(e.delivery, [byDelivery.get(e.delivery)!.address, address]);
    } else {
      byDelivery.set(e.delivery, e);
    }
    claim(e.delivery, e);
    for (const a of e.aliases) claim(a, e);
    const old = e.attrs.zimbraOldMailAddress;
    if (old) for (const o of old) if (o) claim(o.toLowerCase(), e);
    if (e.catchAll.length > 0) accountCatchAll.push(e);
  }

  // --- domains
  const domains = new Map<string, DomainEntry>();
  const catchAll = new Map<string, CatchAll>();
  for (const name in dir.domains) {
    const attrs = dir.domains[name];
    const key = name.toLowerCase();
    const type = (firstValue(attrs, 'zimbraDomainType') ?? 'local').toLowerCase() === 'alias' ? 'alias' : 'local';
    const d: DomainEntry = {
      name: key,
      attrs,
      type,
      mailEnabled: domainMailEnabled(attrs),
      transport: firstValue(attrs, 'zimbraMailTransport'),
      catchAll: lower(allValues(attrs, 'zimbraMailCatchAllAddress')),
      catchAllForward: firstValue(attrs, 'zimbraMailCatchAllForwardingAddress')?.toLowerCase(),
    };
    domains.set(key, d);
    if (!d.mailEnabled) continue;
    for (const k of d.catchAll) {
      const c = catchAll.get(k) ?? { key: k, domainWithoutForward: false, accounts: [] };
      if (d.catchAllForward) c.domainForward = d.catchAllForward;
      else c.domainWithoutForward = true;
      catchAll.set(k, c);
    }
  }
  for (const e of accountCatchAll) {
    for (const k of e.catchAll) {
      const c = catchAll.get(k) ?? { key: k, domainWithoutForward: false, accounts: [] };
      c.accounts.push(e);
      catchAll.set(k, c);
    }
  }

  // --- the peer
  const peerLocal = new Map<string, string>();
  for (const u of peer.users) {
    const a = u.address.toLowerCase();
    peerLocal.set(a, a);
    for (const x of u.aliases) {
      const al = x.toLowerCase();
      if (!peerLocal.has(al)) peerLocal.set(al, a);
    }
  }
  const peerRoutes = new Set<string>();
  for (const r of peer.routesToZimbra) peerRoutes.add(r.toLowerCase());
  const peerToZimbra = (peer.zimbraHost ?? zimbraMta).toLowerCase();

  // --- MTA-level settings of the MTA the traffic goes through (server value wins, §4.2)
  const server = Object.keys(dir.servers).find((s) => s.toLowerCase() === zimbraMta);
  const relayHost = mtaValues(dir, server, 'zimbraMtaRelayHost')[0];
  const modern = isModernMta(answers.zimbraVersion);
  const dnsLevel = mtaValues(dir, server, 'zimbraMtaSmtpDnsSupportLevel')[0]?.toLowerCase();
  const dnsLookups = mtaValues(dir, server, 'zimbraMtaDnsLookupsEnabled')[0]?.toUpperCase();
  let dnsDisabled: boolean;
  let dnsNote: string | undefined;
  if (modern) {
    dnsDisabled = dnsLevel === 'disabled';
    if (dnsLookups === 'FALSE' && !dnsDisabled) {
      dnsNote = `zimbraMtaDnsLookupsEnabled FALSE has no effect on Zimbra ${answers.zimbraVersion} (8.7+): DNS lookups stay on; use zimbraMtaSmtpDnsSupportLevel disabled`;
    }
  } else {
    dnsDisabled = dnsLookups === 'FALSE';
  }
  if (dnsDisabled) {
    dnsNote = relayHost
      ? `DNS lookups are disabled; mail outside Zimbra's routing goes to relay host ${relayHost}`
      : 'DNS lookups are disabled and no zimbraMtaRelayHost is set: Internet delivery fails (§7.6)';
  }
  const hopText = mtaValues(dir, server, 'zimbraMtaHopcountLimit')[0];
  const hopLimit = hopText && /^\d+$/.test(hopText) ? Number(hopText) : 50;
  const verifyRecipients = mtaValues(dir, server, 'zimbraMtaRestriction').some((r) => r.trim() === 'reject_unverified_recipient');
  const myNetworks = mtaValues(dir, server, 'zimbraMtaMyNetworks').flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  const peerInMyNetworks =
    myNetworks.length === 0 || answers.peer.ips.length === 0
      ? undefined
      : answers.peer.ips.some((ip) => inNetworks(ip, myNetworks));

  // --- host identities
  const peerHosts = new Set<string>([peerHost, ...answers.peer.ips.map((i) => i.toLowerCase().split('/')[0])]);
  const zimbraHosts = new Set<string>(answers.zimbraHosts.map((h) => h.toLowerCase()));
  const mailboxHosts = new Set<string>([answers.mailboxHost.toLowerCase()]);
  for (const s in dir.servers) {
    const host = s.toLowerCase();
    const services = allValues(dir.servers[s], 'zimbraServiceEnabled');
    if (services.length === 0 || services.includes('mta')) zimbraHosts.add(host);
    if (services.length === 0 || services.includes('mailbox')) mailboxHosts.add(host);
  }

  return {
    input,
    answers,
    shared,
    zimbraMta,
    peerToZimbra,
    peerHost,
    peerPort: answers.peer.port,
    peerWording: peerWording(answers.peer.kind, peerToZimbra),
    byKey,
    byDelivery,
    anyByAddress,
    domains,
    catchAll,
    duplicates,
    peerLocal,
    peerRoutes,
    relayHost,
    dnsDisabled,
    dnsNote,
    hopLimit,
    verifyRecipients,
    peerInMyNetworks,
    isPeerHost: (h) => peerHosts.has(h.toLowerCase()),
    isZimbraHost: (h) => zimbraHosts.has(h.toLowerCase()),
    isMailboxHost: (h) => mailboxHosts.has(h.toLowerCase()),
    mxHost: (t) => (t === 'zimbra' ? zimbraMta : peerHost),
  };
}

/** Where a catch-all sends `address`: `@other` keeps the local part (§4.1 step 2, 5). */
export function catchAllTarget(address: string, forward: string): string {
  return forward.startsWith('@') ? `${localPartOf(address)}${forward}` : forward;
}

/** The relay host's host part (`[host]:port` -> host). */
export function relayHostName(relayHost: string): string {
  return parseNexthop(relayHost).host;
}
