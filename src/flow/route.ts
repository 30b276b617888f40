/**
 * `route`: follow one recipient address through the Internet's MX, Zimbra's Postfix (its LDAP
 * maps, zimbra.md §4.1) and the peer, hop by hop, until it is delivered, refused, bounced, leaves
 * for the Internet, or loops. Pure.
 */
import { domainOf } from './directory.js';
import { routedAddress } from '../model/routing.js';
import type { RecipientClass } from '../model/types.js';
import { catchAllTarget, compileFlow, relayHostName, type FlowInput, type FlowModel, type MxTarget } from './model.js';
import { parseTransport, type ParsedTransport } from './transport.js';

export type EntryPoint = 'internet' | 'zimbra' | 'peer';
export const ENTRY_POINTS: readonly EntryPoint[] = ['internet', 'zimbra', 'peer'];

export type Outcome = 'delivered-zimbra' | 'delivered-peer' | 'rejected' | 'bounced' | 'loop' | 'external';

export type FlowSystem = 'internet' | 'zimbra-mta' | 'zimbra-mailbox' | 'peer-mta' | 'peer-mailbox';

export const SYSTEM_LABEL: Record<FlowSystem, string> = {
  internet: 'Internet',
  'zimbra-mta': 'Zimbra MTA',
  'zimbra-mailbox': 'Zimbra mailbox',
  'peer-mta': 'peer MTA',
  'peer-mailbox': 'peer mailbox',
};

export interface Hop {
  system: FlowSystem;
  host: string;
  /** The envelope recipient as this system sees it (aliases and catch-alls may rewrite it). */
  address: string;
  /** What the system looked up (`transport_maps bar@example.com`, `MX example.com`...). */
  lookup: string;
  /** What it decided. */
  decision: string;
}

export interface Trace {
  address: string;
  from: EntryPoint;
  hops: Hop[];
  outcome: Outcome;
  reason: string;
  /** Risks seen on the way that did not change the outcome (MX look-ups, DNS, duplicates...). */
  notes: string[];
  /** The first system that accepted the message (said 250 to RCPT): it owns the bounce. */
  acceptedBy?: FlowSystem;
  /** The system whose reply ended the walk with a refusal (RCPT 5xx / 4xx). */
  rejectedBy?: FlowSystem;
  /** For `loop`: the repeated arrivals, first to repeat. */
  cycle?: string[];
  /** Delivered only later: the mailbox answers 4xx (account in maintenance). */
  deferred?: boolean;
}

/** Who talks SMTP to the MTA: it decides whether the MTA lets it relay. */
type Client = 'internet' | 'user' | 'peer' | 'zimbra';

interface Arrival {
  to: 'zimbra-mta' | 'peer-mta';
  host: string;
  address: string;
  client: Client;
}

const MAX_ARRIVALS = 60;
const MAX_ALIAS_DEPTH = 10;

class Walk {
  readonly hops: Hop[] = [];
  readonly notes: string[] = [];
  private readonly arrivals: string[] = [];
  private readonly seen = new Map<string, number>();
  acceptedBy?: FlowSystem;
  private acceptedHost = '';
  /** Zimbra accepted an Internet client's RCPT only after probing the next hop. */
  private verifying = false;

  constructor(
    readonly m: FlowModel,
    readonly address: string,
    readonly from: EntryPoint,
  ) {}

  hop(system: FlowSystem, host: string, address: string, lookup: string, decision: string): void {
    this.hops.push({ system, host, address, lookup, decision });
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  accept(system: FlowSystem, host: string, client: Client): void {
    if (this.acceptedBy) return;
    this.acceptedBy = system;
    this.acceptedHost = host;
    this.verifying = system === 'zimbra-mta' && client === 'internet' && this.m.verifyRecipients;
  }

  finish(outcome: Outcome, reason: string, extra: Partial<Trace> = {}): Trace {
    return {
      address: this.address,
      from: this.from,
      hops: this.hops,
      outcome,
      reason,
      notes: this.notes,
      acceptedBy: this.acceptedBy,
      ...extra,
    };
  }

  private owner(): string {
    return `${SYSTEM_LABEL[this.acceptedBy!]} ${this.acceptedHost}`;
  }

  /** A refusal at RCPT TO by `system`. Refused by the first system: the sender is told at once. */
  reject(system: FlowSystem, host: string, address: string, reply: string, why: string): Trace {
    this.hop(system, host, address, `RCPT TO <${address}>`, `rejected: ${reply}`);
    const who = `${SYSTEM_LABEL[system]} ${host}`;
    if (!this.acceptedBy) {
      return this.finish('rejected', `${who} rejects RCPT TO with "${reply}": ${why}`, { rejectedBy: system });
    }
    if (this.verifying) {
      return this.finish(
        'rejected',
        `${this.owner()} probes the next hop before accepting (reject_unverified_recipient) and refuses the Internet ` +
          `client with "450 4.1.1 <${this.address}>: Recipient address rejected: undeliverable address", because ${who} answers "${reply}": ${why}`,
        { rejectedBy: 'zimbra-mta' },
      );
    }
    return this.finish(
      'bounced',
      `${this.owner()} accepted the message, then ${who} rejected RCPT TO with "${reply}" (${why}); ` +
        `${this.owner()} sends a bounce (NDR) to the sender` +
        (this.from === 'internet' ? ', which is backscatter when the sender was forged' : ''),
      { rejectedBy: system },
    );
  }

  /** Accepted, then undeliverable: the accepting system bounces it. */
  bounce(system: FlowSystem, host: string, why: string): Trace {
    const who = `${SYSTEM_LABEL[system]} ${host}`;
    if (!this.acceptedBy) {
      return this.finish('rejected', `${who} refuses it: ${why}`, { rejectedBy: system });
    }
    if (this.verifying) {
      return this.finish(
        'rejected',
        `${this.owner()} probes the delivery before accepting (reject_unverified_recipient) and refuses the Internet ` +
          `client with "450 4.1.1 ... undeliverable address": ${why}`,
        { rejectedBy: 'zimbra-mta' },
      );
    }
    return this.finish(
      'bounced',
      `${why}; accepted by ${this.owner()}, which sends a bounce (NDR) to the sender` +
        (this.from === 'internet' ? ' (backscatter when the sender was forged)' : ''),
    );
  }

  /** Records an arrival; a repeated (system, address) is a loop. */
  arrive(a: Arrival): Trace | undefined {
    const label = `${SYSTEM_LABEL[a.to]} ${a.host} <${a.address}>`;
    const key = `${a.to}|${a.address}`;
    const first = this.seen.get(key);
    if (first !== undefined) {
      const cycle = [...this.arrivals.slice(first), label];
      this.hop(a.to, a.host, a.address, 'arrival', `already passed here (${cycle.length - 1} hand-offs ago): mail loop`);
      const peerLimit =
        this.m.answers.peer.kind === 'm365' || this.m.answers.peer.kind === 'exchange'
          ? ' (Exchange reportedly answers "5.4.14 Hop count exceeded")'
          : '';
      return this.finish(
        'loop',
        `mail loops: ${cycle.join(' -> ')}. Each side forwards the address to the other; Postfix bounces it with ` +
          `"554 5.4.0 Error: too many hops" after zimbraMtaHopcountLimit (${this.m.hopLimit}) Received: headers${peerLimit}`,
        { cycle },
      );
    }
    if (this.arrivals.length >= MAX_ARRIVALS || this.hops.length >= MAX_ARRIVALS * 6) {
      return this.finish('loop', `gave up after ${this.arrivals.length} hand-offs without delivery (treated as a loop)`, {
        cycle: this.arrivals.slice(-4),
      });
    }
    this.seen.set(key, this.arrivals.length);
    this.arrivals.push(label);
    return undefined;
  }
}

function clientLabel(c: Client): string {
  switch (c) {
    case 'internet':
      return 'an Internet client';
    case 'user':
      return 'an authenticated Zimbra user';
    case 'peer':
      return 'the peer';
    case 'zimbra':
      return 'Zimbra itself';
  }
}

// ---------------------------------------------------------------- Zimbra MTA

function atZimbra(w: Walk, a: Arrival): Arrival | Trace {
  const m = w.m;
  const host = a.host;
  let addr = a.address;
  const d = domainOf(addr);
  const dom = m.domains.get(d);

  // virtual_mailbox_domains / virtual_alias_domains (ldap-vmd.cf / ldap-vad.cf)
  if (!dom || !dom.mailEnabled) {
    const why = !dom ? `${d} is not a domain on this Zimbra` : `domain ${d} has zimbraMailStatus disabled`;
    let trusted: boolean;
    if (a.client === 'internet') trusted = false;
    else if (a.client === 'peer') {
      trusted = m.peerInMyNetworks !== false;
      if (m.peerInMyNetworks === undefined) w.note('assuming the peer relay IPs are in zimbraMtaMyNetworks (no value known)');
    } else trusted = true;
    if (!trusted) {
      return w.reject(
        'zimbra-mta',
        host,
        addr,
        `554 5.7.1 <${addr}>: Relay access denied`,
        `${why}, and ${clientLabel(a.client)} may not relay (smtpd_relay_restrictions, zimbraMtaMyNetworks)`,
      );
    }
    w.hop('zimbra-mta', host, addr, `virtual_mailbox_domains ${d}`, `${why}: relay for ${clientLabel(a.client)}`);
    w.accept('zimbra-mta', host, a.client);
    return relayRoute(w, host, addr);
  }

  // RCPT TO: smtpd_reject_unlisted_recipient checks ldap-vam.cf then ldap-vmm.cf
  const exact = m.vam(addr);
  const list = exact ? undefined : m.lists.get(addr);
  let viaCatchAll = false;
  if (list) w.hop('zimbra-mta', host, addr, `RCPT TO <${addr}>: virtual_alias_maps`, `listed: distribution list ${list.address} (${list.members.length} member(s))`);
  else if (exact) {
    const acct = exact[0];
    const listed =
      acct.delivery === addr
        ? `listed: account ${acct.address} (zimbraMailStatus enabled, zimbraAccountStatus ${acct.status})`
        : `listed: ${acct.aliases.includes(addr) ? 'alias' : 'old address'} of account ${acct.address}`;
    w.hop('zimbra-mta', host, addr, `RCPT TO <${addr}>: virtual_alias_maps, virtual_mailbox_maps`, listed);
  } else {
    const ca = m.catchAll.get(`@${d}`);
    const hidden = m.account(addr);
    const hiddenWhy = hidden
      ? `account ${hidden.address} exists but Postfix does not see it: zimbraMailStatus disabled` +
        (hidden.status === 'closed' || hidden.status === 'pending' ? ` (zimbraAccountStatus ${hidden.status} forces it)` : '')
      : undefined;
    const listedBy = ca && (ca.domainForward || ca.accounts.length > 0) ? ca : undefined;
    if (!listedBy) {
      const why =
        hiddenWhy ??
        (ca?.domainWithoutForward
          ? `no account or alias ${addr}, and catch-all @${d} has no zimbraMailCatchAllForwardingAddress, so it lists nothing`
          : `no account, alias or catch-all @${d} lists ${addr}`);
      // With virtual_transport=error, Postfix names the domain (what Zimbra's NDRs and the lab show).
      const text = dom.type === 'alias' ? 'User unknown in virtual alias table' : d;
      return w.reject('zimbra-mta', host, addr, `550 5.1.1 <${addr}>: Recipient address rejected: ${text}`, why);
    }
    viaCatchAll = true;
    const target = listedBy.domainForward ?? listedBy.accounts[0].delivery;
    w.hop(
      'zimbra-mta',
      host,
      addr,
      `RCPT TO <${addr}>: virtual_alias_maps`,
      `${hiddenWhy ? `${hiddenWhy}; falls through to` : 'no account or alias; matched by'} catch-all @${d} -> ${target}: listed`,
    );
  }
  w.accept('zimbra-mta', host, a.client);

  // virtual alias expansion (recursive in Postfix; ldap-vam.cf returns delivery address + forwards)
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const dl = m.lists.get(addr);
    if (dl) {
      // Expanded here: each member gets a copy; the trace follows the first.
      if (dl.members.length === 0) return w.finish('delivered-zimbra', `distribution list ${dl.address} has no members: Zimbra accepts the mail and delivers it to nobody`);
      w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `distribution list -> ${dl.members.join(', ')}${dl.members.length > 1 ? ' (traced: the first)' : ''}`);
      addr = dl.members[0];
      continue;
    }
    const ex = m.vam(addr);
    if (ex) {
      const acct = ex[0];
      if (ex.length > 1) {
        w.note(`${addr} is claimed by ${ex.map((e) => e.address).join(', ')}: ldap-vam.cf returns all of them and Postfix delivers a copy to each (traced: the first)`);
      }
      if (acct.forwards.length > 0) {
        w.note(`account ${acct.address} also forwards to ${acct.forwards.join(', ')} (zimbraMailForwardingAddress; not traced)`);
      }
      if (acct.delivery !== addr) {
        w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `alias -> ${acct.delivery}`);
        addr = acct.delivery;
        continue;
      }
      break;
    }
    const ca = m.catchAll.get(`@${domainOf(addr)}`);
    if (!ca) break;
    if (ca.domainForward && ca.accounts.length > 0) {
      w.note(
        `catch-all @${domainOf(addr)} is on the domain and on account(s) ${ca.accounts.map((e) => e.address).join(', ')}: ` +
          'ldap-vam.cf returns several results and the mail goes to all of them (§7.4)',
      );
    }
    const target = ca.domainForward ? catchAllTarget(addr, ca.domainForward) : ca.accounts[0]?.delivery;
    if (!target) break;
    if (target === addr) {
      w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `catch-all @${domainOf(addr)} -> ${ca.domainForward}: same address, kept as is`);
      break;
    }
    w.hop(
      'zimbra-mta',
      host,
      addr,
      `virtual_alias_maps ${addr}`,
      ca.domainForward ? `catch-all @${domainOf(addr)} -> ${ca.domainForward}: rewritten to ${target}` : `catch-all mailbox ${target}`,
    );
    addr = target;
  }

  // transport_maps: user@domain (account), then domain (domain entry); else virtual_transport=error
  const d2 = domainOf(addr);
  const dom2 = m.domains.get(d2);
  const acct = m.vmm(addr);
  if (acct?.transport) {
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}`, `account zimbraMailTransport ${acct.transport}`);
    return applyTransport(w, host, addr, parseTransport(acct.transport), 'account');
  }
  const pre = acct ? `account ${addr} has no zimbraMailTransport` : `no account ${addr}`;
  if (dom2 && dom2.mailEnabled) {
    if (dom2.transport) {
      w.hop('zimbra-mta', host, addr, `transport_maps ${addr}, then ${d2}`, `${pre}; domain ${d2} zimbraMailTransport ${dom2.transport}`);
      return applyTransport(w, host, addr, parseTransport(dom2.transport), 'domain');
    }
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}, then ${d2}`, `${pre}; domain ${d2} has no zimbraMailTransport: virtual_transport = error`);
    return w.bounce(
      'zimbra-mta',
      host,
      `no transport for ${addr}: Postfix falls back to virtual_transport = error and bounces it` +
        (viaCatchAll ? ` (a catch-all without a domain zimbraMailTransport is a black hole, §7.3)` : ''),
    );
  }
  // rewritten into a domain this Zimbra does not host
  return relayRoute(w, host, addr);
}

/** Where the smtp next hop of a transport goes. */
function smtpHandOff(w: Walk, host: string, addr: string, t: ParsedTransport, source: string): Arrival | Trace {
  const m = w.m;
  let target = t.host;
  if (!t.bracketed) {
    if (m.shared.has(target) || m.domains.has(target)) {
      const mx = m.input.mx;
      w.note(`${t.raw} (${source}): without brackets Postfix looks up the MX of ${target}, which points at the ${mx === 'zimbra' ? 'Zimbra MTA' : 'peer'} (§7.8)`);
      target = m.mxHost(mx);
    } else {
      w.note(
        `${t.raw} (${source}) has no brackets: Postfix looks up the MX of ${t.host} first; if that MX points back at Zimbra the mail loops (§7.8). ` +
          `Prefer smtp:[${t.host}]:${t.port ?? 25}`,
      );
    }
  }
  if (m.isPeerHost(target)) {
    const port = t.port ?? 25;
    if (port !== m.peerPort) w.note(`${t.raw} uses port ${port}, but the peer listens on ${m.peerPort}`);
    return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
  }
  if (m.isZimbraHost(target)) {
    return { to: 'zimbra-mta', host: target, address: addr, client: 'zimbra' };
  }
  w.hop('internet', target, addr, `SMTP to ${target}`, `neither a Zimbra host nor the peer (${m.peerHost})`);
  return w.finish('external', `${SYSTEM_LABEL['zimbra-mta']} ${host} hands ${addr} to ${target} (${t.raw}), which is neither Zimbra nor the peer`);
}

function applyTransport(w: Walk, host: string, addr: string, t: ParsedTransport, source: string): Arrival | Trace {
  switch (t.kind) {
    case 'lmtp':
      return deliverZimbra(w, addr, t);
    case 'smtp':
      return smtpHandOff(w, host, addr, t, source);
    case 'error':
      return w.bounce('zimbra-mta', host, `${source} transport ${t.raw}: the error service bounces it${t.text ? ` ("${t.text}")` : ''}`);
    case 'discard':
      return w.bounce('zimbra-mta', host, `${source} transport ${t.raw}: discarded silently (a black hole; nobody is told)`);
    case 'unknown':
      return w.bounce(
        'zimbra-mta',
        host,
        `${source} transport "${t.raw}" is not usable (${t.text}): Postfix defers it ("mail transport unavailable") and bounces it when it expires from the queue`,
      );
  }
}

/** Mail for a domain Zimbra does not host: relayhost, or the domain's MX. */
function relayRoute(w: Walk, host: string, addr: string): Arrival | Trace {
  const m = w.m;
  const d = domainOf(addr);
  if (m.dnsNote) w.note(m.dnsNote);
  if (m.relayHost) {
    const rh = relayHostName(m.relayHost);
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; relayhost`, `zimbraMtaRelayHost ${m.relayHost}`);
    if (m.isPeerHost(rh)) return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
    if (m.isZimbraHost(rh)) return { to: 'zimbra-mta', host: rh, address: addr, client: 'zimbra' };
    w.hop('internet', rh, addr, `SMTP to relay host ${m.relayHost}`, 'relayed on to the Internet');
    return w.finish('external', `leaves through relay host ${m.relayHost} (zimbraMtaRelayHost)`);
  }
  if (m.dnsDisabled) {
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; no relayhost`, 'DNS lookups disabled: no MX lookup');
    return w.bounce('zimbra-mta', host, `DNS lookups are disabled and no zimbraMtaRelayHost is set, so Postfix cannot find ${d}'s mail server (§7.6)`);
  }
  if (m.shared.has(d)) {
    const mx = m.input.mx;
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; MX ${d}`, `-> ${mx === 'zimbra' ? 'this Zimbra MTA' : `peer MTA ${m.peerHost}`}`);
    if (mx === 'zimbra') {
      return w.bounce('zimbra-mta', host, `"5.4.6 mail for ${d} loops back to myself": ${d} is not a Zimbra domain but its MX points at Zimbra`);
    }
    return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
  }
  w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; no relayhost; DNS MX ${d}`, 'deliver to the Internet (DNS lookups enabled)');
  return w.finish('external', `${d} is not a shared domain: Zimbra delivers it to ${d}'s own MX`);
}

function deliverZimbra(w: Walk, addr: string, t: ParsedTransport): Trace {
  const m = w.m;
  const box = t.host;
  if (!m.isMailboxHost(box)) {
    w.note(`lmtp host ${box} is neither the mailbox host ${m.answers.mailboxHost} nor a known Zimbra server: the LMTP connection would fail and mail would stay deferred`);
  }
  const acct = m.account(addr);
  if (!acct) {
    w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, '550 5.1.1 No such user here');
    return w.bounce('zimbra-mailbox', box, `the mailbox server has no account ${addr}`);
  }
  switch (acct.status) {
    case 'closed':
    case 'pending':
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, `5xx: zimbraAccountStatus ${acct.status}`);
      return w.bounce('zimbra-mailbox', box, `account ${acct.address} is ${acct.status}: LMTP refuses delivery (5xx)`);
    case 'maintenance':
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, '4xx: zimbraAccountStatus maintenance');
      return w.finish(
        'delivered-zimbra',
        `delivered to Zimbra mailbox ${acct.address} on ${box} only after maintenance ends: LMTP answers 4xx and the message waits in the queue`,
        { deferred: true },
      );
    default: {
      const status = acct.status === 'active' ? '' : ` (zimbraAccountStatus ${acct.status}: no login, mail still delivered)`;
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, `stored in ${acct.address}${status}`);
      return w.finish('delivered-zimbra', `delivered to Zimbra mailbox ${acct.address} on ${box}${status}`);
    }
  }
}

// ---------------------------------------------------------------- the peer

function atPeer(w: Walk, a: Arrival): Arrival | Trace {
  const m = w.m;
  const host = a.host;
  const addr = a.address;
  const d = domainOf(addr);
  const routingOf = m.peerRoutingDomains.get(d);
  if (routingOf !== undefined) {
    // Not one of the peer's domains: it relays the routing subdomain to Zimbra, but only for
    // its own users and for Zimbra (which it lets relay), never for an Internet client.
    if (a.client === 'internet') {
      return w.reject('peer-mta', host, addr, m.peerWording.relayDenied(addr), `${d} is the routing subdomain of ${routingOf}, not a domain the peer accepts mail for from the Internet`);
    }
    w.hop('peer-mta', host, addr, `domain ${d}`, `routing subdomain of ${routingOf}: ${m.peerWording.routingDomain(d)}`);
    w.accept('peer-mta', host, a.client);
    return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
  }
  if (!m.shared.has(d)) {
    w.hop('peer-mta', host, addr, `domain ${d}`, 'not a shared domain: the peer sends it to the Internet itself');
    return w.finish('external', `${d} is not a shared domain: the peer delivers it to ${d}'s own MX`);
  }
  const box = m.peerLocal.get(addr);
  if (box !== undefined) {
    const cls = m.peerClass.get(box);
    const what = cls === undefined ? 'mailbox' : PEER_CLASS_NOUN[cls];
    w.hop('peer-mta', host, addr, `recipient ${addr}`, box === addr ? `local ${what}` : `alias of local ${what} ${box}`);
    w.accept('peer-mta', host, a.client);
    w.hop('peer-mailbox', host, box, 'deliver', cls === undefined ? `stored in ${box}` : `${box}: ${PEER_CLASS_SERVES[cls]}`);
    return w.finish('delivered-peer', `delivered to the peer ${what} ${box} on ${host}`);
  }
  const words = m.peerWording;
  if (m.input.peer.mode === 'authoritative') {
    if (m.peerRoutes.has(addr)) {
      if (m.peerRoutingDomains.size > 0) {
        // Routed by rewriting: Zimbra gets the address in the routing subdomain (zimbra.md §6.4).
        const routed = routedAddress(addr);
        w.hop('peer-mta', host, addr, `recipient ${addr}`, `a Zimbra user: ${words.routes}, as ${routed}`);
        w.accept('peer-mta', host, a.client);
        return { to: 'zimbra-mta', host: m.peerToZimbra, address: routed, client: 'peer' };
      }
      w.hop('peer-mta', host, addr, `recipient ${addr}`, `a Zimbra user: ${words.routes}`);
      w.accept('peer-mta', host, a.client);
      return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
    }
    return w.reject(
      'peer-mta',
      host,
      addr,
      words.reject(addr),
      `the peer is authoritative and ${addr} is neither one of its mailboxes nor a user it routes to Zimbra`,
    );
  }
  w.hop('peer-mta', host, addr, `recipient ${addr}`, `not a local mailbox: ${words.forwards}`);
  w.accept('peer-mta', host, a.client);
  return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
}

// ---------------------------------------------------------------- entry

function mxLabel(m: FlowModel, mx: MxTarget): string {
  return mx === 'zimbra' ? `Zimbra MTA ${m.zimbraMta}` : `peer MTA ${m.peerHost}`;
}

/** Route with a compiled model (compile once, route many). */
export function routeWith(m: FlowModel, address: string, from: EntryPoint): Trace {
  const addr = address.trim().toLowerCase();
  const w = new Walk(m, addr, from);
  const d = domainOf(addr);
  let next: Arrival | Trace;

  if (!addr.includes('@') || d === '') {
    w.hop('internet', '', addr, 'address', 'not a mail address (no @domain)');
    return w.finish('rejected', `${addr} is not an address of the form user@domain`);
  }

  switch (from) {
    case 'internet': {
      let mx: MxTarget | undefined;
      if (m.shared.has(d)) mx = m.input.mx;
      else if (m.domains.has(d)) mx = 'zimbra';
      if (!mx) {
        w.hop('internet', '', addr, `MX ${d}`, 'neither Zimbra nor the peer');
        return w.finish('external', `${d} is not a shared domain: the Internet delivers it to ${d}'s own MX`);
      }
      w.hop('internet', '', addr, `MX ${d}`, `-> ${mxLabel(m, mx)}`);
      next = { to: mx === 'zimbra' ? 'zimbra-mta' : 'peer-mta', host: m.mxHost(mx), address: addr, client: 'internet' };
      break;
    }
    case 'zimbra':
      w.hop('zimbra-mailbox', m.answers.mailboxHost, addr, 'a Zimbra user sends (web client or SMTP AUTH)', `submitted to Zimbra MTA ${m.zimbraMta}`);
      next = { to: 'zimbra-mta', host: m.zimbraMta, address: addr, client: 'user' };
      break;
    case 'peer':
      w.hop('peer-mailbox', m.peerHost, addr, 'a peer user sends', `submitted to peer MTA ${m.peerHost}`);
      next = { to: 'peer-mta', host: m.peerHost, address: addr, client: 'user' };
      break;
  }

  while (!('outcome' in next)) {
    const stop = w.arrive(next);
    if (stop) return stop;
    next = next.to === 'zimbra-mta' ? atZimbra(w, next) : atPeer(w, next);
  }
  return next;
}

const cache = new WeakMap<FlowInput, { key: unknown[]; model: FlowModel }>();

/** The compiled model for `input`, cached while the input and its parts are the same objects. */
export function modelFor(input: FlowInput): FlowModel {
  const key = [input.answers, input.zimbra, input.peer, input.mx];
  const hit = cache.get(input);
  if (hit && hit.key.every((k, i) => k === key[i])) return hit.model;
  const model = compileFlow(input);
  cache.set(input, { key, model });
  return model;
}

/**
 * Follow `address` from an entry point: `internet` (enters at the MX), `zimbra` (a Zimbra user
 * sends) or `peer` (a peer user sends). Compiles the input once per input object; mutating the
 * directory in place afterwards needs a new input object (or `compileFlow` + `routeWith`).
 */
export function route(input: FlowInput, address: string, from: EntryPoint): Trace {
  return routeWith(modelFor(input), address, from);
}

/** What a peer recipient that is not a user is, and what the peer does with its mail (issue 14). */
const PEER_CLASS_NOUN: Record<RecipientClass, string> = {
  user: 'mailbox', shared: 'shared mailbox', room: 'room mailbox', equipment: 'equipment mailbox', list: 'distribution list', group: 'Microsoft 365 group',
  contact: 'mail contact', mailuser: 'mail user', 'public-folder': 'public folder', system: 'system mailbox', alias: 'forwarding alias',
};
const PEER_CLASS_SERVES: Record<RecipientClass, string> = {
  user: 'stored', shared: 'stored in the shared mailbox', room: 'stored in the room mailbox (booked there)', equipment: 'stored in the equipment mailbox (booked there)',
  list: 'the peer expands the list to its members', group: 'stored in the group mailbox', contact: "the peer forwards it to the contact's outside address",
  mailuser: "the peer forwards it to the mail user's outside mailbox", 'public-folder': 'stored in the public folder', system: 'stored in the system mailbox', alias: 'the peer forwards it to its targets',
};
