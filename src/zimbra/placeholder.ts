/**
 * Is a Zimbra account a zsplit-style placeholder (a stand-in for a user who lives on the peer)
 * or a live mailbox? Pure; used by the planner (a primary setup never reroutes a live mailbox)
 * and by the wizard (it never offers live mailboxes as peer users).
 */
import type { Attrs } from './parse.js';

/** The attributes classifyAccount reads: probe (or list) at least these. */
export const CLASSIFY_ATTRS = ['zimbraAccountStatus', 'zimbraMailTransport', 'zimbraMailDeliveryAddress', 'zimbraLastLogonTimestamp'] as const;

export type AccountClass =
  /** No account answers to the address. */
  | { kind: 'absent' }
  /** Locked, never logged in, its mail not delivered into a Zimbra mailbox (smtp: to the peer, or no transport): nothing lands in it. */
  | { kind: 'placeholder' }
  /** The address is an alias of the account `of` (ga resolves aliases to their account). */
  | { kind: 'alias'; of: string; ofClass: 'placeholder' | 'live' }
  /** A mailbox Zimbra delivers into, or one that is used: `why` says what shows it. */
  | { kind: 'live'; why: string };

function value(attrs: Attrs, name: string): string[] {
  const k = Object.keys(attrs).find((x) => x.toLowerCase() === name.toLowerCase());
  return k ? attrs[k] : [];
}

/** Why an account is a live mailbox, or undefined when it is a placeholder. */
function liveBecause(attrs: Attrs): string | undefined {
  const status = value(attrs, 'zimbraAccountStatus')[0] ?? 'active';
  const transport = value(attrs, 'zimbraMailTransport')[0];
  const logon = value(attrs, 'zimbraLastLogonTimestamp')[0];
  if (status.toLowerCase() !== 'locked') return `zimbraAccountStatus ${status}`;
  if (logon) return `logged in (zimbraLastLogonTimestamp ${logon})`;
  // lmtp: Zimbra delivers into the mailbox. No transport, or any other, delivers nothing there.
  if (transport?.toLowerCase().startsWith('lmtp:')) return `Zimbra delivers its mail into its mailbox (zimbraMailTransport ${transport})`;
  return undefined;
}

/**
 * Classifies the account found for `address` (`attrs`: what `ga -e address` or a `gaa -v`
 * listing gave, holding at least CLASSIFY_ATTRS; null: no such account).
 */
export function classifyAccount(address: string, attrs: Attrs | null): AccountClass {
  if (attrs === null) return { kind: 'absent' };
  const primary = value(attrs, 'zimbraMailDeliveryAddress')[0];
  const why = liveBecause(attrs);
  if (primary && primary.toLowerCase() !== address.toLowerCase()) return { kind: 'alias', of: primary.toLowerCase(), ofClass: why ? 'live' : 'placeholder' };
  return why ? { kind: 'live', why } : { kind: 'placeholder' };
}

/** A live mailbox, or an address that reaches one: mail for it must never be rerouted to the peer. */
export function reachesLiveMailbox(c: AccountClass): boolean {
  return c.kind === 'live' || (c.kind === 'alias' && c.ofClass === 'live');
}
