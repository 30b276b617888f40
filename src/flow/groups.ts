/**
 * The grouping of the flow check: every address gets a class (Zimbra user, peer user, alias,
 * cutover user, unknown...) and a routing group: addresses whose routing-relevant facts are the
 * same (class, domain, which account the LDAP maps return and that account's status and
 * transport, what the peer knows of the address) take the same path, so one representative per
 * group is traced. The same single pass over the accounts feeds the configuration scan. Linear in
 * the number of accounts, Map lookups only. Pure.
 */
import { accountMailEnabled, accountStatus, type Attrs } from './directory.js';
import type { FlowModel } from './model.js';
import { parseTransport, type ParsedTransport } from './transport.js';
import { CLASS_LABEL, type AddressClass } from './findings.js';
import { configScan, MAX_EXAMPLES, scanModel, unknownAddress, type ConfigScan } from './scan.js';

export interface Group {
  cls: AddressClass;
  rep: string;
  count: number;
  examples: string[];
}

/** A small number per class for the numeric group keys (under 16). */
const CLASS_INDEX = Object.fromEntries(Object.keys(CLASS_LABEL).map((c, i) => [c, i])) as Record<AddressClass, number>;

/**
 * Every address of the shared domains in its routing group, and the configuration scan flagged
 * on the way. `exhaustive`: one group per address.
 */
export function groupAddresses(m: FlowModel, exhaustive: boolean): { groups: Map<number | string, Group>; config: ConfigScan } {
  const { answers } = m;
  const accounts = m.input.zimbra.accounts;
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
  const splitReject = m.splitDomain.reject;

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
    if (exhaustive || di < 0 || c === 'zimbra-list' || (hasDuplicates && m.duplicates.has(addr))) {
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
        } else if ((hasDuplicates && m.duplicates.has(delivery)) || (splitReject && !m.splitDomainKnows(addr))) {
          // an old address passes the alias map but not Zimbra's split-domain check: its own group
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

  const config = configScan(m, parsed);
  const { flag, checkTransport } = config;
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
  // distribution lists: each its own group (its members are grouped by the walk itself)
  for (const l of new Set(m.lists.values())) {
    if (sharedIndex(l.address) >= 0 && !isPlaced(l.address)) place(l.address, 'zimbra-list', undefined, '');
  }
  scanModel(m, config, sharedIndex);
  return { groups, config };
}
