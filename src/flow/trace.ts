/**
 * What a trace is: the entry points, the systems a message passes, each hop, and the outcome of
 * one recipient's walk. Types and labels only; the walk itself is in walk.ts and the rules of each
 * system in zimbra-mta.ts and peer-mta.ts.
 */
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
  /**
   * A distribution list: each member's walk on from the list's expansion, members that route the
   * same way together (one trace). The list's outcome is its worst member's.
   */
  members?: ListMember[];
}

/** Members of a distribution list that take the same path, and that path. */
export interface ListMember {
  addresses: string[];
  trace: Trace;
}

