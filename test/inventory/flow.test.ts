import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, 'fixtures');
const PRIMARY = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];
const SOURCES = ['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].flatMap((f) => ['--peer-recipients', join(FIX, f)]);

describe('mail flow of every class (Zimbra primary, recipients read from the Postfix maps)', () => {
  it('a peer list traced from the internet reaches the peer, which expands it', async () => {
    const r = await cli(['trace', 'team@example.com', '--from', 'internet', ...PRIMARY, ...SOURCES]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('smtp:[mail.example.com]:25');
    expect(r.out).toContain('local distribution list');
    expect(r.out).toContain('the peer expands the list to its members');
    expect(r.out).toContain('from internet: DELIVERED on the peer');
  });

  it('an alias read from the alias map reaches its owner on the peer, from Zimbra too', async () => {
    const r = await cli(['trace', 'alice.smith@example.com', '--from', 'zimbra', ...PRIMARY, ...SOURCES]);
    expect(r.out).toContain('virtual_alias_maps alice.smith@example.com: alias -> alice@example.com');
    expect(r.out).toContain('delivered to the peer mailbox alice@example.com');
    expect(r.out).toContain('from zimbra: DELIVERED on the peer');
  });

  it('an unknown address is rejected once, by Zimbra (the authoritative side)', async () => {
    const r = await cli(['trace', 'nobody@example.com', '--from', 'internet', ...PRIMARY, ...SOURCES]);
    expect(r.out.match(/RCPT TO <nobody@example.com>: rejected/g)).toHaveLength(1);
    expect(r.out).toContain('REJECTED: Zimbra MTA zimbra.example.com rejects RCPT TO');
    expect(r.out).not.toContain('peer MTA');
  });

  it('the plan of the whole inventory passes the flow check (no loop, no lost address)', async () => {
    const r = await cli(['plan', 'setup', ...PRIMARY, ...SOURCES, '--format', 'json']);
    expect(r.err).not.toMatch(/refused/);
    expect(r.code).toBe(0);
  });
});

describe('verify --post samples every class', () => {
  it('one peer recipient of each class besides users is probed and expected to be accepted by Zimbra', async () => {
    const { flowState, offlineObserved } = await import('../../src/verify/state.js');
    const { sampleAddresses, expectedRcpt } = await import('../../src/verify/expect.js');
    const answers = {
      domains: ['example.com'],
      role: 'primary' as const,
      zimbraHosts: ['zimbra.example.com'],
      mailboxHost: 'zimbra.example.com',
      zimbraVersion: '10.1.0',
      peer: { kind: 'postfix' as const, host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
      peerAccounts: [
        { address: 'bob@example.com', aliases: [], class: 'user' as const },
        { address: 'team@example.com', aliases: ['all@example.com'], class: 'list' as const },
        { address: 'room1@example.com', aliases: [], class: 'room' as const },
        { address: 'sales@example.com', aliases: [], class: 'shared' as const },
      ],
    };
    const s = flowState('setup', answers, offlineObserved('setup', answers));
    const samples = sampleAddresses(s);
    expect(samples.filter((x) => x.kind.startsWith('peer ')).map((x) => [x.kind, x.address])).toEqual([
      ['peer user', 'bob@example.com'],
      ['peer list', 'team@example.com'],
      ['peer room', 'room1@example.com'],
      ['peer shared', 'sales@example.com'],
    ]);
    for (const x of samples.filter((y) => y.kind.startsWith('peer '))) expect(expectedRcpt(s, x.address, 'zimbra').accept, x.address).toBe(true);
    const unknown = samples.find((x) => x.kind === 'unknown')!;
    expect(expectedRcpt(s, unknown.address, 'zimbra').accept).toBe(false);
  });
});

describe('mail flow of Zimbra lists and resources (Zimbra secondary)', () => {
  it('a Zimbra list traced from the peer reaches Zimbra and is expanded; an unknown address is rejected once, by the peer', async () => {
    const { flowState, offlineObserved } = await import('../../src/verify/state.js');
    const { route } = await import('../../src/flow/index.js');
    const answers = {
      domains: ['example.com'],
      role: 'secondary' as const,
      zimbraHosts: ['zimbra.example.com'],
      mailboxHost: 'zimbra.example.com',
      zimbraVersion: '10.1.0',
      peer: { kind: 'postfix' as const, host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
      peerAccounts: [{ address: 'bob@example.com', aliases: [] }],
    };
    const observed = offlineObserved('setup', answers);
    observed.accounts = [{ name: 'zoe@example.com', attrs: { zimbraMailDeliveryAddress: ['zoe@example.com'], zimbraMailStatus: ['enabled'], zimbraMailTransport: ['lmtp:mbox2.example.com:7025'] } }];
    observed.resources = [{ name: 'conf-a@example.com', attrs: { zimbraMailDeliveryAddress: ['conf-a@example.com'], zimbraMailStatus: ['enabled'], zimbraMailTransport: ['lmtp:mbox1.example.com:7025'], zimbraCalResType: ['Location'] } }];
    observed.lists = [{ name: 'staff@example.com', attrs: { zimbraMailStatus: ['enabled'], zimbraMailAlias: ['everyone@example.com'], zimbraMailForwardingAddress: ['zoe@example.com', 'bob@example.com'] } }];
    const s = flowState('setup', answers, observed);
    const fromPeer = (addr: string) => route(s.input(s.after, 'peer'), addr, 'peer');
    for (const addr of ['staff@example.com', 'everyone@example.com']) {
      const t = fromPeer(addr);
      expect(t.outcome, addr).toBe('delivered-zimbra');
      expect(t.hops.map((h) => h.decision).join('\n')).toContain('distribution list -> zoe@example.com, bob@example.com');
    }
    expect(fromPeer('conf-a@example.com').outcome).toBe('delivered-zimbra');
    const unknown = route(s.input(s.after, 'peer'), 'nobody@example.com', 'internet');
    expect(unknown.outcome).toBe('rejected');
    expect(unknown.rejectedBy).toBe('peer-mta');
    expect(unknown.hops.filter((h) => h.system === 'zimbra-mta')).toEqual([]);
  });
});
