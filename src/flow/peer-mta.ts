/**
 * The peer MTA's rules: its routing subdomain, its own mailboxes (and what a non-user recipient
 * does), and what it does with the rest (authoritative: route Zimbra's users or refuse; forward
 * unknown: send everything else to Zimbra). Pure.
 */
import { domainOf } from './directory.js';
import { routedAddress } from '../model/routing.js';
import type { RecipientClass } from '../model/types.js';
import type { Trace } from './trace.js';
import type { Arrival, Walk } from './walk.js';

// ---------------------------------------------------------------- the peer

export function atPeer(w: Walk, a: Arrival): Arrival | Trace {
  const m = w.m;
  const host = a.host;
  const addr = a.address;
  const d = domainOf(addr);
  const routingOf = m.peerRoutingDomains.get(d);
  if (routingOf !== undefined) {
    // Not one of the peer's domains: it relays the routing subdomain to Zimbra, but only for
    // its own users and for Zimbra (which it lets relay), never for an Internet client.
    if (a.client === 'internet') {
      return w.reject('peer-mta', host, addr, m.peerWording.relayDenied(addr), `${d} is the routing subdomain of ${routingOf}, not a domain the peer accepts mail for from the Internet`);
    }
    w.hop('peer-mta', host, addr, `domain ${d}`, `routing subdomain of ${routingOf}: ${m.peerWording.routingDomain(d)}`);
    w.accept('peer-mta', host, a.client);
    return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
  }
  if (!m.shared.has(d)) {
    w.hop('peer-mta', host, addr, `domain ${d}`, 'not a shared domain: the peer sends it to the Internet itself');
    return w.finish('external', `${d} is not a shared domain: the peer delivers it to ${d}'s own MX`);
  }
  const box = m.peerLocal.get(addr);
  if (box !== undefined) {
    const cls = m.peerClass.get(box);
    const what = cls === undefined ? 'mailbox' : PEER_CLASS_NOUN[cls];
    w.hop('peer-mta', host, addr, `recipient ${addr}`, box === addr ? `local ${what}` : `alias of local ${what} ${box}`);
    w.accept('peer-mta', host, a.client);
    w.hop('peer-mailbox', host, box, 'deliver', cls === undefined ? `stored in ${box}` : `${box}: ${PEER_CLASS_SERVES[cls]}`);
    return w.finish('delivered-peer', `delivered to the peer ${what} ${box} on ${host}`);
  }
  const words = m.peerWording;
  if (m.input.peer.mode === 'authoritative') {
    if (m.peerRoutes.has(addr)) {
      if (m.peerRoutingDomains.size > 0) {
        // Routed by rewriting: Zimbra gets the address in the routing subdomain (zimbra.md §6.4).
        const routed = routedAddress(addr);
        w.hop('peer-mta', host, addr, `recipient ${addr}`, `a Zimbra user: ${words.routes}, as ${routed}`);
        w.accept('peer-mta', host, a.client);
        return { to: 'zimbra-mta', host: m.peerToZimbra, address: routed, client: 'peer' };
      }
      w.hop('peer-mta', host, addr, `recipient ${addr}`, `a Zimbra user: ${words.routes}`);
      w.accept('peer-mta', host, a.client);
      return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
    }
    return w.reject(
      'peer-mta',
      host,
      addr,
      words.reject(addr),
      `the peer is authoritative and ${addr} is neither one of its mailboxes nor a user it routes to Zimbra`,
    );
  }
  w.hop('peer-mta', host, addr, `recipient ${addr}`, `not a local mailbox: ${words.forwards}`);
  w.accept('peer-mta', host, a.client);
  return { to: 'zimbra-mta', host: m.peerToZimbra, address: addr, client: 'peer' };
}

/** What a peer recipient that is not a user is, and what the peer does with its mail (issue 14). */
const PEER_CLASS_NOUN: Record<RecipientClass, string> = {
  user: 'mailbox', shared: 'shared mailbox', room: 'room mailbox', equipment: 'equipment mailbox', list: 'distribution list', group: 'Microsoft 365 group',
  contact: 'mail contact', mailuser: 'mail user', 'public-folder': 'public folder', system: 'system mailbox', alias: 'forwarding alias',
};
const PEER_CLASS_SERVES: Record<RecipientClass, string> = {
  user: 'stored', shared: 'stored in the shared mailbox', room: 'stored in the room mailbox (booked there)', equipment: 'stored in the equipment mailbox (booked there)',
  list: 'the peer expands the list to its members', group: 'stored in the group mailbox', contact: "the peer forwards it to the contact's outside address",
  mailuser: "the peer forwards it to the mail user's outside mailbox", 'public-folder': 'stored in the public folder', system: 'stored in the system mailbox', alias: 'the peer forwards it to its targets',
};
