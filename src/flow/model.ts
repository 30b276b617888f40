/**
 * The compiled routing model: Zimbra's LDAP maps turned into Maps (so a lookup costs what
 * Postfix's LDAP lookup does: one key), the peer's behaviour, and the MTA-level settings.
 * Compiling is linear in the number of accounts; routing an address is a handful of Map lookups.
 */
import type { Answers, RecipientClass } from '../model/types.js';
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
import { peerRoutingDomains, peerWording, type PeerBehaviour, type PeerWording } from './peer.js';
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

export interface ListEntry {
  address: string;
  /** zimbraMailForwardingAddress: the members ldap-vam.cf returns. */
  members: string[];
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

  /** ldap-vam.cf exact keys: the mail-enabled accounts whose delivery address, alias or old address is `address`. */
  vam(address: string): AccountEntry[] | undefined;
  /** ldap-vmm.cf / ldap-transport.cf user key: the mail-enabled account delivered at `address`. */
  vmm(address: string): AccountEntry | undefined;
  /** The account that owns `address` (primary, delivery address, alias or old address), whatever its status. */
  account(address: string): AccountEntry | undefined;
  /** The primary address of that account, without building an entry (fast path for scans). */
  ownerOf(address: string): string | undefined;
  /** The account entry for a primary address (built on first use, then cached). */
  entry(primary: string): AccountEntry;
  domains: Map<string, DomainEntry>;
  catchAll: Map<string, CatchAll>;
  /** Addresses claimed by more than one entry (vam returns them all): address -> owners. */
  duplicates: Map<string, string[]>;

  /** The account keys (primary addresses), enumerated once. */
  accountKeys: string[];

  /** Enabled distribution lists by each of their addresses (ldap-vam.cf lists and expands them). */
  lists: Map<string, ListEntry>;
  /** Peer mailboxes: every address that delivers on the peer -> the mailbox's primary address. */
  peerLocal: Map<string, string>;
  /** Addresses listed more than once among the peer's mailboxes and aliases. */
  peerDuplicates: Set<string>;
  /** The class of the peer recipients that are not users (lists, shared mailboxes, contacts...), by primary address. */
  peerClass: Map<string, RecipientClass>;
  peerRoutes: Set<string>;
  /** Routing subdomain -> shared domain, when the peer routes Zimbra's users through zimbra-route.<domain>. */
  peerRoutingDomains: Map<string, string>;

  relayHost?: string;
  dnsDisabled: boolean;
  dnsNote?: string;
  hopLimit: number;
  /** `reject_unverified_recipient` in zimbraMtaRestriction: Zimbra probes the next hop before accepting. */
  verifyRecipients: boolean;
  /**
   * Zimbra's split-domain recipient check in zimbraMtaRestriction (smtpd_recipient_restrictions.cf):
   * `check` when a value contains the ldap-splitdomain.cf access check, `reject` when a value is
   * exactly `reject` (what refuses the recipients the check did not permit).
   */
  splitDomain: { check: boolean; reject: boolean };
  /** ldap-splitdomain.cf: an enabled entry whose delivery address, alias or catch-all address is `key` (zmmtainit). */
  splitDomainKnows(key: string): boolean;
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

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The access check zmconfigd renders when a zimbraMtaRestriction value contains it (the plan's SPLITDOMAIN_CHECK). */
const SPLITDOMAIN_ACCESS = 'check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf';

export function compileFlow(input: FlowInput): FlowModel {
  const { answers, zimbra: dir, peer } = input;
  const shared = new Set(answers.domains.map((d) => d.toLowerCase()));
  const zimbraMta = (answers.zimbraHosts[0] ?? 'zimbra').toLowerCase();
  const peerHost = answers.peer.host.toLowerCase();
  const accounts = dir.accounts;

  // --- one pass over the accounts: only the secondary keys (aliases, old and delivery addresses,
  // catch-all mailboxes) need an index; primary addresses are looked up in `accounts` itself, and
  // account entries are built when a lookup first needs them.
  const owner = new Map<string, string>();
  const duplicates = new Map<string, string[]>();
  const catchAllOwners: string[] = [];
  const claim = (key: string, primary: string): void => {
    if (key === primary) return;
    const first = hasOwn(accounts, key) ? key : owner.get(key);
    if (first === undefined) {
      owner.set(key, primary);
      return;
    }
    if (first === primary) return;
    const list = duplicates.get(key) ?? [first];
    if (!list.includes(primary)) list.push(primary);
    duplicates.set(key, list);
  };
  // Indexed loops on the per-account paths: a for-of allocates while the code is still cold.
  const claimAll = (keys: string[] | undefined, primary: string): void => {
    if (keys) for (let i = 0; i < keys.length; i++) if (keys[i]) claim(keys[i].toLowerCase(), primary);
  };
  const accountKeys = Object.keys(accounts);
  for (let i = 0; i < accountKeys.length; i++) {
    const primary = accountKeys[i];
    const attrs = accounts[primary];
    const aliases = attrs.zimbraMailAlias;
    const delivery = attrs.zimbraMailDeliveryAddress;
    const old = attrs.zimbraOldMailAddress;
    const catchAll = attrs.zimbraMailCatchAllAddress;
    if (aliases === undefined && delivery === undefined && old === undefined && catchAll === undefined) continue;
    claimAll(delivery, primary);
    claimAll(aliases, primary);
    claimAll(old, primary);
    if (catchAll && catchAll.some((x) => x !== '')) catchAllOwners.push(primary);
  }

  const entries = new Map<string, AccountEntry>();
  const entry = (primary: string): AccountEntry => {
    let e = entries.get(primary);
    if (!e) {
      e = accountEntry(primary, accounts[primary]);
      entries.set(primary, e);
    }
    return e;
  };
  const ownerOf = (address: string): string | undefined => (hasOwn(accounts, address) ? address : owner.get(address));
  const account = (address: string): AccountEntry | undefined => {
    const p = ownerOf(address);
    return p === undefined ? undefined : entry(p);
  };
  const vam = (address: string): AccountEntry[] | undefined => {
    const dup = duplicates.get(address);
    if (dup) {
      const list = dup.map(entry).filter((e) => e.mailEnabled);
      return list.length ? list : undefined;
    }
    const e = account(address);
    return e && e.mailEnabled ? [e] : undefined;
  };
  const vmm = (address: string): AccountEntry | undefined => {
    const list = vam(address);
    return list?.find((e) => e.delivery === address);
  };

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
  for (const primary of catchAllOwners) {
    const e = entry(primary);
    if (!e.mailEnabled) continue;
    for (const k of e.catchAll) {
      const c = catchAll.get(k) ?? { key: k, domainWithoutForward: false, accounts: [] };
      c.accounts.push(e);
      catchAll.set(k, c);
    }
  }

  // --- distribution lists (enabled ones only: every Zimbra LDAP map filters on zimbraMailStatus=enabled)
  const lists = new Map<string, ListEntry>();
  for (const [name, attrs] of Object.entries(dir.lists ?? {})) {
    if ((firstValue(attrs, 'zimbraMailStatus') ?? 'enabled').toLowerCase() !== 'enabled') continue;
    const l: ListEntry = { address: name.toLowerCase(), members: lower(allValues(attrs, 'zimbraMailForwardingAddress')) };
    for (const a of [name, ...allValues(attrs, 'zimbraMailAlias')]) lists.set(a.toLowerCase(), l);
  }

  // --- the peer
  const peerLocal = new Map<string, string>();
  const peerDuplicates = new Set<string>();
  const peerClass = new Map<string, RecipientClass>();
  for (let i = 0; i < peer.users.length; i++) {
    const u = peer.users[i];
    const a = u.address.toLowerCase();
    if (u.class !== undefined && u.class !== 'user') peerClass.set(a, u.class);
    let n = peerLocal.size;
    peerLocal.set(a, a);
    if (peerLocal.size === n) peerDuplicates.add(a);
    for (let j = 0; j < u.aliases.length; j++) {
      const al = u.aliases[j].toLowerCase();
      n = peerLocal.size;
      if (peerLocal.get(al) === undefined) peerLocal.set(al, a);
      if (peerLocal.size === n) peerDuplicates.add(al);
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
  const restrictions = mtaValues(dir, server, 'zimbraMtaRestriction');
  const verifyRecipients = restrictions.some((r) => r.trim() === 'reject_unverified_recipient');
  const splitDomain = {
    check: restrictions.some((r) => r.includes(SPLITDOMAIN_ACCESS)),
    reject: restrictions.some((r) => r === 'reject'),
  };
  // query_filter (&(|(zimbraMailDeliveryAddress=%s)(zimbraMailAlias=%s)(zimbraMailCatchAllAddress=%s))(zimbraMailStatus=enabled)),
  // result_attribute zimbraMailDeliveryAddress,zimbraMailForwardingAddress,zimbraPrefMailForwardingAddress: an entry
  // found without any of those (a list without members) gives no result. zimbraOldMailAddress is not in it.
  const splitDomainKnows = (key: string): boolean => {
    const owners = duplicates.get(key) ?? [ownerOf(key)];
    for (const p of owners) {
      if (p === undefined) continue;
      const e = entry(p);
      if (e.mailEnabled && (e.delivery === key || e.aliases.includes(key) || e.catchAll.includes(key))) return true;
    }
    const l = lists.get(key);
    return l !== undefined && l.members.length > 0;
  };
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
    vam,
    vmm,
    account,
    ownerOf,
    entry,
    domains,
    catchAll,
    duplicates,
    accountKeys,
    lists,
    peerLocal,
    peerClass,
    peerDuplicates,
    peerRoutes,
    peerRoutingDomains: peerRoutingDomains(peer, shared),
    relayHost,
    dnsDisabled,
    dnsNote,
    hopLimit,
    verifyRecipients,
    splitDomain,
    splitDomainKnows,
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
