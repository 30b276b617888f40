/**
 * Which accounts read live from Zimbra may be offered as peer users: placeholders only, as the
 * planner's one classification says (src/zimbra/placeholder.ts), and routed to this peer. A real
 * mailbox is never a peer user: rerouting it would silently stop its mail on Zimbra. Pure.
 */
import { classifyAccount } from '../zimbra/placeholder.js';

/** An account as `zmprov -l gaa -v -e` reads it, reduced to what the wizard needs. */
export interface LiveAccount {
  name: string;
  /** zimbraMailTransport ('' when unset). */
  transport: string;
  /** zimbraAccountStatus. */
  status: string;
  /** zimbraLastLogonTimestamp is set: somebody has used the mailbox. */
  inUse?: boolean;
}

/** The host of an `smtp:[host]:port` / `smtp:host` transport, lower-cased; undefined for lmtp: and others. */
export function smtpHost(transport: string): string | undefined {
  const m = /^smtp:\[?([^\]:]+)\]?(?::\d+)?$/i.exec(transport.trim());
  return m ? m[1].toLowerCase() : undefined;
}

/** The transport routes the account's mail to the peer host. */
export function routesTo(transport: string, peerHost: string): boolean {
  const h = smtpHost(transport);
  return h !== undefined && h === peerHost.trim().toLowerCase();
}

/** A placeholder for a user of the peer: locked, routed to the peer, no mailbox in use. */
export function isPeerPlaceholder(a: LiveAccount, peerHost: string): boolean {
  if (!routesTo(a.transport, peerHost)) return false;
  const attrs: Record<string, string[]> = { zimbraAccountStatus: a.status ? [a.status] : [], zimbraMailTransport: [a.transport] };
  if (a.inUse) attrs.zimbraLastLogonTimestamp = ['(set)'];
  return classifyAccount(a.name, attrs).kind === 'placeholder';
}

/** Splits a live read into what may be offered (placeholders) and what must not (real mailboxes). */
export function peerCandidates(accounts: LiveAccount[], peerHost: string): { offered: string[]; mailboxes: string[] } {
  const offered: string[] = [];
  const mailboxes: string[] = [];
  for (const a of accounts) (isPeerPlaceholder(a, peerHost) ? offered : mailboxes).push(a.name);
  return { offered, mailboxes };
}
