/**
 * What the other mail system (the peer) does with mail for the shared domain(s). zsplit cannot read
 * the peer's configuration; this is the model the manual peer steps are meant to produce, which a
 * caller can also mis-configure on purpose. Pure.
 */
import type { Answers, PeerAccount, PeerKind } from '../model/types.js';
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
}

/** Addresses that live in a Zimbra mailbox: accounts with an `lmtp:` transport, and their aliases. */
export function zimbraUserAddresses(dir: ZimbraDirectory, domains?: readonly string[]): string[] {
  const shared = domains ? new Set(domains.map((d) => d.toLowerCase())) : undefined;
  const out: string[] = [];
  for (const address in dir.accounts) {
    if (shared && !shared.has(domainOf(address))) continue;
    const attrs = dir.accounts[address];
    const t = attrs.zimbraMailTransport?.[0];
    if (!t || parseTransport(t).kind !== 'lmtp') continue;
    out.push(address);
    for (const alias of attrs.zimbraMailAlias ?? []) if (alias) out.push(alias.toLowerCase());
  }
  return out;
}

/**
 * The peer configuration zsplit's manual steps ask for:
 * - Zimbra primary: the peer is secondary and forwards unknown recipients to Zimbra.
 * - Zimbra secondary: the peer is authoritative; it knows its own users and routes Zimbra's to Zimbra.
 * `routesToZimbra` lists Zimbra's users (and aliases) in both cases.
 * A cutover wave is applied: users moved to Zimbra stop being peer mailboxes (and are routed to
 * Zimbra), users moved to the peer become peer mailboxes. Applying it is idempotent, so
 * `peerAccounts` may list the peer users before or after the wave.
 */
export function expectedPeerBehaviour(answers: Answers, zimbraUsers: Iterable<string>): PeerBehaviour {
  const cut = answers.cutover;
  const movedToZimbra = new Set(cut && cut.direction === 'to-zimbra' ? cut.users.map((u) => u.toLowerCase()) : []);
  const movedToPeer = cut && cut.direction === 'to-peer' ? cut.users.map((u) => u.toLowerCase()) : [];

  const users: PeerAccount[] = [];
  const seen = new Set<string>();
  for (const a of answers.peerAccounts) {
    const address = a.address.toLowerCase();
    if (movedToZimbra.has(address) || seen.has(address)) continue;
    seen.add(address);
    users.push({ address, aliases: a.aliases.map((x) => x.toLowerCase()) });
  }
  for (const address of movedToPeer) {
    if (seen.has(address)) continue;
    seen.add(address);
    users.push({ address, aliases: [] });
  }

  const peerHas = new Set<string>();
  for (const u of users) {
    peerHas.add(u.address);
    for (const a of u.aliases) peerHas.add(a);
  }
  const routes = new Set<string>();
  // Filled for both roles: a forward-unknown peer does not consult it, and a caller who flips the
  // mode to build a mis-configured peer gets a peer that knows Zimbra's users.
  for (const z of zimbraUsers) {
    const a = z.toLowerCase();
    if (!peerHas.has(a)) routes.add(a);
  }
  for (const a of movedToZimbra) routes.add(a);
  for (const a of answers.peerAccounts) {
    if (movedToZimbra.has(a.address.toLowerCase())) for (const x of a.aliases) routes.add(x.toLowerCase());
  }
  return {
    mode: answers.role === 'primary' ? 'forward-unknown' : 'authoritative',
    users,
    routesToZimbra: [...routes],
    zimbraHost: answers.zimbraHosts[0],
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
}

export function peerWording(kind: PeerKind, zimbraHost: string): PeerWording {
  switch (kind) {
    case 'exchange':
      return {
        routes: `mail contact / mail user whose external address routes via Send connector "To Zimbra" -> ${zimbraHost}`,
        forwards: `accepted domain InternalRelay: Send connector "To Zimbra" -> ${zimbraHost}`,
        reject: () => '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup (approx.)',
      };
    case 'm365':
      return {
        routes: `mail user / contact: outbound connector "To Zimbra" -> ${zimbraHost}`,
        forwards: `accepted domain InternalRelay: outbound connector "To Zimbra" -> ${zimbraHost}`,
        reject: () => '550 5.4.1 Recipient address rejected: Access denied (Directory-Based Edge Blocking; approx.)',
      };
    case 'postfix':
      return {
        routes: `transport_maps entry -> smtp:[${zimbraHost}]:25`,
        forwards: `fallback_transport / luser_relay -> smtp:[${zimbraHost}]:25`,
        reject: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in relay recipient table`,
      };
    case 'sendmail':
      return {
        routes: `virtusertable + mailertable -> esmtp:[${zimbraHost}]`,
        forwards: `LUSER_RELAY relay:${zimbraHost}`,
        reject: (a) => `550 5.1.1 <${a}>... User unknown`,
      };
    case 'zimbra':
      return {
        routes: `account zimbraMailTransport smtp:[${zimbraHost}]:25`,
        forwards: `catch-all @domain + domain zimbraMailTransport smtp:[${zimbraHost}]:25`,
        reject: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in virtual mailbox table`,
      };
    case 'other':
      return {
        routes: `listed as living on Zimbra -> ${zimbraHost}`,
        forwards: `forwards recipients it does not host -> ${zimbraHost}`,
        reject: (a) => `550 5.1.1 <${a}>: User unknown`,
      };
  }
}
