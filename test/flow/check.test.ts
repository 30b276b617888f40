import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPlan, type Finding, type PlanCheck } from '../../src/flow/check.js';
import { expectedPeerBehaviour, zimbraUserAddresses, type PeerBehaviour } from '../../src/flow/peer.js';
import type { FlowInput } from '../../src/flow/model.js';
import type { ZimbraDirectory } from '../../src/flow/directory.js';
import type { Answers } from '../../src/model/types.js';
import {
  BAR,
  DOMAIN,
  FOO,
  LMTP,
  PEER,
  TO_PEER,
  answers,
  placeholder,
  primaryInput,
  secondaryInput,
  withPeer,
  zimbraUser,
} from './fixtures.js';

function codes(fs: Finding[]): string[] {
  return fs.map((f) => `${f.code}:${f.addressClass}`);
}

function expectExplained(r: PlanCheck): void {
  for (const f of [...r.errors, ...r.warnings]) {
    expect(f.trace.hops.length).toBeGreaterThan(0);
    expect(f.trace.reason).not.toBe('');
    expect(f.examples[0]).toBeDefined();
  }
}

describe('checkPlan on correct setups', () => {
  it('Zimbra secondary done right: ok, nothing to report, every class traced from every entry point', () => {
    const r = checkPlan(secondaryInput());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    const by = (a: string) => r.traces.filter((t) => t.address === a).map((t) => `${t.from}:${t.outcome}`);
    expect(by(BAR)).toEqual(['internet:delivered-peer', 'zimbra:delivered-peer', 'peer:delivered-peer']);
    expect(by(FOO)).toEqual(['internet:delivered-zimbra', 'zimbra:delivered-zimbra', 'peer:delivered-zimbra']);
    const unknown = r.traces.filter((t) => t.address.startsWith('no-such-user-'));
    expect(unknown.map((t) => t.from)).toEqual(['internet', 'zimbra', 'peer']);
    expect(unknown[0].outcome).toBe('rejected');
    expect(unknown[0].rejectedBy).toBe('peer-mta');
  });

  it('Zimbra primary done right: ok; unknown rejected by Zimbra at RCPT', () => {
    const r = checkPlan(primaryInput({ peerAccounts: [{ address: BAR, aliases: ['b.ar@example.com'] }] }));
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    const unknown = r.traces.find((t) => t.address.startsWith('no-such-user-') && t.from === 'internet');
    expect(unknown?.outcome).toBe('rejected');
    expect(unknown?.rejectedBy).toBe('zimbra-mta');
    expect(r.traces.filter((t) => t.address === 'b.ar@example.com').every((t) => t.outcome === 'delivered-peer')).toBe(true);
  });

  it('the unknown address is free and repeatable', () => {
    const a = checkPlan(primaryInput()).traces.find((t) => t.address.startsWith('no-such-user-'))!.address;
    const b = checkPlan(primaryInput()).traces.find((t) => t.address.startsWith('no-such-user-'))!.address;
    expect(a).toBe(b);
    expect(a).toMatch(/^no-such-user-[0-9a-f]{6}@example\.com$/);
    const taken = primaryInput();
    taken.zimbra.accounts[a] = zimbraUser();
    const c = checkPlan(taken).traces.find((t) => t.address.startsWith('no-such-user-') && t.address !== a);
    expect(c).toBeDefined();
  });
});

describe('checkPlan refuses', () => {
  it('both sides forwarding unknown recipients: loop error carrying the loop trace', () => {
    const r = checkPlan(withPeer(secondaryInput(), { mode: 'forward-unknown' }));
    expect(r.ok).toBe(false);
    const loop = r.errors.find((f) => f.code === 'loop');
    expect(loop?.addressClass).toBe('unknown');
    expect(loop?.from).toEqual(['internet', 'zimbra', 'peer']);
    expect(loop?.trace.outcome).toBe('loop');
    expect(loop?.trace.cycle?.length).toBe(3);
    expect(loop?.hint).toContain('exactly one side');
    expectExplained(r);
  });

  it('catch-all without a domain transport: peer users bounce (error) with the md fix', () => {
    const r = checkPlan(secondaryInput({ transport: null }));
    expect(r.ok).toBe(false);
    const f = r.errors.find((x) => x.code === 'bounced' && x.addressClass === 'peer-user');
    expect(f?.address).toBe(BAR);
    expect(f?.from).toEqual(['zimbra']);
    expect(f?.trace.reason).toContain('virtual_transport = error');
    expect(f?.hint).toBe(`set the domain transport: zmprov md ${DOMAIN} zimbraMailTransport smtp:[${PEER}]:25`);
  });

  it('missing placeholder on a Zimbra primary: peer user rejected (error), with the ca/ma fix', () => {
    const input = primaryInput({ peerAccounts: [{ address: BAR, aliases: [] }, { address: 'baz@example.com', aliases: [] }] });
    delete input.zimbra.accounts['baz@example.com'];
    const r = checkPlan(input);
    expect(r.ok).toBe(false);
    expect(codes(r.errors)).toEqual(['rejected:peer-user']);
    const f = r.errors[0];
    expect(f.address).toBe('baz@example.com');
    expect(f.from).toEqual(['internet', 'zimbra']);
    expect(f.trace.rejectedBy).toBe('zimbra-mta');
    expect(f.hint).toContain("zmprov ca baz@example.com '' zimbraAccountStatus locked");
    // from the peer, the peer forwards it to Zimbra which refuses it: the peer bounces to its own user
    expect(codes(r.errors)).not.toContain('bounced:peer-user');
  });

  it('missing alias on the authoritative side: warning only, with the aaa fix', () => {
    const input = primaryInput({ peerAccounts: [{ address: BAR, aliases: ['b.ar@example.com'] }] });
    input.zimbra.accounts[BAR] = placeholder([]);
    const r = checkPlan(input);
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(['alias-rejected:peer-alias']);
    expect(r.warnings[0].hint).toBe(`add the alias on the placeholder: zmprov aaa ${BAR} b.ar@example.com`);
  });

  it('Zimbra secondary: a Zimbra alias the peer does not know is rejected by the peer (warning)', () => {
    const input = secondaryInput();
    input.zimbra.accounts[FOO] = zimbraUser({ zimbraMailAlias: ['f.oo@example.com'] });
    input.peer = { ...input.peer, routesToZimbra: [FOO] };
    const r = checkPlan(input);
    expect(r.ok).toBe(true);
    const w = r.warnings.find((f) => f.code === 'alias-rejected');
    expect(w?.address).toBe('f.oo@example.com');
    expect(w?.trace.rejectedBy).toBe('peer-mta');
    expect(w?.from).toEqual(['internet', 'peer']);
  });

  it('closed placeholder: rejected, and the trace explains the forced mail status', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR] = placeholder([], { zimbraAccountStatus: ['closed'] });
    const r = checkPlan(input);
    const f = r.errors.find((x) => x.code === 'rejected');
    expect(f?.addressClass).toBe('peer-user');
    expect(f?.trace.reason).toContain('zimbraAccountStatus closed forces it');
  });

  it('MX still at the peer on a Zimbra primary: unknown mail is backscattered (warning)', () => {
    const r = checkPlan(primaryInput({ mx: 'peer' }));
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(['backscatter:unknown']);
    expect(r.warnings[0].from).toEqual(['internet']);
    expect(r.warnings[0].hint).toContain('point the MX at the authoritative side');
  });

  it('MX at a Zimbra secondary: the catch-all accepts unknown mail and the peer refuses it later (warning)', () => {
    const r = checkPlan(secondaryInput({ mx: 'zimbra' }));
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(['backscatter:unknown']);
    expect(r.warnings[0].trace.acceptedBy).toBe('zimbra-mta');
    expect(r.warnings[0].hint).toContain('reject_unverified_recipient');
  });

  it('a Zimbra mailbox that is also listed as a peer account is an error', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR] = zimbraUser();
    const r = checkPlan(input);
    const f = r.errors.find((x) => x.code === 'both-sides');
    expect(f?.address).toBe(BAR);
    expect(f?.message).toContain('from peer users: delivered-peer');
    expect(f?.message).toContain('from the Internet: delivered-zimbra');
  });

  it('a transport to a third host sends a peer user elsewhere (error)', () => {
    const input = primaryInput();
    input.zimbra.accounts[BAR].zimbraMailTransport = ['smtp:[old-mail.example.net]:25'];
    const r = checkPlan(input);
    expect(codes(r.errors)).toContain('external:peer-user');
  });
});

describe('cutover', () => {
  function wave(stalePeer: boolean): FlowInput {
    const base = primaryInput({ peerAccounts: [{ address: BAR, aliases: [] }, { address: 'baz@example.com', aliases: [] }] });
    const a: Answers = { ...base.answers, cutover: { users: [BAR], direction: 'to-zimbra', wave: 'wave-1' } };
    const zimbra: ZimbraDirectory = structuredClone(base.zimbra);
    zimbra.accounts[BAR] = zimbraUser();
    let peer: PeerBehaviour = expectedPeerBehaviour(a, zimbraUserAddresses(zimbra, a.domains));
    if (stalePeer) peer = { ...peer, users: [...peer.users, { address: BAR, aliases: [] }] };
    return { answers: a, zimbra, peer, mx: 'zimbra' };
  }

  it('moved user delivered on Zimbra from every entry: ok', () => {
    const r = checkPlan(wave(false));
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    const t = r.traces.filter((x) => x.address === BAR);
    expect(t.map((x) => x.outcome)).toEqual(['delivered-zimbra', 'delivered-zimbra', 'delivered-zimbra']);
  });

  it('the peer still hosting the moved user delivers its own users\' mail there: wrong side', () => {
    const r = checkPlan(wave(true));
    const f = r.errors.find((x) => x.code === 'wrong-side');
    expect(f?.addressClass).toBe('cutover-to-zimbra');
    expect(f?.from).toEqual(['peer']);
  });
});

describe('grouping and scanning', () => {
  function many(n: number): FlowInput {
    const peerAccounts = Array.from({ length: n }, (_, i) => ({ address: `user${i}@example.com`, aliases: i % 2 ? [`alias${i}@example.com`] : [] }));
    return primaryInput({ peerAccounts });
  }

  it('addresses with the same routing share one trace; findings count them', () => {
    const input = many(1000);
    for (let i = 0; i < 10; i++) delete input.zimbra.accounts[`user${i * 7}@example.com`];
    const r = checkPlan(input);
    expect(r.stats.addresses).toBe(1000 + 500 + 1 + 1); // users, aliases, foo, unknown
    expect(r.stats.groups).toBeLessThanOrEqual(8);
    const rejected = r.errors.find((f) => f.code === 'rejected');
    expect(rejected?.count).toBe(10);
    expect(rejected?.examples).toEqual(['user0@example.com', 'user7@example.com', 'user14@example.com', 'user21@example.com', 'user28@example.com']);
    expect(rejected?.message).toContain('and 9 more with the same routing');
    // the aliases of the deleted odd placeholders are rejected too: warnings
    expect(r.warnings.find((f) => f.code === 'alias-rejected')?.count).toBe(5);
  });

  it('well-formedness scan: unbracketed, invalid and port-mismatched transports, unknown lmtp host', () => {
    const input = many(20);
    input.zimbra.accounts['user1@example.com'].zimbraMailTransport = [`smtp:${PEER}:25`];
    input.zimbra.accounts['user2@example.com'].zimbraMailTransport = [`smtp:${PEER}`];
    input.zimbra.accounts['user3@example.com'].zimbraMailTransport = ['smtp:[mail.example.com]:2525'];
    input.zimbra.accounts['user4@example.com'].zimbraMailTransport = ['smtp:'];
    input.zimbra.accounts[FOO].zimbraMailTransport = ['lmtp:old-mbox.example.com:7025'];
    const r = checkPlan(input);
    const mx = r.warnings.find((f) => f.code === 'transport-mx-lookup');
    expect(mx?.count).toBe(2);
    expect(mx?.examples).toEqual(['user1@example.com', 'user2@example.com']);
    expect(mx?.hint).toBe('write smtp:[mail.example.com]:25');
    expect(r.warnings.find((f) => f.code === 'transport-port')?.examples).toEqual(['user3@example.com']);
    expect(r.warnings.find((f) => f.code === 'lmtp-unknown-host')?.examples).toEqual([FOO]);
    const invalid = r.errors.find((f) => f.code === 'transport-invalid');
    expect(invalid?.examples).toEqual(['user4@example.com']);
    expect(invalid?.trace.address).toBe('user4@example.com');
    // the invalid transport also makes that peer user bounce
    expect(r.errors.find((f) => f.code === 'bounced')?.address).toBe('user4@example.com');
    expectExplained(r);
  });

  it('a shared domain missing on Zimbra is an error', () => {
    const input = primaryInput();
    delete input.zimbra.domains[DOMAIN];
    const r = checkPlan(input);
    expect(codes(r.errors)).toContain('domain-missing:config');
  });

  it('DNS disabled without a relay host warns', () => {
    const input = secondaryInput();
    input.zimbra.servers['zimbra.example.com'].zimbraMtaSmtpDnsSupportLevel = ['disabled'];
    const r = checkPlan(input);
    const f = r.warnings.find((x) => x.code === 'dns-no-relay');
    expect(f?.trace.outcome).toBe('bounced');
  });

  it('duplicate address claims warn', () => {
    const input = primaryInput();
    input.zimbra.accounts[FOO] = zimbraUser({ zimbraMailAlias: [BAR] });
    const r = checkPlan(input);
    expect(r.warnings.find((x) => x.code === 'duplicate-address')?.examples).toEqual([BAR]);
  });
});

// ------------------------------------------------------------------ grouping is sound
/** `mail-disabled`: active, with zimbraMailStatus disabled stored. */
const STATUSES = ['active', 'maintenance', 'locked', 'closed', 'mail-disabled'] as const;
const ZENTRY = ['none', 'lmtp', 'smtp-peer', 'smtp-bare', 'no-transport', 'error'] as const;

const userArb = fc.record({
  side: fc.constantFrom('zimbra', 'peer'),
  zimbra: fc.constantFrom(...ZENTRY),
  status: fc.constantFrom(...STATUSES),
  alias: fc.boolean(),
  aliasOnZimbra: fc.boolean(),
  peerKnows: fc.boolean(),
  aliasOnPeer: fc.boolean(),
});

type UserSetup = typeof userArb extends fc.Arbitrary<infer T> ? T : never;
const FIELDS = ['side', 'zimbra', 'status', 'alias', 'aliasOnZimbra', 'peerKnows', 'aliasOnPeer'] as const;

/** `u` with one field changed: near-identical users are what a wrong grouping would merge. */
function variant(u: UserSetup, field: (typeof FIELDS)[number]): UserSetup {
  const next = <T,>(list: readonly T[], v: T): T => list[(list.indexOf(v) + 1) % list.length];
  switch (field) {
    case 'side':
      return { ...u, side: u.side === 'zimbra' ? 'peer' : 'zimbra' };
    case 'zimbra':
      return { ...u, zimbra: next(ZENTRY, u.zimbra) };
    case 'status':
      return { ...u, status: next(STATUSES, u.status) };
    default:
      return { ...u, [field]: !u[field] };
  }
}

const setupArb = fc.record({
  role: fc.constantFrom('primary', 'secondary'),
  mx: fc.constantFrom('zimbra', 'peer'),
  peerMode: fc.constantFrom('authoritative', 'forward-unknown'),
  catchAll: fc.boolean(),
  domainTransport: fc.constantFrom(null, TO_PEER, `smtp:${PEER}`, LMTP),
  users: fc
    .array(fc.tuple(userArb, fc.array(fc.constantFrom(...FIELDS), { maxLength: 4 })), { maxLength: 5 })
    .map((xs) => xs.flatMap(([u, fields]) => [u, ...fields.map((f) => variant(u, f))])),
  copies: fc.integer({ min: 1, max: 2 }),
  /** The peer hosts exactly the peer accounts (the same array, as expectedPeerBehaviour returns it). */
  samePeer: fc.boolean(),
});

type Setup = typeof setupArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Setup): FlowInput {
  const a = answers(s.role as 'primary' | 'secondary', { peerAccounts: [] });
  const dir: ZimbraDirectory = {
    config: {},
    servers: {},
    domains: { [DOMAIN]: { zimbraDomainType: ['local'] } },
    accounts: {},
  };
  const dom = dir.domains[DOMAIN];
  if (s.catchAll) {
    dom.zimbraMailCatchAllAddress = [`@${DOMAIN}`];
    dom.zimbraMailCatchAllForwardingAddress = [`@${DOMAIN}`];
  }
  if (s.domainTransport) dom.zimbraMailTransport = [s.domainTransport];
  const peer: PeerBehaviour = { mode: s.peerMode as PeerBehaviour['mode'], users: [], routesToZimbra: [] };
  // each user setting is repeated `copies` times so that groups have several members
  s.users.forEach((u, i) => {
    for (let c = 0; c < s.copies; c++) {
      const addr = `u${i}x${c}@example.com`;
      const alias = `a${i}x${c}@example.com`;
      const aliases = u.alias ? [alias] : [];
      if (u.side === 'peer') a.peerAccounts.push({ address: addr, aliases });
      if (u.zimbra !== 'none') {
        const attrs: Record<string, string[]> =
          u.status === 'mail-disabled' ? { zimbraAccountStatus: ['active'], zimbraMailStatus: ['disabled'] } : { zimbraAccountStatus: [u.status] };
        const t = { lmtp: LMTP, 'smtp-peer': TO_PEER, 'smtp-bare': `smtp:${PEER}:25`, error: 'error:gone', 'no-transport': '', none: '' }[u.zimbra];
        if (t) attrs.zimbraMailTransport = [t];
        if (u.alias && u.aliasOnZimbra) attrs.zimbraMailAlias = [alias];
        dir.accounts[addr] = attrs;
      }
      if (u.peerKnows) {
        if (u.side === 'peer') peer.users.push({ address: addr, aliases: u.aliasOnPeer ? aliases : [] });
        else peer.routesToZimbra.push(addr, ...(u.aliasOnPeer ? aliases : []));
      }
    }
  });
  if (s.samePeer) peer.users = a.peerAccounts;
  return { answers: a, zimbra: dir, peer, mx: s.mx as 'zimbra' | 'peer' };
}

function tally(r: PlanCheck): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of [...r.errors, ...r.warnings]) {
    const k = `${f.severity}|${f.code}|${f.addressClass}|${f.from.join(',')}`;
    m.set(k, (m.get(k) ?? 0) + f.count);
  }
  return m;
}

describe('routing groups are sound', () => {
  it('grouped findings count exactly what tracing every address one by one finds', () => {
    fc.assert(
      fc.property(setupArb, (s) => {
        const input = build(s);
        const grouped = checkPlan(input);
        const each = checkPlan(input, { exhaustive: true });
        expect([...tally(grouped)].sort()).toEqual([...tally(each)].sort());
        expect(grouped.ok).toBe(each.ok);
        // the fast path (peer users === peer accounts) classifies like the general one
        const copied = checkPlan({ ...input, peer: { ...input.peer, users: [...input.peer.users] } });
        expect([...tally(copied)].sort()).toEqual([...tally(grouped)].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('the expected peer behaviour never loops for the roles zsplit plans', () => {
    fc.assert(
      fc.property(fc.constantFrom('primary', 'secondary'), fc.integer({ min: 0, max: 5 }), (role, n) => {
        const peerAccounts = Array.from({ length: n }, (_, i) => ({ address: `p${i}@example.com`, aliases: [`pa${i}@example.com`] }));
        const input = role === 'primary' ? primaryInput({ peerAccounts }) : secondaryInput({ peerAccounts });
        const r = checkPlan(input);
        expect(r.errors).toEqual([]);
      }),
    );
  });
});
