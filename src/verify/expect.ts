/**
 * What the checks expect, computed from a directory state with the same code the simulator uses
 * to answer `postmap -q` and `postconf` (Zimbra's LDAP maps and zmconfigd's main.cf, §4.1/§4.2),
 * and from the flow model for SMTP. Pure.
 */
import { domainOf, route, zimbraUserAddresses, type Trace } from '../flow/index.js';
import type { Answers, RecipientClass } from '../model/types.js';
import type { Directory } from '../plan/model.js';
import { ldapLookup, postconfValues } from '../sim/tools.js';
import type { SimState } from '../sim/state.js';
import type { FlowState } from './state.js';

/** The directory in the simulator's shape, so its map and postconf code can evaluate it. */
export function simStateOf(d: Directory, answers: Answers): SimState {
  const domains: Directory['domains'] = {};
  for (const [name, attrs] of Object.entries(d.domains)) domains[name] = { zimbraDomainName: [name], zimbraDomainType: ['local'], ...attrs };
  return { version: answers.zimbraVersion, hostname: answers.zimbraHosts[0], config: d.config, servers: d.servers, domains, accounts: d.accounts, ...(d.lists ? { lists: d.lists } : {}) };
}

/** What `postmap -q KEY ldap:/opt/zimbra/conf/FILE` answers for this state: the values, or null (not found). */
export function expectedMapValues(d: Directory, answers: Answers, file: string, key: string): string[] | null {
  const r = ldapLookup(simStateOf(d, answers), file, key);
  return r === undefined ? null : splitValues(r);
}

/** `a,b, c` -> [a, b, c] */
export function splitValues(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

export function sameSet(a: string[] | null, b: string[] | null): boolean {
  if (a === null || b === null) return a === b;
  const x = new Set(a.map((v) => v.toLowerCase()));
  const y = new Set(b.map((v) => v.toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

export const POSTCONF_PARAMS = ['relayhost', 'mynetworks', 'smtp_dns_support_level'] as const;

/** main.cf as zmconfigd writes it from this state. */
export function expectedPostconf(d: Directory, answers: Answers): Record<(typeof POSTCONF_PARAMS)[number], string> {
  const v = postconfValues(simStateOf(d, answers));
  return { relayhost: v.relayhost, mynetworks: v.mynetworks, smtp_dns_support_level: v.smtp_dns_support_level };
}

export type SampleKind = 'Zimbra user' | 'peer user' | 'alias' | 'unknown' | 'moved user' | 'given' | `peer ${RecipientClass}`;

export interface Sample {
  address: string;
  kind: SampleKind;
}

/** Sample addresses: a Zimbra user, a peer user, an alias, an unknown address, the cutover's first user, and any given ones. */
export function sampleAddresses(s: FlowState, given: string[] = []): Sample[] {
  const a = s.answers;
  const out: Sample[] = [];
  const add = (address: string | undefined, kind: SampleKind) => {
    if (!address) return;
    const x = address.trim().toLowerCase();
    if (!out.some((o) => o.address === x)) out.push({ address: x, kind });
  };
  const accounts = s.after.accounts;
  const zimbra = zimbraUserAddresses(s.after, a.domains)
    .filter((x) => accounts[x])
    .sort((x, y) => Number(x.startsWith('admin@')) - Number(y.startsWith('admin@')) || x.localeCompare(y));
  add(zimbra[0], 'Zimbra user');
  const moved = new Set((a.cutover?.users ?? []).map((u) => u.toLowerCase()));
  const peerUser = s.peer.users.find((u) => !moved.has(u.address.toLowerCase())) ?? s.peer.users[0];
  add(peerUser?.address, 'peer user');
  // One peer recipient of each other class (a list, a shared mailbox, a room...): each must reach the peer.
  const classes = new Set<RecipientClass>();
  for (const u of s.peer.users)
    if (u.class && u.class !== 'user' && !classes.has(u.class) && !moved.has(u.address.toLowerCase())) {
      classes.add(u.class);
      add(u.address, `peer ${u.class}`);
    }
  const peerAlias = s.peer.users.flatMap((u) => u.aliases)[0];
  const zimbraAlias = zimbra.flatMap((x) => accounts[x]?.zimbraMailAlias ?? [])[0];
  add(peerAlias ?? zimbraAlias, 'alias');
  if (a.cutover?.users[0]) add(a.cutover.users[0], 'moved user');
  const d = a.domains[0];
  let unknown = `zsplit-verify-no-such-user@${d}`;
  for (let i = 2; accounts[unknown] || s.peer.users.some((u) => u.address === unknown); i++) unknown = `zsplit-verify-no-such-user-${i}@${d}`;
  add(unknown, 'unknown');
  for (const g of given) add(g, 'given');
  return out;
}

export interface RcptExpectation {
  /** undefined: the address never reaches this MTA from outside (not a shared domain). */
  accept?: boolean;
  trace: Trace;
  /** One line: why the model expects it. */
  why: string;
}

/**
 * How the MTA answers `RCPT TO` from an outside client, per the flow model: the Internet's
 * route with the MX pointed at that MTA, and whether its first arrival refuses the address.
 */
export function expectedRcpt(s: FlowState, address: string, mta: 'zimbra' | 'peer'): RcptExpectation {
  const trace = route(s.input(s.after, mta), address, 'internet');
  const system = mta === 'zimbra' ? 'zimbra-mta' : 'peer-mta';
  const shared = s.answers.domains.some((d) => d.toLowerCase() === domainOf(address)) || Boolean(s.after.domains[domainOf(address)]);
  if (!shared) return { trace, why: `${domainOf(address)} is not a domain of the split` };
  const refused = trace.outcome === 'rejected' && trace.rejectedBy === system && !trace.acceptedBy;
  // verify runs on the Zimbra server: its probe comes from an address in zimbraMtaMyNetworks, which
  // permit_mynetworks lets past Zimbra's split-domain check (an Internet client is refused there).
  if (refused && mta === 'zimbra' && trace.reason.includes("Zimbra's split-domain check"))
    return { accept: true, trace, why: `zsplit connects from Zimbra's own address (in zimbraMtaMyNetworks), which passes before the split-domain check; an Internet client gets: ${trace.reason}` };
  if (refused) return { accept: false, trace, why: trace.reason };
  const first = trace.hops.find((h) => h.system === system);
  return { accept: true, trace, why: first ? `${first.lookup}: ${first.decision}` : trace.reason };
}
