/**
 * What the flow check reports: the address classes it sorts every address into, the findings
 * (code, severity, count, examples, hint) and the result of a check. Types and labels only.
 */
import type { EntryPoint, Trace } from './trace.js';

export type Severity = 'error' | 'warning';

export type AddressClass =
  | 'zimbra-user'
  | 'zimbra-alias'
  | 'peer-user'
  | 'peer-alias'
  | 'cutover-to-zimbra'
  | 'cutover-to-peer'
  | 'unknown'
  | 'other-account'
  | 'both-sides'
  | 'zimbra-list'
  | 'config';

export const CLASS_LABEL: Record<AddressClass, string> = {
  'zimbra-user': 'Zimbra user',
  'zimbra-alias': 'Zimbra alias',
  'peer-user': 'peer user',
  'peer-alias': 'peer alias',
  'cutover-to-zimbra': 'user moved to Zimbra',
  'cutover-to-peer': 'user moved to the peer',
  unknown: 'unknown address',
  'other-account': 'account',
  'both-sides': 'address',
  'zimbra-list': 'distribution list',
  config: 'configuration',
};

/**
 * What each class expects of its mail, which verdicts.ts judges every trace against: delivered on
 * Zimbra, on the peer, refused at RCPT (unknown), a copy to each member (a list), nothing in
 * particular, or a conflict in itself (both sides). A new class gets its label and its expectation
 * here; groups.ts says where its addresses come from.
 */
export type Expect = 'zimbra' | 'peer' | 'reject' | 'none' | 'both' | 'members';

export const CLASS_EXPECT: Record<AddressClass, Expect> = {
  'zimbra-user': 'zimbra',
  'zimbra-alias': 'zimbra',
  'peer-user': 'peer',
  'peer-alias': 'peer',
  'cutover-to-zimbra': 'zimbra',
  'cutover-to-peer': 'peer',
  unknown: 'reject',
  'other-account': 'none',
  'both-sides': 'both',
  'zimbra-list': 'members',
  config: 'none',
};

export type FindingCode =
  | 'loop'
  | 'bounced'
  | 'wrong-side'
  | 'external'
  | 'rejected'
  | 'alias-rejected'
  | 'deferred'
  | 'backscatter'
  | 'unknown-accepted'
  | 'unknown-external'
  | 'undeliverable'
  | 'both-sides'
  | 'domain-missing'
  | 'transport-invalid'
  | 'transport-mx-lookup'
  | 'transport-port'
  | 'lmtp-unknown-host'
  | 'duplicate-address'
  | 'catchall-conflict'
  | 'dns-no-relay'
  | 'dns-setting-ignored';

export interface Finding {
  severity: Severity;
  code: FindingCode;
  /** One sentence for the operator, naming the address and what happens to it. */
  message: string;
  /** What to change, when there is an obvious fix. */
  hint?: string;
  addressClass: AddressClass;
  /** The representative address whose trace explains the finding. */
  address: string;
  /** Entry points where it happens. */
  from: EntryPoint[];
  /** How many addresses share this routing (and so this finding). */
  count: number;
  /** Up to five of them, the representative first. */
  examples: string[];
  trace: Trace;
}

export interface PlanCheck {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  /** Every trace that was walked: one per routing group and entry point. */
  traces: Trace[];
  stats: { addresses: number; groups: number; traced: number };
}
