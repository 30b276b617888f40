import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimZimbra, zmprovMode } from '../../src/sim/index.js';
import { defaultState, loadState, readSidecar, saveState, serializeState } from '../../src/sim/state.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'zsplit-sim-'));

describe('defaultState', () => {
  it('is a single-server install with mynetworks at server level', () => {
    const s = defaultState();
    expect(s.version).toBe('10.1.0');
    expect(s.hostname).toBe('zimbra.example.com');
    expect(s.servers['zimbra.example.com'].zimbraMtaMyNetworks).toEqual(['127.0.0.0/8 [::1]/128 10.0.0.10/32']);
    expect(s.servers['zimbra.example.com'].zimbraServiceEnabled).toEqual(expect.arrayContaining(['mta', 'mailbox', 'ldap']));
    expect(s.domains['example.com']).toMatchObject({ zimbraMailStatus: ['enabled'], zimbraDomainStatus: ['active'] });
    expect(Object.keys(s.accounts).sort()).toEqual(['admin@example.com', 'alice@example.com', 'bob@example.com']);
    for (const a of Object.values(s.accounts)) {
      expect(a.zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
      expect(a.zimbraId[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('has version-dependent DNS defaults', () => {
    expect(defaultState().config).toMatchObject({ zimbraMtaSmtpDnsSupportLevel: ['enabled'] });
    expect(defaultState().config.zimbraMtaDnsLookupsEnabled).toBeUndefined();
    expect(defaultState({ version: '8.6.0' }).config).toMatchObject({ zimbraMtaDnsLookupsEnabled: ['TRUE'] });
    expect(defaultState({ version: '8.6.0' }).config.zimbraMtaSmtpDnsSupportLevel).toBeUndefined();
  });

  it('honours hostname and domain, and is the same on every call', () => {
    const s = defaultState({ hostname: 'mx.corp.test', domain: 'corp.test' });
    expect(s.accounts['alice@corp.test'].zimbraMailHost).toEqual(['mx.corp.test']);
    expect(s.config.zimbraDefaultDomainName).toEqual(['corp.test']);
    expect(serializeState(defaultState())).toBe(serializeState(defaultState()));
  });
});

describe('saveState / loadState', () => {
  it('serialises deterministically: sorted keys, 2 spaces, trailing newline', () => {
    const dir = tmp();
    const p = join(dir, 'state.json');
    const s = defaultState();
    // Insertion order must not matter.
    const shuffled = { ...s, accounts: Object.fromEntries(Object.entries(s.accounts).reverse()) };
    saveState(p, shuffled);
    const text = readFileSync(p, 'utf8');
    expect(text).toBe(serializeState(s));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "accounts": {');
    expect(loadState(p)).toEqual(JSON.parse(text));
    // No temp file left behind.
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('SimZimbra (in-process API)', () => {
  it('creates the state file, saves after each mutating command, logs starts to the sidecar', async () => {
    const p = join(tmp(), 'sim.json');
    const sim = SimZimbra.open(p, { version: '8.8.15' });
    expect(loadState(p).version).toBe('8.8.15');
    const r = await sim.run('zmprov', ['-v', '-f', '/tmp/x.zmp'], { files: { '/tmp/x.zmp': 'ma bob@example.com displayName Robert\nga -e bob@example.com displayName\nexit\n' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('displayName: Robert');
    expect(loadState(p).accounts['bob@example.com'].displayName).toEqual(['Robert']);
    sim.runSync('zmprov', ['ga', 'bob@example.com']);
    sim.runSync('zmmtactl', ['reload']);
    const log = readSidecar(p);
    expect(log.filter((x) => x.type === 'start' && x.tool === 'zmprov').map((x) => (x.type === 'start' ? x.mode : ''))).toEqual(['file', 'single']);
    expect(log.filter((x) => x.type === 'reload')).toHaveLength(1);
    expect(sim.log).toEqual(log);
    // Reopening reads what was saved.
    expect(SimZimbra.open(p).state.accounts['bob@example.com'].displayName).toEqual(['Robert']);
  });

  it('run() waits out the simulated JVM start, runSync() does not', async () => {
    const sim = new SimZimbra(defaultState(), { startDelayMs: 150 });
    const t0 = performance.now();
    await sim.run('zmprov', ['gcf', 'zimbraMtaRelayHost']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = performance.now();
    sim.runSync('zmprov', ['gcf', 'zimbraMtaRelayHost']);
    expect(performance.now() - t1).toBeLessThan(100);
  });

  it('once-injections fire only once across runs', () => {
    const sim = new SimZimbra(defaultState(), { inject: { match: 'displayName', once: true } });
    expect(sim.runSync('zmprov', ['ma', 'bob@example.com', 'displayName', 'B']).exitCode).toBe(2);
    expect(sim.runSync('zmprov', ['ma', 'bob@example.com', 'displayName', 'B']).exitCode).toBe(0);
  });

  it('reads -f files from disk when not given in files', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'b.zmp'), 'gcf zimbraDefaultDomainName\n');
    const r = new SimZimbra(defaultState()).runSync('zmprov', ['-f', join(dir, 'b.zmp')]);
    expect(r.stdout).toBe('prov> zimbraDefaultDomainName: example.com\nprov> ');
  });
});

describe('zmprovMode', () => {
  it('tells single commands, -f batches and stdin apart', () => {
    expect(zmprovMode(['-l', 'ga', 'x'])).toBe('single');
    expect(zmprovMode(['-v', '-f', 'f.zmp'])).toBe('file');
    expect(zmprovMode(['-l', '-v'])).toBe('stdin');
    expect(zmprovMode(['-s', 'host', 'ga', 'x'])).toBe('single');
    expect(zmprovMode(['-vf', 'f.zmp'])).toBe('file');
  });
});

