import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answers, Job, PeerKind, Role } from '../../src/model/types.js';
import { PEER_KINDS } from '../../src/model/types.js';
import { plan, PlanRefused } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import type { Directory } from '../../src/plan/model.js';
import { applyChange, applyPlanToModel, cloneDirectory, readValues } from '../../src/plan/model.js';
import { renderSh, renderText } from '../../src/plan/render.js';
import { entryKey } from '../../src/zimbra/commands.js';
import { probeRequests } from '../../src/plan/index.js';
import { zmprovStep, zmprovStepsOf } from '../../src/plan/step.js';
import type { Change, Entry } from '../../src/zimbra/commands.js';

function answers(role: Role, kind: PeerKind, version: string, job: Job = 'setup'): Answers {
  return {
    domains: ['example.com'],
    role,
    zimbraHosts: ['zimbra.example.com'],
    mailboxHost: 'zimbra.example.com',
    zimbraVersion: version,
    peer: { kind, host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
    peerAccounts: [
      { address: 'bob@example.com', aliases: ['robert@example.com'] },
      { address: "o'brien@example.com", aliases: [] },
    ],
    cutover: job === 'cutover' ? { users: ['bob@example.com'], direction: 'to-zimbra', wave: 'wave-1' } : undefined,
  };
}

describe('golden plans', () => {
  const cases: [Job, Role, string, PeerKind][] = [];
  for (const job of ['setup', 'cutover', 'unsplit'] as Job[])
    for (const role of ['primary', 'secondary'] as Role[])
      for (const version of ['8.6.0', '10.1.0']) for (const kind of PEER_KINDS) cases.push([job, role, version, kind]);

  it.each(cases)('%s %s %s %s', async (job, role, version, kind) => {
    const p = plan(job, answers(role, kind, version, job));
    await expect(renderSh(p)).toMatchFileSnapshot(`golden/${job}-${role}-${version}-${kind}.sh`);
  });
});

describe('setup secondary', () => {
  it('uses zimbraMtaSmtpDnsSupportLevel from 8.7 and zimbraMtaDnsLookupsEnabled before', () => {
    const modern = plan('setup', answers('secondary', 'exchange', '8.7.0'));
    const old = plan('setup', answers('secondary', 'exchange', '8.6.0'));
    expect(modern.steps.map((s) => s.argv?.join(' '))).toContain('mcf zimbraMtaSmtpDnsSupportLevel disabled');
    expect(old.steps.map((s) => s.argv?.join(' '))).toContain('mcf zimbraMtaDnsLookupsEnabled FALSE');
    expect(modern.steps.find((s) => s.kind === 'reload')!.reloadArgv).toEqual([['zmmtactl', 'reload']]);
    expect(old.steps.find((s) => s.kind === 'reload')!.reloadArgv).toEqual([['postfix', 'stop'], ['postfix', 'start']]);
  });
  it('makes DNS depend on the relay host and ends with the MX step', () => {
    const p = plan('setup', answers('secondary', 'postfix', '10.1.0'));
    const dns = p.steps.find((s) => s.id.startsWith('mta.dns'))!;
    expect(dns.requires).toEqual(['mta.relayhost:global']);
    expect(p.steps.at(-1)!.id).toBe('dns.mx');
    // the reload comes after every MTA-level change
    const reload = p.steps.findIndex((s) => s.kind === 'reload');
    expect(p.steps.slice(reload).some((s) => s.reload)).toBe(false);
  });
  it('writes relay host per server when a server-level value exists (it would hide a global one)', () => {
    const observed: Observed = { entries: { [entryKey({ kind: 'server', name: 'zimbra.example.com' })]: { zimbraMtaRelayHost: ['old.example.com:25'] } } };
    const p = plan('setup', answers('secondary', 'postfix', '10.1.0'), observed);
    expect(p.steps.find((s) => s.id.startsWith('mta.relayhost'))!.argv).toEqual(['ms', 'zimbra.example.com', 'zimbraMtaRelayHost', '[mail.example.com]:25']);
  });
  it('copies the global mynetworks down when the server has none of its own', () => {
    const observed: Observed = {
      entries: {
        [entryKey({ kind: 'server', name: 'zimbra.example.com' })]: {},
        [entryKey({ kind: 'config', name: '' })]: { zimbraMtaMyNetworks: ['127.0.0.0/8 [::1]/128'] },
      },
    };
    const p = plan('setup', answers('secondary', 'postfix', '10.1.0'), observed);
    const step = p.steps.find((s) => s.id.startsWith('mta.mynetworks'))!;
    expect(step.argv).toEqual(['ms', 'zimbra.example.com', 'zimbraMtaMyNetworks', '127.0.0.0/8 [::1]/128 192.0.2.10/32']);
    expect(step.inverse).toEqual(['ms', 'zimbra.example.com', 'zimbraMtaMyNetworks', '']);
  });
});

describe('setup primary', () => {
  it('creates locked placeholders and routes them in a separate command, with aliases, and no catch-all', () => {
    const p = plan('setup', answers('primary', 'exchange', '10.1.0'));
    const argvs = p.steps.filter((s) => s.kind === 'zmprov').map((s) => s.argv);
    expect(argvs).toContainEqual(['ca', 'bob@example.com', '', 'zimbraAccountStatus', 'locked', 'zimbraHideInGal', 'TRUE']);
    expect(argvs).toContainEqual(['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25']);
    expect(argvs).toContainEqual(['aaa', 'bob@example.com', 'robert@example.com']);
    // no catch-all on the shared domain (the routing subdomain's alias domain has its own)
    expect(argvs.filter((v) => v![0] !== 'cd').flat()).not.toContain('zimbraMailCatchAllAddress');
    expect(p.notes.join(' ')).toMatch(/loop/);
    expect(p.steps.at(-1)).toMatchObject({ id: 'dns.mx', kind: 'manual' });
  });
  it('previews exact inverses from observed values', () => {
    const observed: Observed = { entries: { [entryKey({ kind: 'account', name: 'bob@example.com' })]: null } };
    const p = plan('setup', answers('primary', 'exchange', '10.1.0'), observed);
    expect(p.steps.find((s) => s.id === 'placeholder.create:bob@example.com')!.inverse).toEqual(['da', 'bob@example.com']);
    expect(renderText(p)).toContain('before: (no such entry)');
  });
});

describe('cutover and unsplit', () => {
  it('moves users to the mail host Zimbra assigned and unlocks only locked placeholders', () => {
    const acct = entryKey({ kind: 'account', name: 'bob@example.com' });
    const observed: Observed = { entries: { [acct]: { zimbraMailHost: ['mbox2.example.com'], zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] } } };
    const p = plan('cutover', answers('primary', 'postfix', '10.1.0', 'cutover'), observed);
    const t = p.steps.find((s) => s.id === 'cutover.transport:bob@example.com')!;
    expect(t.argv).toEqual(['ma', 'bob@example.com', 'zimbraMailTransport', 'lmtp:mbox2.example.com:7025']);
    expect(t.inverse).toEqual(['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25']);
    expect(p.steps.find((s) => s.id === 'cutover.status:bob@example.com')!.onlyIf).toEqual(['locked']);
  });
  it('refuses a cutover of a user with no account', () => {
    const observed: Observed = { entries: { [entryKey({ kind: 'account', name: 'bob@example.com' })]: null } };
    expect(() => plan('cutover', answers('primary', 'postfix', '10.1.0', 'cutover'), observed)).toThrow(PlanRefused);
  });
  it('refuses unsplit while accounts are routed to the peer, and lists them; --force overrides', () => {
    const observed: Observed = {
      entries: {},
      accounts: [
        { name: 'bob@example.com', attrs: { zimbraMailTransport: ['smtp:[mail.example.com]:25'] } },
        { name: 'alice@example.com', attrs: { zimbraMailTransport: ['lmtp:zimbra.example.com:7025'] } },
      ],
    };
    const a = answers('secondary', 'postfix', '10.1.0', 'unsplit');
    try {
      plan('unsplit', a, observed);
      expect.unreachable();
    } catch (e) {
      expect((e as PlanRefused).reasons.join()).toMatch(/1 account\(s\) are still routed to mail.example.com: bob@example.com/);
    }
    expect(plan('unsplit', { ...a, force: true }, observed).warnings.join()).toMatch(/bob@example.com/);
  });
});

describe('steps made in bulk', () => {
  it('zmprovStepsOf makes the very steps zmprovStep makes, for every kind of entry and change', () => {
    const changes: Change[] = [
      { op: 'create', attrs: [['zimbraAccountStatus', 'locked']] },
      { op: 'create', attrs: [['zimbraAccountStatus', 'locked'], ['zimbraHideInGal', 'TRUE']] },
      { op: 'set', attr: 'zimbraMailTransport', values: ['smtp:[mail.example.com]:25'] },
      { op: 'set', attr: 'zimbraMailCatchAllAddress', values: [] },
      { op: 'set', attr: 'zimbraMtaMyNetworks', values: ['127.0.0.0/8', '192.0.2.10/32'] },
      { op: 'add', attr: 'zimbraMtaMyNetworks', value: '192.0.2.10/32' },
      { op: 'remove', attr: 'zimbraMtaMyNetworks', value: '192.0.2.10/32' },
      { op: 'addAlias', alias: 'bob.alias@example.com' },
      { op: 'removeAlias', alias: 'bob.alias@example.com' },
      { op: 'delete' },
      { op: 'create', attrs: [['zimbraDomainType', 'alias'], ['zimbraMailCatchAllAddress', '@zimbra-route.example.com'], ['zimbraMailCatchAllForwardingAddress', '@example.com']] },
    ];
    const entries: Entry[] = [
      { kind: 'account', name: "O'Brien@Example.com" },
      { kind: 'account', name: 'bob@example.com' },
      { kind: 'domain', name: 'example.com' },
      { kind: 'server', name: 'zimbra.example.com' },
      { kind: 'config', name: '' },
    ];
    const base = { id: 'x', title: 'X', why: 'because', bulk: 'placeholders' };
    for (const change of changes) {
      for (const entry of entries) {
        const want = zmprovStep(base, entry, change);
        expect(zmprovStepsOf(entry.kind, change)(base, entry)).toStrictEqual(want);
        expect(zmprovStepsOf(entry.kind === 'account' ? 'domain' : 'account', change)(base, entry)).toStrictEqual(want);
      }
    }
  });
});

describe('the routing subdomain as an alias domain (zimbra.md §6.4)', () => {
  const ROUTE = 'zimbra-route.example.com';
  const key = entryKey({ kind: 'domain', name: ROUTE });
  // ProvUtil's createAliasDomain: it sets zimbraDomainType alias and zimbraDomainAliasTargetId itself.
  const CD = ['cad', ROUTE, 'example.com', 'zimbraMailCatchAllForwardingAddress', '@example.com'];

  it.each(['exchange', 'm365', 'sendmail'] as PeerKind[])('%s: setup (both roles) and cutover create it before the peer steps; rollback deletes it', (kind) => {
    for (const [job, role] of [['setup', 'secondary'], ['setup', 'primary'], ['cutover', 'secondary'], ['cutover', 'primary']] as [Job, Role][]) {
      const p = plan(job, answers(role, kind, '10.1.0', job));
      const i = p.steps.findIndex((s) => s.id === 'domain.routing:example.com');
      expect(i, `${job} ${role}`).toBeGreaterThanOrEqual(0);
      const s = p.steps[i];
      expect(s).toMatchObject({ kind: 'zmprov', where: 'zimbra', entry: { kind: 'domain', name: ROUTE }, argv: CD, probe: { argv: ['gd', '-e', ROUTE, 'zimbraDomainType'], attr: 'zimbraDomainType' }, desired: 'alias' });
      expect(p.steps.findIndex((x) => x.where === 'peer')).toBeGreaterThan(i);
      expect(renderText(p)).toContain(`rollback: zmprov dd ${ROUTE}   (only if zsplit created it)`);
    }
  });

  it.each(['postfix', 'zimbra', 'other'] as PeerKind[])('%s: no routing subdomain, no alias domain', (kind) => {
    for (const job of ['setup', 'cutover', 'unsplit'] as Job[]) {
      const p = plan(job, answers('secondary', kind, '10.1.0', job));
      expect(JSON.stringify(p.steps)).not.toContain('zimbra-route');
    }
  });

  it('before-values: a missing domain is created and undone with dd; an existing alias domain is unchanged', () => {
    const a = answers('secondary', 'sendmail', '10.1.0');
    const missing = plan('setup', a, { entries: { [key]: null } }).steps.find((s) => s.id === 'domain.routing:example.com')!;
    expect(missing).toMatchObject({ before: null, desired: 'alias', inverse: ['dd', ROUTE] });
    const there = plan('setup', a, { entries: { [key]: { zimbraDomainType: ['alias'], zimbraMailCatchAllAddress: [`@${ROUTE}`], zimbraMailCatchAllForwardingAddress: ['@example.com'] } } });
    expect(there.steps.find((s) => s.id === 'domain.routing:example.com')).toMatchObject({ before: ['alias'], desired: 'alias', inverse: null });
    expect(there.warnings.filter((w) => !w.includes('zimbraMtaMyNetworks'))).toEqual([]);
  });

  it('warns when the name exists but would not rewrite to the shared domain', () => {
    const a = answers('secondary', 'exchange', '10.1.0');
    expect(plan('setup', a, { entries: { [key]: { zimbraDomainType: ['local'] } } }).warnings.join()).toMatch(/zimbra-route.example.com exists on Zimbra as a local domain/);
    expect(plan('cutover', answers('secondary', 'exchange', '10.1.0', 'cutover'), { entries: { [key]: { zimbraDomainType: ['alias'], zimbraMailCatchAllForwardingAddress: ['@other.com'] } } }).warnings.join()).toMatch(
      /forwards to @other.com, not to @example.com/,
    );
  });

  it('probes the routing attributes of the domain it creates, once per domain', () => {
    const a = answers('secondary', 'm365', '10.1.0');
    const reqs = probeRequests(plan('setup', a).steps, a, 'setup').filter((r) => r.entry.name === ROUTE);
    expect(reqs).toEqual([{ entry: { kind: 'domain', name: ROUTE }, attrs: ['zimbraDomainType', 'zimbraMailStatus', 'zimbraMailCatchAllAddress', 'zimbraMailCatchAllForwardingAddress', 'zimbraMailTransport'] }]);
  });

  it('unsplit deletes it by hand on Zimbra, after the peer stops routing there; never as a zmprov step', () => {
    for (const role of ['primary', 'secondary'] as Role[]) {
      const p = plan('unsplit', { ...answers(role, 'exchange', '10.1.0', 'unsplit'), domains: ['example.com', 'example.org'] });
      const i = p.steps.findIndex((s) => s.id === 'domain.routing-remove');
      expect(p.steps[i]).toMatchObject({ kind: 'manual', where: 'zimbra', manual: { system: 'Zimbra (as zimbra)' } });
      expect(p.steps[i].manual!.commands.map((c) => c.split('   #')[0])).toEqual([`zmprov dd ${ROUTE}`, 'zmprov dd zimbra-route.example.org']);
      expect(i).toBeGreaterThan(p.steps.map((s) => s.where).lastIndexOf('peer'));
      expect(p.steps.some((s) => s.kind === 'zmprov' && (s.change?.op === 'delete' || s.entry?.name.startsWith('zimbra-route.')))).toBe(false);
    }
  });

  it('the planned after-state delivers mail for user@zimbra-route.<domain> to user@<domain>', () => {
    const a = answers('secondary', 'sendmail', '10.1.0');
    const { after } = applyPlanToModel({ config: {}, servers: { 'zimbra.example.com': {} }, domains: { 'example.com': { zimbraDomainType: ['local'], zimbraMailStatus: ['enabled'] } }, accounts: {} }, plan('setup', a).steps);
    expect(after.domains[ROUTE]).toEqual({
      zimbraDomainName: [ROUTE],
      zimbraDomainType: ['alias'],
      zimbraMailStatus: ['enabled'],
      zimbraMailCatchAllAddress: [`@${ROUTE}`],
      zimbraMailCatchAllForwardingAddress: ['@example.com'],
    });
  });
});

describe('probes', () => {
  it('ask one line per entry, with every attribute the plan needs', () => {
    const a = answers('primary', 'postfix', '10.1.0');
    const reqs = probeRequests(plan('setup', a).steps, a, 'setup');
    const bob = reqs.filter((r) => r.entry.name === 'bob@example.com');
    expect(bob).toHaveLength(1);
    expect(bob[0].attrs).toEqual(expect.arrayContaining(['zimbraAccountStatus', 'zimbraMailTransport', 'zimbraMailAlias']));
  });
});

// --- property: applying a plan and then its inverses gives back the before-state ---

const names = ['bob', 'alice', 'carol', "o'brien", 'dave'];
const directoryArb = fc.record({
  existing: fc.subarray(names),
  locked: fc.subarray(names),
  catchAll: fc.option(fc.constantFrom('@example.com', '@other.example.com'), { nil: undefined }),
  domainTransport: fc.option(fc.constantFrom('smtp:[old.example.com]:25'), { nil: undefined }),
  relay: fc.option(fc.constantFrom('[relay.example.com]:25'), { nil: undefined }),
  serverNets: fc.option(fc.constantFrom('127.0.0.0/8 192.0.2.10/32', '127.0.0.0/8'), { nil: undefined }),
  dns: fc.constantFrom('enabled', 'disabled'),
  /** The routing subdomain: absent, made by an earlier run (an alias domain), or a local domain of that name. */
  routing: fc.constantFrom<'none' | 'alias' | 'local'>('none', 'alias', 'local'),
  kind: fc.constantFrom<PeerKind>('postfix', 'sendmail', 'exchange', 'm365'),
});

function buildDirectory(x: typeof directoryArb extends fc.Arbitrary<infer T> ? T : never): Directory {
  const d: Directory = {
    config: { zimbraMtaSmtpDnsSupportLevel: [x.dns], zimbraMtaMyNetworks: ['127.0.0.0/8'], ...(x.relay ? { zimbraMtaRelayHost: [x.relay] } : {}) },
    servers: { 'zimbra.example.com': x.serverNets ? { zimbraMtaMyNetworks: [x.serverNets] } : {} },
    domains: { 'example.com': { zimbraMailStatus: ['enabled'], ...(x.catchAll ? { zimbraMailCatchAllAddress: [x.catchAll] } : {}), ...(x.domainTransport ? { zimbraMailTransport: [x.domainTransport] } : {}) } },
    accounts: {},
  };
  for (const n of x.existing) applyChange(d, { kind: 'account', name: `${n}@example.com` }, { op: 'create', attrs: [['zimbraAccountStatus', x.locked.includes(n) ? 'locked' : 'active']] });
  if (x.routing !== 'none') applyChange(d, { kind: 'domain', name: 'zimbra-route.example.com' }, { op: 'create', attrs: [['zimbraDomainType', x.routing]] });
  return d;
}

function observe(d: Directory, p: ReturnType<typeof plan>, a: Answers, job: Job): Observed {
  const entries: Observed['entries'] = {};
  for (const r of probeRequests(p.steps, a, job)) {
    const attrs: Record<string, string[]> = {};
    let missing = false;
    for (const attr of r.attrs) {
      const v = readValues(d, r.entry, attr);
      if (v === null) missing = true;
      else if (v.length) attrs[attr] = v;
    }
    entries[entryKey(r.entry)] = missing ? null : attrs;
  }
  return { entries, accounts: Object.entries(d.accounts).map(([name, attrs]) => ({ name, attrs })) };
}

describe('inverse property', () => {
  it('plan + inverses restores the before-state exactly, for every job and role', () => {
    fc.assert(
      fc.property(directoryArb, fc.constantFrom<Job>('setup', 'cutover', 'unsplit'), fc.constantFrom<Role>('primary', 'secondary'), fc.subarray(names, { minLength: 1 }), (x, job, role, users) => {
        const before = buildDirectory(x);
        const a: Answers = {
          ...answers(role, x.kind, '10.1.0', job),
          peerAccounts: users.map((u) => ({ address: `${u}@example.com`, aliases: [`${u}.alias@example.com`] })),
          cutover: job === 'cutover' ? { users: users.filter((u) => x.existing.includes(u)).map((u) => `${u}@example.com`), direction: 'to-zimbra', wave: 'w' } : undefined,
          force: true,
        };
        if (job === 'cutover' && a.cutover!.users.length === 0) return;
        const offline = plan(job, a);
        const observed = observe(before, offline, a, job);
        // A peer user that is a live Zimbra mailbox is refused, never rerouted (test/plan/live-mailbox.test.ts).
        if (job === 'setup' && role === 'primary' && users.some((u) => x.existing.includes(u))) {
          expect(() => plan(job, a, observed)).toThrow(PlanRefused);
          return;
        }
        const p = plan(job, a, observed);
        const untouched = structuredClone(before);
        const { after, inverses } = applyPlanToModel(before, p.steps);
        const afterAsIs = structuredClone(after);
        const restored = cloneDirectory(after);
        for (const inv of inverses) applyChange(restored, inv.entry, inv.change);
        expect(restored).toEqual(before);
        // A copy shares the accounts it has not changed: changing a copy never changes what it was copied from.
        expect(before).toEqual(untouched);
        expect(after).toEqual(afterAsIs);
        // and the plan's previewed inverses are the ones the model computed
        for (const s of p.steps) if (s.kind === 'zmprov' && s.before !== undefined && s.inverse) expect(s.inverse[0]).toMatch(/^(ma|md|ms|mcf|da|dd|raa|aaa)$/);
        // a setup or cutover with a routing-subdomain peer leaves the routing subdomain in place; one it created is undone with dd
        if (job !== 'unsplit' && x.kind !== 'postfix') {
          expect(after.domains['zimbra-route.example.com']).toBeDefined();
          const created = inverses.some((i) => i.entry.kind === 'domain' && i.change.op === 'delete');
          expect(created).toBe(x.routing === 'none');
        }
      }),
      { numRuns: 300 },
    );
  });
});
