/** Directory states and answers for the flow tests: the seeds' example.com split. */
import type { Answers, PeerAccount, PeerKind, Role } from '../../src/model/types.js';
import type { Attrs, ZimbraDirectory } from '../../src/flow/directory.js';
import type { FlowInput, MxTarget } from '../../src/flow/model.js';
import { expectedPeerBehaviour, zimbraUserAddresses, type PeerBehaviour } from '../../src/flow/peer.js';

export const DOMAIN = 'example.com';
export const ZIMBRA = 'zimbra.example.com';
export const MAILBOX = 'zimbra.example.com';
export const PEER = 'mail.example.com';
export const LMTP = `lmtp:${MAILBOX}:7025`;
export const TO_PEER = `smtp:[${PEER}]:25`;

/** foo lives on Zimbra, bar on the old system (the seeds' example). */
export const FOO = 'foo@example.com';
export const BAR = 'bar@example.com';

export function answers(role: Role, extra: Partial<Answers> = {}): Answers {
  return {
    domains: [DOMAIN],
    role,
    zimbraHosts: [ZIMBRA],
    mailboxHost: MAILBOX,
    zimbraVersion: '10.1.0',
    peer: { kind: 'postfix' as PeerKind, host: PEER, port: 25, ips: ['192.0.2.20'] },
    peerAccounts: [{ address: BAR, aliases: [] }],
    ...extra,
  };
}

export function zimbraUser(extra: Attrs = {}): Attrs {
  return {
    zimbraAccountStatus: ['active'],
    zimbraMailStatus: ['enabled'],
    zimbraMailHost: [MAILBOX],
    zimbraMailTransport: [LMTP],
    ...extra,
  };
}

/** A placeholder as zsplit creates it (zimbra.md §5): locked, mail enabled, smtp to the peer. */
export function placeholder(aliases: string[] = [], extra: Attrs = {}): Attrs {
  return {
    zimbraAccountStatus: ['locked'],
    zimbraMailStatus: ['enabled'],
    zimbraMailHost: [MAILBOX],
    zimbraMailTransport: [TO_PEER],
    ...(aliases.length ? { zimbraMailAlias: aliases } : {}),
    ...extra,
  };
}

function baseDirectory(): ZimbraDirectory {
  return {
    config: { zimbraMtaRelayHost: [], zimbraMtaSmtpDnsSupportLevel: ['enabled'] },
    servers: { [ZIMBRA]: { zimbraServiceEnabled: ['mta', 'mailbox', 'ldap'], zimbraMtaMyNetworks: ['127.0.0.0/8 192.0.2.0/24'] } },
    domains: { [DOMAIN]: { zimbraDomainType: ['local'], zimbraMailStatus: ['enabled'] } },
    accounts: { [FOO]: zimbraUser() },
  };
}

/** Zimbra primary done right: placeholders, no catch-all, MX at Zimbra, peer forwards unknowns. */
export function primaryInput(opts: { peerAccounts?: PeerAccount[]; mx?: MxTarget; answers?: Partial<Answers> } = {}): FlowInput {
  const peerAccounts = opts.peerAccounts ?? [{ address: BAR, aliases: [] }];
  const a = answers('primary', { peerAccounts, ...opts.answers });
  const dir = baseDirectory();
  for (const p of peerAccounts) dir.accounts[p.address] = placeholder(p.aliases);
  return withExpectedPeer({ answers: a, zimbra: dir, mx: opts.mx ?? 'zimbra' });
}

/** Zimbra secondary done right: catch-all @domain -> @domain + domain transport to the peer, peer authoritative, MX at the peer. */
export function secondaryInput(opts: { peerAccounts?: PeerAccount[]; mx?: MxTarget; transport?: string | null; answers?: Partial<Answers> } = {}): FlowInput {
  const peerAccounts = opts.peerAccounts ?? [{ address: BAR, aliases: [] }];
  const a = answers('secondary', { peerAccounts, ...opts.answers });
  const dir = baseDirectory();
  const dom = dir.domains[DOMAIN];
  dom.zimbraMailCatchAllAddress = [`@${DOMAIN}`];
  dom.zimbraMailCatchAllForwardingAddress = [`@${DOMAIN}`];
  if (opts.transport !== null) dom.zimbraMailTransport = [opts.transport ?? TO_PEER];
  return withExpectedPeer({ answers: a, zimbra: dir, mx: opts.mx ?? 'peer' });
}

export function withExpectedPeer(x: { answers: Answers; zimbra: ZimbraDirectory; mx: MxTarget }): FlowInput {
  return { ...x, peer: expectedPeerBehaviour(x.answers, zimbraUserAddresses(x.zimbra, x.answers.domains)) };
}

export function withPeer(input: FlowInput, peer: Partial<PeerBehaviour>): FlowInput {
  return { ...input, peer: { ...input.peer, ...peer } };
}

export function systems(t: { hops: { system: string }[] }): string[] {
  const out: string[] = [];
  for (const h of t.hops) if (out[out.length - 1] !== h.system) out.push(h.system);
  return out;
}
