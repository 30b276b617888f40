/**
 * `checkPlan`: would this directory state (observed or planned) and this peer lose, loop or bounce
 * mail? Every address is put in a class (Zimbra user, peer user, alias, cutover user, unknown) and
 * in a routing group: addresses whose routing-relevant facts are the same (class, domain, which
 * account the LDAP maps return and that account's status and transport, what the peer knows of
 * the address) take the same path. One representative per group is traced from every entry point;
 * findings carry the count and examples of the group. Plus a linear scan that every transport is
 * well-formed. Linear in the number of accounts, Map lookups only. Pure.
 */
import { accountMailEnabled, accountStatus, domainOf, type Attrs } from './directory.js';
import { compileFlow, type FlowInput, type FlowModel } from './model.js';
import { ENTRY_POINTS, routeWith, type EntryPoint, type Outcome, type Trace } from './route.js';
import { parseTransport, type ParsedTransport } from './transport.js';
import { CLASS_LABEL, type Severity, type AddressClass, type FindingCode, type Finding, type PlanCheck } from './findings.js';
export { CLASS_LABEL };
export type { Severity, AddressClass, FindingCode, Finding, PlanCheck };

const MAX_EXAMPLES = 5;

type Expect = 'zimbra' | 'peer' | 'reject' | 'none' | 'both';

function expectOf(c: AddressClass): Expect {
  switch (c) {
    case 'zimbra-user':
    case 'zimbra-alias':
    case 'cutover-to-zimbra':
      return 'zimbra';
    case 'peer-user':
    case 'peer-alias':
    case 'cutover-to-peer':
      return 'peer';
    case 'unknown':
      return 'reject';
    case 'both-sides':
      return 'both';
    default:
      return 'none';
  }
}

function isAlias(c: AddressClass): boolean {
  return c === 'zimbra-alias' || c === 'peer-alias';
}

const FROM_LABEL: Record<EntryPoint, string> = {
  internet: 'from the Internet',
  zimbra: 'from Zimbra users',
  peer: 'from peer users',
};

interface Group {
  cls: AddressClass;
  rep: string;
  count: number;
  examples: string[];
}

interface Verdict {
  severity: Severity;
  code: FindingCode;
  what: string;
}

function judge(cls: AddressClass, t: Trace): Verdict | undefined {
  const o: Outcome = t.outcome;
  if (o === 'loop') return { severity: 'error', code: 'loop', what: 'loops between Zimbra and the peer' };
  const expect = expectOf(cls);
  if (expect === 'zimbra' || expect === 'peer') {
    const want = expect === 'zimbra' ? 'delivered-zimbra' : 'delivered-peer';
    if (o === want) {
      return t.deferred ? { severity: 'warning', code: 'deferred', what: 'waits in the queue (account in maintenance)' } : undefined;
    }
    switch (o) {
      case 'delivered-zimbra':
      case 'delivered-peer':
        return { severity: 'error', code: 'wrong-side', what: `is delivered on the wrong side (${o === 'delivered-zimbra' ? 'Zimbra' : 'the peer'})` };
      case 'external':
        return { severity: 'error', code: 'external', what: 'is handed to a host that is neither Zimbra nor the peer' };
      case 'bounced':
        return { severity: 'error', code: 'bounced', what: 'is accepted, then bounced or lost' };
      case 'rejected':
        return isAlias(cls)
          ? { severity: 'warning', code: 'alias-rejected', what: 'is rejected at RCPT' }
          : { severity: 'error', code: 'rejected', what: 'is rejected at RCPT' };
    }
  }
  if (expect === 'reject') {
    switch (o) {
      case 'bounced':
        return t.from === 'internet'
          ? { severity: 'warning', code: 'backscatter', what: 'is accepted, then bounced (backscatter) instead of rejected at RCPT,' }
          : undefined;
      case 'delivered-zimbra':
      case 'delivered-peer':
        return { severity: 'warning', code: 'unknown-accepted', what: `is accepted and delivered (${o === 'delivered-zimbra' ? 'Zimbra' : 'peer'} catch-all)` };
      case 'external':
        return { severity: 'warning', code: 'unknown-external', what: 'is accepted and handed to a third host' };
      default:
        return undefined;
    }
  }
  if (expect === 'none' && (o === 'bounced' || o === 'rejected')) {
    return { severity: 'warning', code: 'undeliverable', what: o === 'bounced' ? 'is accepted, then bounced' : 'is rejected at RCPT' };
  }
  return undefined;
}

/**
 * When a trace went through a routing subdomain that Zimbra does not accept as an alias domain of
 * its shared domain (zimbra.md §6.4): what makes it one.
 */
function routingDomainHint(m: FlowModel, t: Trace): string | undefined {
  if (m.peerRoutingDomains.size === 0) return undefined;
  for (const h of t.hops) {
    if (h.system !== 'zimbra-mta') continue;
    const rd = domainOf(h.address);
    const shared = m.peerRoutingDomains.get(rd);
    if (shared === undefined) continue;
    const dom = m.domains.get(rd);
    if (!dom) return `make Zimbra accept ${rd} as an alias domain of ${shared}: zmprov cad ${rd} ${shared} zimbraMailCatchAllForwardingAddress @${shared} (zsplit apply setup does it)`;
    if (dom.type !== 'alias' || !dom.mailEnabled || dom.catchAllForward !== `@${shared}` || !dom.catchAll.includes(`@${rd}`))
      return `${rd} must be an alias domain of ${shared} on Zimbra (zimbraDomainType alias, zimbraMailStatus enabled, catch-all @${rd} forwarding to @${shared}); check it with zmprov gd ${rd}`;
    return undefined;
  }
  return undefined;
}

function hintFor(m: FlowModel, code: FindingCode, cls: AddressClass, address: string, t: Trace): string | undefined {
  if (code === 'loop' || code === 'external' || code === 'rejected' || code === 'bounced') {
    const routing = routingDomainHint(m, t);
    if (routing) return routing;
  }
  const peer = m.answers.peer;
  const smtp = `smtp:[${peer.host}]:${peer.port}`;
  const d = domainOf(address);
  switch (code) {
    case 'loop':
      return 'exactly one side may forward unknown recipients: on a Zimbra primary remove the domain catch-all; with a Zimbra catch-all make the peer authoritative';
    case 'rejected':
    case 'alias-rejected':
      if (t.rejectedBy === 'zimbra-mta' && (cls === 'peer-user' || cls === 'cutover-to-peer')) {
        return `create the placeholder: zmprov ca ${address} '' zimbraAccountStatus locked, then zmprov ma ${address} zimbraMailTransport ${smtp}`;
      }
      if (t.rejectedBy === 'zimbra-mta' && cls === 'peer-alias') {
        const owner = m.answers.peerAccounts.find((p) => p.aliases.some((x) => x.toLowerCase() === address));
        return `add the alias on the placeholder: zmprov aaa ${owner?.address.toLowerCase() ?? '<placeholder>'} ${address}`;
      }
      if (t.rejectedBy === 'peer-mta') {
        return `make the peer route ${address} to Zimbra (mail contact / mail user / transport entry), or list it as a peer mailbox if it lives there`;
      }
      return undefined;
    case 'bounced':
      if (t.reason.includes('virtual_transport = error')) return `set the domain transport: zmprov md ${d} zimbraMailTransport ${smtp}`;
      return undefined;
    case 'backscatter':
      if (t.acceptedBy === 'zimbra-mta') {
        return 'let Zimbra check the next hop before accepting: zmprov mcf +zimbraMtaRestriction reject_unverified_recipient (or point the MX at the authoritative side)';
      }
      return 'point the MX at the authoritative side (it rejects unknown recipients at RCPT); until then the peer accepts them';
    default:
      return undefined;
  }
}

function entriesText(from: EntryPoint[]): string {
  return from.map((f) => FROM_LABEL[f]).join(', ');
}

/** A name no directory entry, alias or peer address uses. Deterministic, so checks are repeatable. */
function unknownAddress(m: FlowModel, domain: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 0x01000193) >>> 0;
  for (let n = 0; ; n++) {
    const token = ((h + n * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').slice(0, 6);
    const a = `no-such-user-${token}@${domain}`;
    if (m.ownerOf(a) === undefined && !m.peerLocal.has(a) && !m.peerRoutes.has(a)) return a;
  }
}

export interface CheckOptions {
  /** Trace every address on its own instead of one per routing group (slow; for tests and audits). */
  exhaustive?: boolean;
}

export function checkPlan(input: FlowInput, options: CheckOptions = {}): PlanCheck {
  return checkModel(compileFlow(input), options);
}

const CLASS_INDEX: Record<AddressClass, number> = {
  'zimbra-user': 0,
  'zimbra-alias': 1,
  'peer-user': 2,
  'peer-alias': 3,
  'cutover-to-zimbra': 4,
  'cutover-to-peer': 5,
  unknown: 6,
  'other-account': 7,
  'both-sides': 8,
  config: 9,
};

interface ScanGroup {
  severity: Severity;
  count: number;
  examples: string[];
  /** The offending value of the first example. */
  value: string;
}

function scanMessage(m: FlowModel, code: FindingCode, first: string, value: string): { message: string; hint?: string } {
  const owner = first.startsWith('@') ? `domain ${first.slice(1)}` : `account ${first}`;
  const t = parseTransport(value);
  switch (code) {
    case 'transport-invalid':
      return { message: `${owner}: zimbraMailTransport "${value}" is not a usable transport (${t.text})`, hint: 'use smtp:[host]:25 or lmtp:<mailbox host>:7025' };
    case 'transport-mx-lookup':
      return {
        message: `${owner}: zimbraMailTransport "${value}" has no brackets: Postfix looks up an MX first, which can loop back (§7.8)`,
        hint: `write smtp:[${t.host}]:${t.port ?? 25}`,
      };
    case 'transport-port':
      return { message: `${owner}: zimbraMailTransport "${value}" uses port ${t.port ?? 25}, the peer listens on ${m.peerPort}` };
    case 'lmtp-unknown-host':
      return {
        message: `${owner}: zimbraMailTransport "${value}" names ${t.host}, which is not a known mailbox server`,
        hint: `lmtp:${m.answers.mailboxHost}:7025`,
      };
    case 'catchall-conflict':
      return { message: `${owner} is a catch-all mailbox for ${value} while another catch-all for ${value} exists: mail goes to all of them (§7.4)` };
    case 'domain-missing':
      return { message: `shared domain ${value} does not exist on Zimbra: the Zimbra MTA treats its mail as relay traffic`, hint: `zmprov cd ${value}` };
    case 'duplicate-address':
      return { message: `${first} is claimed by ${value}: ldap-vam.cf returns all of them and each gets a copy` };
    case 'dns-no-relay':
      return { message: value, hint: 'zmprov ms <mta> zimbraMtaRelayHost [host]:25' };
    case 'dns-setting-ignored':
      return { message: value, hint: 'zmprov ms <mta> zimbraMtaSmtpDnsSupportLevel disabled' };
    default:
      return { message: `${first}: ${value}` };
  }
}

/** `checkPlan` on an already compiled model. */
export function checkModel(m: FlowModel, options: CheckOptions = {}): PlanCheck {
  const { answers } = m;
  const accounts = m.input.zimbra.accounts;
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const traces: Trace[] = [];
  const add = (f: Finding): void => {
    (f.severity === 'error' ? errors : warnings).push(f);
  };

  // ------------------------------------------------------------ cheap helpers (no allocation on the hot path)
  const sharedList = [...m.shared];
  /** Index of the shared domain `address` is in, or -1. */
  const sharedIndex = (address: string): number => {
    for (let i = 0; i < sharedList.length; i++) {
      const d = sharedList[i];
      const at = address.length - d.length - 1;
      if (at > 0 && address.charCodeAt(at) === 64 && address.endsWith(d)) return i;
    }
    return -1;
  };
  const transports = new Map<string, ParsedTransport>();
  let lastRaw = '';
  let lastParsed: ParsedTransport | undefined;
  const parsed = (raw: string): ParsedTransport => {
    if (raw === lastRaw && lastParsed) return lastParsed;
    let p = transports.get(raw);
    if (!p) {
      p = parseTransport(raw);
      transports.set(raw, p);
    }
    lastRaw = raw;
    lastParsed = p;
    return p;
  };
  const transportOf = (attrs: Attrs): string | undefined => {
    const t = attrs.zimbraMailTransport;
    return t && t.length > 0 && t[0] !== '' ? t[0] : undefined;
  };
  const isLmtp = (attrs: Attrs): boolean => {
    const t = transportOf(attrs);
    return t !== undefined && parsed(t).kind === 'lmtp';
  };
  /** The account owning `address` (primary first: one lookup), or undefined. */
  let ownerPrimary = '';
  const ownerAttrs = (address: string): Attrs | undefined => {
    const direct = accounts[address];
    if (direct !== undefined) {
      ownerPrimary = address;
      return direct;
    }
    const p = m.ownerOf(address);
    if (p === undefined) return undefined;
    ownerPrimary = p;
    return accounts[p];
  };
  const peerMark = (a: string): number => {
    const box = m.peerLocal.get(a);
    if (box !== undefined) return box === a ? 1 : 2;
    return m.peerRoutes.has(a) ? 3 : 0;
  };
  // routing profile of an account: (transport, mail enabled, status) -> small integer
  const profiles = new Map<string, number>();
  let lastT = '';
  let lastS = '';
  let lastE = false;
  let lastProfile = -1;
  const profileOf = (attrs: Attrs, enabled: boolean): number => {
    const t = transportOf(attrs) ?? '';
    const st = attrs.zimbraAccountStatus?.[0] ?? '';
    if (lastProfile >= 0 && t === lastT && st === lastS && enabled === lastE) return lastProfile;
    const k = `${enabled ? 'E' : 'D'}${accountStatus(attrs)}|${t}`;
    let id = profiles.get(k);
    if (id === undefined) {
      id = profiles.size;
      profiles.set(k, id);
    }
    lastT = t;
    lastS = st;
    lastE = enabled;
    lastProfile = id;
    return id;
  };
  // a domain whose catch-all rewrites to another domain makes every unknown address route on its own
  const rewritingCatchAll = sharedList.map((d) => {
    const ca = m.catchAll.get(`@${d}`);
    return !!(ca && ca.domainForward && ca.domainForward !== `@${d}`);
  });
  const D = sharedList.length + 1;
  const hasDuplicates = m.duplicates.size > 0;

  // ------------------------------------------------------------ routing groups
  const groups = new Map<number | string, Group>();
  /**
   * Puts `addr` in its routing group. `attrs`/`primary`: its account, when the caller already
   * looked it up (undefined attrs: no account). The key encodes every fact `route` decides on.
   */
  const place = (addr: string, c: AddressClass, attrs: Attrs | undefined, primary: string, mark?: number): void => {
    const pm = mark ?? peerMark(addr);
    let key: number | string;
    const di = sharedIndex(addr);
    if (options.exhaustive || di < 0 || (hasDuplicates && m.duplicates.has(addr))) {
      key = `!${addr}`;
    } else {
      const ci = CLASS_INDEX[c];
      if (attrs === undefined) {
        // kind 0: unknown to Zimbra (catch-all or reject)
        key = rewritingCatchAll[di] ? `!${addr}` : ((pm * D + di) * 16 + ci) * 4;
      } else {
        const enabled = accountMailEnabled(attrs);
        const profile = profileOf(attrs, enabled);
        const dl = attrs.zimbraMailDeliveryAddress;
        const delivery = dl && dl.length > 0 && dl[0] ? dl[0].toLowerCase() : primary;
        if (!enabled) {
          // kind 1: Postfix does not see the account (catch-all or reject; LMTP by status)
          key = rewritingCatchAll[di] ? `!${addr}` : (((profile * 4 + pm) * D + di) * 16 + ci) * 4 + 1;
        } else if (delivery === addr) {
          // kind 2: the account itself
          key = (((profile * 4 + pm) * D + di) * 16 + ci) * 4 + 2;
        } else if (hasDuplicates && m.duplicates.has(delivery)) {
          key = `!${addr}`;
        } else {
          // kind 3: an alias, rewritten to the delivery address
          const dd = sharedIndex(delivery) + 1;
          key = (((((profile * 4 + peerMark(delivery)) * (D + 1) + dd) * 4 + pm) * D + di) * 16 + ci) * 4 + 3;
        }
      }
    }
    const g = groups.get(key);
    if (g) {
      g.count++;
      if (g.examples.length < MAX_EXAMPLES) g.examples.push(addr);
    } else {
      groups.set(key, { cls: c, rep: addr, count: 1, examples: [addr] });
    }
  };
  const placeResolved = (addr: string, zimbraClass: AddressClass | undefined, c: AddressClass, mark?: number): void => {
    const attrs = ownerAttrs(addr);
    const lmtp = attrs !== undefined && isLmtp(attrs);
    place(addr, lmtp && zimbraClass ? zimbraClass : c, attrs, ownerPrimary, mark);
  };

  // ------------------------------------------------------------ classes: cutover, then peer accounts, then Zimbra accounts
  // `placed` grows by one per new address: `size` tells a first sighting without a second lookup.
  const placed = new Set<string>();
  const firstSighting = (a: string): boolean => {
    const n = placed.size;
    placed.add(a);
    return placed.size !== n;
  };
  const cut = answers.cutover;
  if (cut) {
    const c: AddressClass = cut.direction === 'to-zimbra' ? 'cutover-to-zimbra' : 'cutover-to-peer';
    for (const u of cut.users) {
      const a = u.toLowerCase();
      if (firstSighting(a)) placeResolved(a, undefined, c);
    }
  }
  const cutCount = placed.size;
  // Fast path: the peer hosts exactly the peer accounts (zsplit's expected peer), each address once.
  // Then "listed as a peer account" is "a peer mailbox", which the model already indexes, and a
  // listed primary address is a peer mailbox of its own (peer mark 1: with no duplicates, the
  // model maps it to itself): no second set, no lookup at all.
  const samePeer = m.input.peer.users === answers.peerAccounts && m.peerDuplicates.size === 0;
  for (let i = 0; i < answers.peerAccounts.length; i++) {
    const p = answers.peerAccounts[i];
    const a = p.address.toLowerCase();
    if (samePeer) {
      if (cutCount === 0 || !placed.has(a)) placeResolved(a, 'both-sides', 'peer-user', 1);
    } else if (firstSighting(a)) {
      placeResolved(a, 'both-sides', 'peer-user');
    }
    for (let j = 0; j < p.aliases.length; j++) {
      const al = p.aliases[j].toLowerCase();
      if (samePeer ? cutCount === 0 || !placed.has(al) : firstSighting(al)) placeResolved(al, 'both-sides', 'peer-alias');
    }
  }
  const isPlaced = samePeer
    ? (a: string): boolean => m.peerLocal.has(a) || (cutCount > 0 && placed.has(a))
    : (a: string): boolean => placed.has(a);

  // one pass over the accounts: the Zimbra side's classes, and well-formedness
  const scan = new Map<FindingCode, ScanGroup>();
  const flag = (code: FindingCode, severity: Severity, address: string, value: string): void => {
    const g = scan.get(code);
    if (g) {
      g.count++;
      if (g.examples.length < MAX_EXAMPLES) g.examples.push(address);
    } else {
      scan.set(code, { severity, count: 1, examples: [address], value });
    }
  };
  const checkTransport = (owner: string, raw: string): void => {
    const t = parsed(raw);
    if (t.kind === 'unknown') flag('transport-invalid', 'error', owner, raw);
    else if (t.kind === 'smtp') {
      if (!t.bracketed) flag('transport-mx-lookup', 'warning', owner, raw);
      if ((t.port ?? 25) !== m.peerPort && m.isPeerHost(t.host)) flag('transport-port', 'warning', owner, raw);
    } else if (t.kind === 'lmtp' && !m.isMailboxHost(t.host)) flag('lmtp-unknown-host', 'warning', owner, raw);
  };

  const keys = m.accountKeys;
  for (let i = 0; i < keys.length; i++) {
    const address = keys[i];
    if (sharedIndex(address) < 0) continue;
    const attrs = accounts[address];
    const raw = transportOf(attrs);
    if (raw !== undefined) checkTransport(address, raw);
    const lmtp = raw !== undefined && parsed(raw).kind === 'lmtp';
    if (!isPlaced(address)) place(address, lmtp ? 'zimbra-user' : 'other-account', attrs, address);
    const aliases = attrs.zimbraMailAlias;
    if (aliases) {
      for (const x of aliases) {
        if (!x) continue;
        const al = x.toLowerCase();
        if (isPlaced(al) || m.ownerOf(al) !== address) continue; // its owner places it
        if (m.duplicates.has(al)) placed.add(al); // claimed by several: place it once
        place(al, lmtp ? 'zimbra-alias' : 'other-account', attrs, address);
      }
    }
    const catchAll = attrs.zimbraMailCatchAllAddress;
    if (catchAll && accountMailEnabled(attrs)) {
      for (const k of catchAll) {
        const c = k ? m.catchAll.get(k.toLowerCase()) : undefined;
        if (c && (c.domainForward || c.accounts.length > 1)) flag('catchall-conflict', 'warning', address, k.toLowerCase());
      }
    }
  }

  sharedList.forEach((d) => {
    const dom = m.domains.get(d);
    if (!dom) flag('domain-missing', 'error', `@${d}`, d);
    else if (dom.transport) checkTransport(`@${d}`, dom.transport);
    place(unknownAddress(m, d), 'unknown', undefined, '');
  });
  for (const [addr, owners] of m.duplicates) {
    if (sharedIndex(addr) >= 0) flag('duplicate-address', 'warning', addr, owners.join(', '));
  }
  if (m.dnsDisabled && !m.relayHost) {
    flag('dns-no-relay', 'warning', 'postmaster@example.net', m.dnsNote ?? 'DNS lookups disabled without a relay host (§7.6)');
  } else if (m.dnsNote && !m.dnsDisabled) {
    flag('dns-setting-ignored', 'warning', 'postmaster@example.net', m.dnsNote);
  }

  // ------------------------------------------------------------ trace one representative per group, from every entry point
  for (const g of groups.values()) {
    const byCode = new Map<FindingCode, { v: Verdict; from: EntryPoint[]; trace: Trace }>();
    const groupTraces: Trace[] = [];
    for (const from of ENTRY_POINTS) {
      const t = routeWith(m, g.rep, from);
      traces.push(t);
      groupTraces.push(t);
      const v = judge(g.cls, t);
      if (!v) continue;
      const seen = byCode.get(v.code);
      if (seen) seen.from.push(from);
      else byCode.set(v.code, { v, from: [from], trace: t });
    }
    const more = g.count > 1 ? ` (and ${g.count - 1} more with the same routing)` : '';
    const label = CLASS_LABEL[g.cls];
    if (g.cls === 'both-sides') {
      const where = groupTraces.map((t) => `${FROM_LABEL[t.from]}: ${t.outcome}`).join('; ');
      add({
        severity: 'error',
        code: 'both-sides',
        message: `${g.rep}${more} is a Zimbra mailbox (lmtp transport) and also listed as a peer account: ${where}`,
        hint: `decide where ${g.rep} lives: remove it from the peer accounts, or route the Zimbra account to the peer`,
        addressClass: g.cls,
        address: g.rep,
        from: [...ENTRY_POINTS],
        count: g.count,
        examples: g.examples,
        trace: groupTraces[0],
      });
    }
    for (const [code, { v, from, trace }] of byCode) {
      add({
        severity: v.severity,
        code,
        message: `${label} ${g.rep}${more} ${v.what} ${entriesText(from)}: ${trace.reason}`,
        hint: hintFor(m, code, g.cls, g.rep, trace),
        addressClass: g.cls,
        address: g.rep,
        from,
        count: g.count,
        examples: g.examples,
        trace,
      });
    }
  }

  // ------------------------------------------------------------ scan findings, each with a trace of its first example
  for (const [code, s] of scan) {
    const first = s.examples[0];
    const probe = first.startsWith('@') ? unknownAddress(m, first.slice(1)) : first;
    const from: EntryPoint = code === 'dns-no-relay' || code === 'dns-setting-ignored' ? 'zimbra' : 'internet';
    const trace = routeWith(m, probe, from);
    traces.push(trace);
    const { message, hint } = scanMessage(m, code, first, s.value);
    add({
      severity: s.severity,
      code,
      message: s.count > 1 ? `${message} (and ${s.count - 1} more)` : message,
      hint,
      addressClass: 'config',
      address: probe,
      from: [from],
      count: s.count,
      examples: s.examples,
      trace,
    });
  }

  let addresses = 0;
  for (const g of groups.values()) addresses += g.count;
  return {
    ok: errors.length === 0,
    errors,
    warnings,
    traces,
    stats: { addresses, groups: groups.size, traced: traces.length },
  };
}
