/**
 * The hop engine's state for one recipient: the hops and notes so far, which system accepted the
 * message (it owns the bounce), loop detection by repeated arrival, and the verdict wording for a
 * refusal, a bounce or a loop. The per-system rules (zimbra-mta.ts, peer-mta.ts) drive it. Pure.
 */
import type { FlowModel } from './model.js';
import { SYSTEM_LABEL, type EntryPoint, type FlowSystem, type Hop, type Outcome, type Trace } from './trace.js';

/** Who talks SMTP to the MTA: it decides whether the MTA lets it relay. */
export type Client = 'internet' | 'user' | 'peer' | 'zimbra';

export interface Arrival {
  to: 'zimbra-mta' | 'peer-mta';
  host: string;
  address: string;
  client: Client;
}

const MAX_ARRIVALS = 60;
export const MAX_ALIAS_DEPTH = 10;

export class Walk {
  readonly hops: Hop[] = [];
  readonly notes: string[] = [];
  private readonly arrivals: string[] = [];
  private readonly seen = new Map<string, number>();
  acceptedBy?: FlowSystem;
  private acceptedHost = '';
  /** Zimbra accepted an Internet client's RCPT only after probing the next hop. */
  private verifying = false;
  /** Distribution lists expanded on the way here: Postfix expands an address once per message. */
  expanded = new Set<string>();
  /** Walks on from an arrival to the end (set by route.ts: it knows every system's rules). */
  drive: (w: Walk, next: Arrival | Trace) => Trace = (_w, next) => {
    if ('outcome' in next) return next;
    throw new Error('Walk.drive is not set');
  };

  constructor(
    readonly m: FlowModel,
    readonly address: string,
    readonly from: EntryPoint,
  ) {}

  /** A walk for one member of a list: the same history (arrivals, who accepted), its own hops. */
  fork(address: string): Walk {
    const f = new Walk(this.m, address, this.from);
    f.arrivals.push(...this.arrivals);
    for (const [k, v] of this.seen) f.seen.set(k, v);
    f.acceptedBy = this.acceptedBy;
    f.acceptedHost = this.acceptedHost;
    f.verifying = this.verifying;
    f.expanded = new Set(this.expanded);
    f.drive = this.drive;
    return f;
  }

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

export function clientLabel(c: Client): string {
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
