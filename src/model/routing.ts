/**
 * The routing subdomain: peers that route one user at a time by rewriting the address (Sendmail's
 * virtusertable, Exchange forwarding and mail contacts, Microsoft 365 mail users) send Zimbra's
 * users to user@zimbra-route.<domain>, which Zimbra accepts as an alias domain of <domain>
 * (zimbra.md §6.4): its catch-all @zimbra-route.<domain> forwards to @<domain>, so the address is
 * rewritten back. Shared by the planner, the mail-flow model and the validation of the answers.
 * Not zimbra.<domain>: that is often the Zimbra server's own host name.
 */
import type { PeerKind } from './types.js';

export const ROUTING_PREFIX = 'zimbra-route.';

/** The routing subdomain of a shared domain. */
export function routingDomain(domain: string): string {
  return `${ROUTING_PREFIX}${domain}`;
}

/** A user's address in the routing subdomain of its own domain. */
export function routedAddress(user: string): string {
  const at = user.lastIndexOf('@');
  return `${user.slice(0, at)}@${routingDomain(user.slice(at + 1))}`;
}

/** Peer kinds whose commands route Zimbra's users through the routing subdomain. */
export const ROUTING_DOMAIN_PEERS: readonly PeerKind[] = ['exchange', 'm365', 'sendmail'];

export function usesRoutingDomain(kind: PeerKind): boolean {
  return ROUTING_DOMAIN_PEERS.includes(kind);
}
