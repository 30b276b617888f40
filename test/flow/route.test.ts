import { describe, expect, it } from 'vitest';
import { route, routeWith, ENTRY_POINTS } from '../../src/flow/route.js';
import { compileFlow, inNetworks } from '../../src/flow/model.js';
import { expectedPeerBehaviour, zimbraUserAddresses } from '../../src/flow/peer.js';
import { parseTransport } from '../../src/flow/transport.js';
import { accountMailEnabled } from '../../src/flow/directory.js';
import {
  BAR,
  DOMAIN,
  FOO,
  LMTP,
  PEER,
  TO_PEER,
  ZIMBRA,
  answers,
  placeholder,
  primaryInput,
  secondaryInput,
  systems,
  withPeer,
} from './fixtures.js';

const UNKNOWN = 'nobody@example.com';

describe('seed examples of mail flow (000_*.txt)', () => {
  it('Zimbra master, mail from the internet to a user on the old system: internet -> Zimbra postfix -> account transport -> existing MTA -> existing store', () => {
    const t = route(primaryInput(), BAR, 'internet');
    expect(t.outcome).toBe('delivered-peer');
    expect(systems(t)).toEqual(['internet', 'zimbra-mta', 'peer-mta', 'peer-mailbox']);
    expect(t.hops[0]).toMatchObject({ system: 'internet', lookup: `MX ${DOMAIN}` });
    const transport = t.hops.find((h) => h.lookup.startsWith('transport_maps'));
    expect(transport?.decision).toBe(`account zimbraMailTransport ${TO_PEER}`);
    expect(t.hops.at(-1)).toMatchObject({ system: 'peer-mailbox', host: PEER, address: BAR });
  });

  it('Zimbra slave, a Zimbra user sends to a user on the old system: account not local, domain transport -> existing MTA -> existing store', () => {
    const t = route(secondaryInput(), BAR, 'zimbra');
    expect(t.outcome).toBe('delivered-peer');
    expect(systems(t)).toEqual(['zimbra-mailbox', 'zimbra-mta', 'peer-mta', 'peer-mailbox']);
    const rcpt = t.hops.find((h) => h.lookup.startsWith('RCPT TO'));
    expect(rcpt?.decision).toContain(`catch-all @${DOMAIN}`);
    const transport = t.hops.find((h) => h.lookup.startsWith('transport_maps'));
    expect(transport?.decision).toContain(`no account ${BAR}`);
    expect(transport?.decision).toContain(`domain ${DOMAIN} zimbraMailTransport ${TO_PEER}`);
  });

  it('the seed slave transport without brackets still routes, with the MX-lookup risk noted', () => {
    const t = route(secondaryInput({ transport: `smtp:${PEER}:25` }), BAR, 'zimbra');
    expect(t.outcome).toBe('delivered-peer');
    expect(t.notes.join('\n')).toMatch(/looks up the MX of mail\.example\.com/);
  });
});

describe('Zimbra secondary done right', () => {
  const input = secondaryInput();

  it.each(ENTRY_POINTS)('peer user is delivered on the peer from %s', (from) => {
    const t = route(input, BAR, from);
    expect(t.outcome).toBe('delivered-peer');
    expect(t.hops.at(-1)?.system).toBe('peer-mailbox');
  });

  it.each(ENTRY_POINTS)('Zimbra user is delivered on Zimbra from %s', (from) => {
    const t = route(input, FOO, from);
    expect(t.outcome).toBe('delivered-zimbra');
    expect(t.hops.at(-1)).toMatchObject({ system: 'zimbra-mailbox', decision: `stored in ${FOO}` });
  });

  it('Internet mail for a Zimbra user goes peer -> Zimbra, because the authoritative peer routes it', () => {
    const t = route(input, FOO, 'internet');
    expect(systems(t)).toEqual(['internet', 'peer-mta', 'zimbra-mta', 'zimbra-mailbox']);
    expect(t.hops.find((h) => h.system === 'peer-mta')?.decision).toContain('a Zimbra user: transport_maps entry -> smtp:[zimbra.example.com]:25');
  });

  it('an unknown address is rejected by the peer at RCPT', () => {
    const t = route(input, UNKNOWN, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.rejectedBy).toBe('peer-mta');
    expect(t.acceptedBy).toBeUndefined();
    expect(t.reason).toContain('User unknown in relay recipient table');
  });

  it('an unknown address sent by a Zimbra user is accepted by the catch-all, refused by the peer, bounced by Zimbra', () => {
    const t = route(input, UNKNOWN, 'zimbra');
    expect(t.outcome).toBe('bounced');
    expect(t.acceptedBy).toBe('zimbra-mta');
    expect(t.rejectedBy).toBe('peer-mta');
  });
});

describe('Zimbra primary done right', () => {
  const input = primaryInput();

  it('an unknown address is rejected by Zimbra at RCPT', () => {
    const t = route(input, UNKNOWN, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(t.hops.at(-1)?.decision).toBe(`rejected: 550 5.1.1 <${UNKNOWN}>: Recipient address rejected: example.com`);
  });

  it.each(ENTRY_POINTS)('peer user (locked placeholder) is delivered on the peer from %s', (from) => {
    expect(route(input, BAR, from).outcome).toBe('delivered-peer');
  });

  it('a peer user sending to a Zimbra user: the peer forwards what it does not host to Zimbra', () => {
    const t = route(input, FOO, 'peer');
    expect(t.outcome).toBe('delivered-zimbra');
    expect(systems(t)).toEqual(['peer-mailbox', 'peer-mta', 'zimbra-mta', 'zimbra-mailbox']);
    expect(t.hops.find((h) => h.system === 'peer-mta')?.decision).toContain('fallback_transport');
  });

  it('before the MX change (MX still at the peer) unknown mail is accepted by the peer and bounced: backscatter', () => {
    const t = route(primaryInput({ mx: 'peer' }), UNKNOWN, 'internet');
    expect(t.outcome).toBe('bounced');
    expect(t.acceptedBy).toBe('peer-mta');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(t.reason).toContain('backscatter');
  });

  it('reject_unverified_recipient turns that bounce into a refusal at RCPT', () => {
    const base = secondaryInput({ mx: 'zimbra' });
    base.zimbra.config.zimbraMtaRestriction = ['reject_invalid_helo_hostname', 'reject_unverified_recipient'];
    const t = route(base, UNKNOWN, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.reason).toContain('reject_unverified_recipient');
    expect(route(secondaryInput({ mx: 'zimbra' }), UNKNOWN, 'internet').outcome).toBe('bounced');
  });
});

describe('loops', () => {
  it('both sides forward unknown recipients: loop with the cycle shown', () => {
    const input = withPeer(secondaryInput(), { mode: 'forward-unknown' });
    const t = route(input, UNKNOWN, 'internet');
    expect(t.outcome).toBe('loop');
    expect(t.cycle).toEqual([
      `peer MTA ${PEER} <${UNKNOWN}>`,
      `Zimbra MTA ${ZIMBRA} <${UNKNOWN}>`,
      `peer MTA ${PEER} <${UNKNOWN}>`,
    ]);
    expect(t.reason).toContain('554 5.4.0 Error: too many hops');
    expect(t.reason).toContain('zimbraMtaHopcountLimit (50)');
    // known users still flow
    expect(route(input, BAR, 'internet').outcome).toBe('delivered-peer');
    expect(route(input, FOO, 'internet').outcome).toBe('delivered-zimbra');
  });

  it('uses the configured hop count limit', () => {
    const input = withPeer(secondaryInput(), { mode: 'forward-unknown' });
    input.zimbra.servers[ZIMBRA].zimbraMtaHopcountLimit = ['30'];
    expect(route(input, UNKNOWN, 'zimbra').reason).toContain('zimbraMtaHopcountLimit (30)');
  });

  it('a Zimbra primary with a catch-all back to a forwarding peer loops', () => {
    const input = primaryInput();
    const dom = input.zimbra.domains[DOMAIN];
    dom.zimbraMailCatchAllAddress = [`@${DOMAIN}`];
    dom.zimbraMailCatchAllForwardingAddress = [`@${DOMAIN}`];
    dom.zimbraMailTransport = [TO_PEER];
    const t = route(input, UNKNOWN, 'internet');
    expect(t.outcome).toBe('loop');
    expect(t.cycle?.[0]).toBe(`Zimbra MTA ${ZIMBRA} <${UNKNOWN}>`);
  });

  it('a Zimbra user routed to an authoritative peer that routes it back loops', () => {
    const input = secondaryInput();
    input.zimbra.accounts[FOO].zimbraMailTransport = [TO_PEER];
    const t = route(input, FOO, 'zimbra');
    expect(t.outcome).toBe('loop');
  });

  it('a transport pointing at Zimbra itself loops', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR].zimbraMailTransport = [`smtp:[${ZIMBRA}]:25`];
    expect(route(input, BAR, 'internet').outcome).toBe('loop');
  });
});

describe('black holes and bounces', () => {
  it('catch-all without a domain transport: accepted, then bounced by virtual_transport=error', () => {
    const input = secondaryInput({ transport: null });
    const t = route(input, BAR, 'zimbra');
    expect(t.outcome).toBe('bounced');
    expect(t.reason).toContain('virtual_transport = error');
    expect(t.reason).toContain('§7.3');
    expect(route(input, FOO, 'zimbra').outcome).toBe('delivered-zimbra');
  });

  it('error: and typo transports bounce', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR].zimbraMailTransport = ['error:gone'];
    expect(route(input, BAR, 'internet').outcome).toBe('bounced');
    input.zimbra.accounts[BAR].zimbraMailTransport = ['smpt:[mail.example.com]:25'];
    const t = route({ ...input }, BAR, 'internet');
    expect(t.outcome).toBe('bounced');
    expect(t.reason).toContain('no Postfix service "smpt"');
  });

  it('a transport to a third host is external (delivered to the wrong place)', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR].zimbraMailTransport = ['smtp:[other.example.net]:25'];
    const t = route(input, BAR, 'internet');
    expect(t.outcome).toBe('external');
    expect(t.reason).toContain('neither Zimbra nor the peer');
  });

  it('LMTP refuses a closed account even when mail status is forced enabled by the domain transport', () => {
    const input = secondaryInput();
    input.zimbra.domains[DOMAIN].zimbraMailTransport = [LMTP];
    input.zimbra.accounts[BAR] = { zimbraAccountStatus: ['closed'], zimbraMailTransport: [LMTP] };
    const t = route(input, BAR, 'zimbra');
    expect(t.outcome).toBe('bounced');
    expect(t.hops.at(-1)).toMatchObject({ system: 'zimbra-mailbox', decision: '5xx: zimbraAccountStatus closed' });
  });

  it('an account in maintenance is delivered later (deferred)', () => {
    const input = primaryInput();
    input.zimbra.accounts[FOO].zimbraAccountStatus = ['maintenance'];
    const t = route(input, FOO, 'internet');
    expect(t.outcome).toBe('delivered-zimbra');
    expect(t.deferred).toBe(true);
  });
});

describe('placeholders', () => {
  it('missing placeholder on a Zimbra primary: the peer user is rejected at RCPT', () => {
    const input = primaryInput();
    delete input.zimbra.accounts[BAR];
    const t = route(input, BAR, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(t.reason).toContain('no account, alias or catch-all');
  });

  it('closed placeholder: zimbraMailStatus is forced disabled, Postfix does not see it, RCPT rejected', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR] = placeholder([], { zimbraAccountStatus: ['closed'] }); // stored mail status still says enabled
    expect(accountMailEnabled(input.zimbra.accounts[BAR])).toBe(false);
    const t = route(input, BAR, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.reason).toContain('zimbraMailStatus disabled');
    expect(t.reason).toContain('zimbraAccountStatus closed forces it');
  });

  it('closed account with a catch-all: falls through to the catch-all and the domain transport', () => {
    const input = secondaryInput();
    input.zimbra.accounts[BAR] = placeholder([], { zimbraAccountStatus: ['closed'], zimbraMailTransport: [LMTP] });
    const t = route(input, BAR, 'zimbra');
    expect(t.outcome).toBe('delivered-peer');
    expect(t.hops.find((h) => h.lookup.startsWith('RCPT'))?.decision).toMatch(/falls through to catch-all @example\.com/);
  });

  it('a locked placeholder still receives (Postfix never checks account status)', () => {
    const input = primaryInput();
    const t = route(input, BAR, 'zimbra');
    expect(t.outcome).toBe('delivered-peer');
    expect(t.hops.find((h) => h.lookup.startsWith('RCPT'))?.decision).toContain('zimbraAccountStatus locked');
  });

  it('an alias on the placeholder is rewritten to the account before the hand-off', () => {
    const input = primaryInput({ peerAccounts: [{ address: BAR, aliases: ['b.ar@example.com'] }] });
    const t = route(input, 'b.ar@example.com', 'internet');
    expect(t.outcome).toBe('delivered-peer');
    expect(t.hops.find((h) => h.lookup === 'virtual_alias_maps b.ar@example.com')?.decision).toBe(`alias -> ${BAR}`);
    expect(t.hops.find((h) => h.system === 'peer-mta')?.address).toBe(BAR);
  });
});

describe('cutover', () => {
  function moved(role: 'primary' | 'secondary') {
    const base = role === 'primary' ? primaryInput() : secondaryInput();
    const a = { ...base.answers, cutover: { users: [BAR], direction: 'to-zimbra' as const, wave: 'wave-1' } };
    const zimbra = structuredClone(base.zimbra);
    zimbra.accounts[BAR] = { zimbraAccountStatus: ['active'], zimbraMailStatus: ['enabled'], zimbraMailTransport: [LMTP] };
    return { answers: a, zimbra, mx: base.mx, peer: expectedPeerBehaviour(a, zimbraUserAddresses(zimbra, a.domains)) };
  }

  it.each(['primary', 'secondary'] as const)('a user moved to Zimbra (lmtp) is delivered on Zimbra from the peer entry (Zimbra %s)', (role) => {
    const input = moved(role);
    expect(input.peer.users.map((u) => u.address)).not.toContain(BAR);
    const t = route(input, BAR, 'peer');
    expect(t.outcome).toBe('delivered-zimbra');
    expect(systems(t)).toEqual(['peer-mailbox', 'peer-mta', 'zimbra-mta', 'zimbra-mailbox']);
  });

  it('a peer that still hosts the moved user keeps delivering it there', () => {
    const input = moved('primary');
    const stale = withPeer(input, { users: [{ address: BAR, aliases: [] }] });
    expect(route(stale, BAR, 'peer').outcome).toBe('delivered-peer');
    expect(route(stale, BAR, 'internet').outcome).toBe('delivered-zimbra');
  });
});

describe('outside the shared domains', () => {
  it('from Zimbra: leaves via the relay host when one is set', () => {
    const input = secondaryInput();
    input.zimbra.config.zimbraMtaRelayHost = ['[smtp.isp.example]:587'];
    const t = route(input, 'someone@example.org', 'zimbra');
    expect(t.outcome).toBe('external');
    expect(t.reason).toContain('[smtp.isp.example]:587');
  });

  it('a server-level relay host to the peer wins over the global one', () => {
    const input = secondaryInput();
    input.zimbra.config.zimbraMtaRelayHost = ['[smtp.isp.example]:587'];
    input.zimbra.servers[ZIMBRA].zimbraMtaRelayHost = [`[${PEER}]:25`];
    const t = route(input, 'someone@example.org', 'zimbra');
    expect(t.outcome).toBe('external');
    expect(systems(t)).toEqual(['zimbra-mailbox', 'zimbra-mta', 'peer-mta']);
  });

  it('DNS disabled without a relay host bounces Internet mail (§7.6)', () => {
    const input = primaryInput();
    input.zimbra.config.zimbraMtaSmtpDnsSupportLevel = ['disabled'];
    const t = route(input, 'someone@example.org', 'zimbra');
    expect(t.outcome).toBe('bounced');
    expect(t.reason).toContain('§7.6');
  });

  it('zimbraMtaDnsLookupsEnabled FALSE is ignored on 8.7+ but honoured on 8.6', () => {
    const modern = primaryInput();
    modern.zimbra.config.zimbraMtaDnsLookupsEnabled = ['FALSE'];
    const t = route(modern, 'someone@example.org', 'zimbra');
    expect(t.outcome).toBe('external');
    expect(t.notes.join(' ')).toContain('has no effect');
    const old = primaryInput({ answers: { zimbraVersion: '8.6.0' } });
    old.zimbra.config.zimbraMtaDnsLookupsEnabled = ['FALSE'];
    expect(route(old, 'someone@example.org', 'zimbra').outcome).toBe('bounced');
  });

  it('from the Internet or the peer: not our business', () => {
    const input = primaryInput();
    expect(route(input, 'someone@example.org', 'internet').outcome).toBe('external');
    expect(route(input, 'someone@example.org', 'peer').outcome).toBe('external');
  });

  it('a shared domain Zimbra does not host: relay denied to the Internet, MX loop-back from a user', () => {
    const input = primaryInput();
    delete input.zimbra.domains[DOMAIN];
    const t = route(input, BAR, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.reason).toContain('554 5.7.1');
    const u = route(input, BAR, 'zimbra');
    expect(u.outcome).toBe('bounced');
    expect(u.reason).toContain('loops back to myself');
  });
});

describe('building blocks', () => {
  it('parses transports', () => {
    expect(parseTransport('smtp:[mail.example.com]:25')).toMatchObject({ kind: 'smtp', host: 'mail.example.com', port: 25, bracketed: true });
    expect(parseTransport('smtp:mail.example.com')).toMatchObject({ kind: 'smtp', host: 'mail.example.com', bracketed: false });
    expect(parseTransport('lmtp:mbox.example.com:7025')).toMatchObject({ kind: 'lmtp', host: 'mbox.example.com', port: 7025 });
    expect(parseTransport('smtp:[192.0.2.10]:2525')).toMatchObject({ kind: 'smtp', host: '192.0.2.10', port: 2525 });
    expect(parseTransport('smtp:').kind).toBe('unknown');
    expect(parseTransport('error:no').kind).toBe('error');
  });

  it('matches mynetworks entries', () => {
    expect(inNetworks('192.0.2.20', ['127.0.0.0/8', '192.0.2.0/24'])).toBe(true);
    expect(inNetworks('192.0.3.20', ['127.0.0.0/8', '192.0.2.0/24'])).toBe(false);
    expect(inNetworks('::1', ['[::1]/128', '::1'])).toBe(true);
  });

  it('a peer outside zimbraMtaMyNetworks cannot relay mail for a domain Zimbra does not host', () => {
    const input = primaryInput({ mx: 'peer' });
    delete input.zimbra.domains[DOMAIN];
    input.zimbra.servers[ZIMBRA].zimbraMtaMyNetworks = ['127.0.0.0/8'];
    const t = route(input, 'ghost@example.com', 'peer');
    expect(t.outcome).toBe('bounced');
    expect(t.reason).toContain('Relay access denied');
  });

  it('route() compiles once per input object; a new input object sees the change', () => {
    const input = primaryInput();
    expect(route(input, BAR, 'internet').outcome).toBe('delivered-peer');
    const changed = { ...input, zimbra: { ...input.zimbra, accounts: { [FOO]: input.zimbra.accounts[FOO] } } };
    expect(route(changed, BAR, 'internet').outcome).toBe('rejected');
    expect(routeWith(compileFlow(input), BAR, 'internet').outcome).toBe('delivered-peer');
  });

  it('expectedPeerBehaviour: forward-unknown for a Zimbra primary, authoritative with routes for a secondary', () => {
    const p = expectedPeerBehaviour(answers('primary'), [FOO]);
    expect(p.mode).toBe('forward-unknown');
    const s = expectedPeerBehaviour(answers('secondary', { peerAccounts: [{ address: BAR, aliases: ['b@example.com'] }] }), [FOO, BAR]);
    expect(s.mode).toBe('authoritative');
    expect(s.users).toEqual([{ address: BAR, aliases: ['b@example.com'] }]);
    expect(s.routesToZimbra).toEqual([FOO, BAR]);
    // an address that is both a peer mailbox and routed to Zimbra stays on the peer
    const input = { ...secondaryInput(), peer: s };
    expect(route(input, BAR, 'internet').outcome).toBe('delivered-peer');
  });

  it('expectedPeerBehaviour applies a cutover wave in either direction', () => {
    const to = answers('secondary', { cutover: { users: [BAR], direction: 'to-zimbra', wave: 'w1' } });
    const p = expectedPeerBehaviour(to, [FOO]);
    expect(p.users).toEqual([]);
    expect(p.routesToZimbra).toContain(BAR);
    const back = answers('primary', { peerAccounts: [], cutover: { users: [FOO], direction: 'to-peer', wave: 'w2' } });
    expect(expectedPeerBehaviour(back, []).users).toEqual([{ address: FOO, aliases: [] }]);
  });
});
