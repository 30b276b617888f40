/**
 * What the other mail system (the peer) does with mail for the shared domain(s). zsplit cannot read
 * the peer's configuration; this is the model the manual peer steps are meant to produce, which a
 * caller can also mis-configure on purpose. Pure.
 */
import type { Answers, PeerAccount, PeerKind } from '../model/types.js';
import { routingDomain, usesRoutingDomain } from '../model/routing.js';
import { domainOf, type ZimbraDirectory } from './directory.js';
import { parseTransport } from './transport.js';

/**
 * - `authoritative`: knows every address; rejects unknown ones at RCPT; routes the listed Zimbra
 *   users to Zimbra (Exchange mail contacts, M365 mail users, Postfix transport entries...).
 * - `forward-unknown`: delivers its own users and relays everything else of the domain to Zimbra
 *   (Exchange/M365 InternalRelay, Postfix fallback_transport or luser_relay, Sendmail LUSER_RELAY).
 */
export type PeerMode = 'authoritative' | 'forward-unknown';

export interface PeerBehaviour {
  mode: PeerMode;
  /** Mailboxes on the peer, with the other addresses that deliver to them. */
  users: PeerAccount[];
  /** `authoritative` only: addresses (users and aliases) the peer routes to Zimbra. */
  routesToZimbra: string[];
  /** The Zimbra MTA the peer relays to; defaults to the first of `answers.zimbraHosts`. */
  zimbraHost?: string;
  /**
   * The peer hands the addresses it routes to Zimbra over as user@zimbra-route.<domain> (Sendmail
   * virtusertable, Exchange forwarding and mail contacts, Microsoft 365 mail users), and relays
   * that subdomain to Zimbra, which must accept it as an alias domain (zimbra.md §6.4).
   */
  routingDomain?: boolean;
}

/** Addresses that live in a Zimbra mailbox: accounts with an `lmtp:` transport, and their aliases. */
export function zimbraUserAddresses(dir: ZimbraDirectory, domains?: readonly string[]): string[] {
  const shared = domains ? new Set(domains.map((d) => d.toLowerCase())) : undefined;
  const out: string[] = [];
  // Object.keys, not for-in: for-in re-checks every key of a 100,000-account table as it goes.
  const accounts = dir.accounts;
  const keys = Object.keys(accounts);
  for (let i = 0; i < keys.length; i++) {
    const address = keys[i];
    const attrs = accounts[address];
    const t = attrs.zimbraMailTransport?.[0];
    if (!t || !t.startsWith('lmtp:') || parseTransport(t).kind !== 'lmtp') continue;
    if (shared && !shared.has(domainOf(address))) continue;
    out.push(address);
    const aliases = attrs.zimbraMailAlias;
    if (aliases) for (const alias of aliases) if (alias) out.push(alias.toLowerCase());
  }
  // Distribution lists live on Zimbra too (it expands them).
  for (const [name, attrs] of Object.entries(dir.lists ?? {})) {
    if ((attrs.zimbraMailStatus?.[0] ?? 'enabled').toLowerCase() !== 'enabled' || (shared && !shared.has(domainOf(name)))) continue;
    out.push(name.toLowerCase(), ...(attrs.zimbraMailAlias ?? []).filter(Boolean).map((x) => x.toLowerCase()));
  }
  return out;
}

/**
 * The peer configuration zsplit's manual steps ask for:
 * - Zimbra primary: the peer is secondary and forwards unknown recipients to Zimbra.
 * - Zimbra secondary: the peer is authoritative; it knows its own users and routes Zimbra's to Zimbra.
 * `routesToZimbra` lists Zimbra's users (and aliases) in both cases; an address that is also a
 * peer mailbox stays a peer mailbox (the peer looks at its own mailboxes first).
 * A cutover wave is applied: users moved to Zimbra stop being peer mailboxes (and are routed to
 * Zimbra), users moved to the peer become peer mailboxes. Applying it is idempotent, so
 * `peerAccounts` may list the peer users before or after the wave.
 */
export function expectedPeerBehaviour(answers: Answers, zimbraUsers: Iterable<string>): PeerBehaviour {
  const cut = answers.cutover;
  const routes: string[] = [...zimbraUsers];
  let users: PeerAccount[] = answers.peerAccounts;
  if (cut && cut.users.length > 0) {
    const moved = new Set(cut.users.map((u) => u.toLowerCase()));
    if (cut.direction === 'to-zimbra') {
      users = users.filter((a) => !moved.has(a.address.toLowerCase()));
      for (const a of answers.peerAccounts) {
        if (!moved.has(a.address.toLowerCase())) continue;
        routes.push(a.address.toLowerCase(), ...a.aliases.map((x) => x.toLowerCase()));
      }
      for (const u of moved) routes.push(u);
    } else {
      const known = new Set(users.map((a) => a.address.toLowerCase()));
      users = [...users];
      for (const u of moved) if (!known.has(u)) users.push({ address: u, aliases: [] });
    }
  }
  return {
    mode: answers.role === 'primary' ? 'forward-unknown' : 'authoritative',
    users,
    routesToZimbra: routes,
    zimbraHost: answers.zimbraHosts[0],
    routingDomain: usesRoutingDomain(answers.peer.kind),
  };
}

/** How each kind of peer says what it does; used in trace hops. Texts marked (approx.) are not verified. */
export interface PeerWording {
  /** An authoritative peer routing a known Zimbra user. */
  routes: string;
  /** A forward-unknown peer relaying an address it does not host. */
  forwards: string;
  /** An authoritative peer refusing an unknown recipient. */
  reject: (address: string) => string;
  /** How the peer sends a routing subdomain (zimbra-route.<domain>) to Zimbra. */
  routingDomain: (domain: string) => string;
  /** The peer refusing to relay for an Internet client. */
  relayDenied: (address: string) => string;
}

export function peerWording(kind: PeerKind, zimbraHost: string): PeerWording {
  switch (kind) {
    case 'exchange':
      return {
        routes: `mail contact / mail user whose external address routes via Send connector "To Zimbra" -> ${zimbraHost}`,
        forwards: `accepted domain InternalRelay: Send connector "To Zimbra" -> ${zimbraHost}`,
        reject: () => '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup (approx.)',
        routingDomain: (d) => `Send connector 'zsplit routing to Zimbra' (address space ${d}) -> ${zimbraHost}`,
        relayDenied: () => '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain (approx.)',
      };
    case 'm365':
      return {
        routes: `mail user / contact: outbound connector "To Zimbra" -> ${zimbraHost}`,
        forwards: `accepted domain InternalRelay: outbound connector "To Zimbra" -> ${zimbraHost}`,
        reject: () => '550 5.4.1 Recipient address rejected: Access denied (Directory-Based Edge Blocking; approx.)',
        routingDomain: (d) => `outbound connector 'zsplit routing to Zimbra' (recipient domain ${d}) -> ${zimbraHost}`,
        relayDenied: () => '550 5.7.64 TenantAttribution; Relay Access Denied (approx.)',
      };
    case 'postfix':
      return {
        routes: `transport_maps entry -> smtp:[${zimbraHost}]:25`,
        forwards: `fallback_transport / luser_relay -> smtp:[${zimbraHost}]:25`,
        reject: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in relay recipient table`,
        routingDomain: (d) => `transport_maps ${d} -> smtp:[${zimbraHost}]:25`,
        relayDenied: (a) => `554 5.7.1 <${a}>: Relay access denied`,
      };
    case 'sendmail':
      return {
        routes: `virtusertable + mailertable -> esmtp:[${zimbraHost}]`,
        forwards: `LUSER_RELAY relay:${zimbraHost}`,
        reject: (a) => `550 5.1.1 <${a}>... User unknown`,
        routingDomain: (d) => `mailertable ${d} esmtp:[${zimbraHost}]`,
        relayDenied: (a) => `550 5.7.1 <${a}>... Relaying denied`,
      };
    case 'zimbra':
      return {
        routes: `account zimbraMailTransport smtp:[${zimbraHost}]:25`,
        forwards: `catch-all @domain + domain zimbraMailTransport smtp:[${zimbraHost}]:25`,
        reject: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in virtual mailbox table`,
        routingDomain: (d) => `domain ${d} zimbraMailTransport smtp:[${zimbraHost}]:25`,
        relayDenied: (a) => `554 5.7.1 <${a}>: Relay access denied`,
      };
    case 'other':
      return {
        routes: `listed as living on Zimbra -> ${zimbraHost}`,
        forwards: `forwards recipients it does not host -> ${zimbraHost}`,
        reject: (a) => `550 5.1.1 <${a}>: User unknown`,
        routingDomain: (d) => `routes ${d} -> ${zimbraHost}`,
        relayDenied: (a) => `550 5.7.1 <${a}>: Relaying denied`,
      };
  }
}

/** Routing subdomain -> the shared domain it stands for, when the peer routes through them. */
export function peerRoutingDomains(peer: PeerBehaviour, shared: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  if (peer.routingDomain) for (const d of shared) out.set(routingDomain(d), d);
  return out;
}
