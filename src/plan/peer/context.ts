/** What every peer module needs to know, computed once from the answers. */
import type { Answers } from '../../model/types.js';
import { isIP } from '../../model/validate.js';

export interface PeerContext {
  a: Answers;
  domain: string;
  domains: string[];
  zimbra: string;
  /** Zimbra MTA address for IP allow-lists; a marked placeholder when only a name is known. */
  zimbraIp: string;
  zimbraIpKnown: boolean;
  /** Users who live on Zimbra and that an authoritative peer must route to Zimbra (cutover users). */
  zimbraUsers: string[];
}

export function peerContext(a: Answers, zimbraUsers: string[] = []): PeerContext {
  const zimbra = a.zimbraHosts[0];
  const known = isIP(zimbra);
  return {
    a,
    domain: a.domains[0],
    domains: a.domains,
    zimbra,
    zimbraIp: known ? zimbra : `<IP of ${zimbra}>`,
    zimbraIpKnown: known,
    zimbraUsers,
  };
}

export { routedAddress, routingDomain, usesRoutingDomain } from '../../model/routing.js';

export interface PeerCommands {
  /** Shown as the system name on manual steps. */
  system: string;
  /** Zimbra primary: the peer forwards unknown users of the domain to Zimbra. */
  forwardUnknownToZimbra(c: PeerContext): { title: string; why: string; commands: string[] }[];
  /** Zimbra secondary: the peer stays authoritative and relays for Zimbra. */
  authoritative(c: PeerContext): { title: string; why: string; commands: string[] }[];
  /** Users now living on Zimbra: the peer must send their mail to Zimbra. */
  routeUsersToZimbra(c: PeerContext, users: string[]): { title: string; why: string; commands: string[] }[];
  /** Users moved back to the peer: stop routing them to Zimbra. */
  routeUsersToPeer(c: PeerContext, users: string[]): { title: string; why: string; commands: string[] }[];
  /** Migration over: the peer no longer serves the domain. */
  unsplit(c: PeerContext): { title: string; why: string; commands: string[] }[];
}
