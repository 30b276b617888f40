/**
 * `zsplit verify --pre|--post` in rehearsal (the simulator answers zmprov, postconf, postmap),
 * with scripted SMTP servers on loopback and a DNS server on 127.0.0.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultState, saveState, SimZimbra } from '../../src/sim/index.js';
import type { Check, VerifyReport } from '../../src/verify/report.js';
import { cli } from '../helpers/cli.js';
import { startDnsServer, type DnsServer } from './dns-server.js';
import { startFakeSmtp, type FakeSmtp } from './fake-smtp.js';

const ENV = { ZSPLIT_SIM_START_MS: '0' };

describe('zsplit verify (rehearsal, loopback SMTP and DNS)', () => {
  let dir: string;
  let state: string;
  let zimbra: FakeSmtp;
  let peer: FakeSmtp;
  let dns: DnsServer;
  let answers: string[];
  /** What the fake Zimbra MTA accepts: the addresses its directory lists (set per test). */
  let zimbraKnows = new Set<string>();

  const sim = () => SimZimbra.open(state);
  const run = (args: string[]) => cli([...args, ...answers, '--rehearsal', '--sim-state', state, '--state-dir', join(dir, 'st')], ENV);
  const post = async (...extra: string[]) => {
    const r = await run(['verify', '--post', '--json', '--zimbra-smtp-port', String(zimbra.port), '--timeout', '3', ...extra]);
    return { code: r.code, report: JSON.parse(r.out) as VerifyReport, err: r.err };
  };
  const find = (r: VerifyReport, check: string, target: string): Check | undefined => r.checks.find((c) => c.check === check && c.target === target);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zsplit-verify-'));
    state = join(dir, 'sim.json');
    saveState(state, defaultState({ hostname: '127.0.0.2', ip: '127.0.0.2' }));
    zimbra = await startFakeSmtp({ host: '127.0.0.2', accept: (a) => zimbraKnows.has(a) });
    // a forward-unknown peer (Zimbra is primary): it accepts every address of the domain
    peer = await startFakeSmtp({ host: '127.0.0.3' });
    dns = await startDnsServer({ mx: { 'example.com': [{ priority: 10, exchange: 'mx.example.com' }] }, a: { 'mx.example.com': ['127.0.0.3'] } });
    const accounts = join(dir, 'peer.txt');
    writeFileSync(accounts, 'carol@example.com caroline@example.com\n');
    answers = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', '127.0.0.2', '--zimbra-version', '10.1.0', '--peer-kind', 'postfix', '--peer-host', '127.0.0.3', '--peer-port', String(peer.port), '--peer-ip', '127.0.0.3', '--peer-accounts', accounts];
  });
  afterAll(async () => {
    await Promise.all([zimbra.close(), peer.close(), dns.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--pre before anything is applied: the MX through the given DNS server, the peer banner, zmprov, version, catch-alls, postconf', async () => {
    const r = await run(['verify', '--pre', '--dns-server', dns.address, '--timeout', '3']);
    expect(r.out).toMatch(/PASS\s+mx\s+example\.com\s+10 mx\.example\.com -> the peer \(127\.0\.0\.3\)/);
    expect(r.out).toMatch(/info\s+mx\s+example\.com\s+the MX moves to 127\.0\.0\.2 LAST/);
    expect(r.out).toMatch(/PASS\s+smtp peer\s+127\.0\.0\.3:\d+\s+220 fake\.test ESMTP fake ready/);
    expect(r.out).toMatch(/PASS\s+version\s+zmcontrol -v\s+Release 10\.1\.0/);
    expect(r.out).toMatch(/PASS\s+catch-all\s+example\.com\s+no domain catch-all/);
    // the installer writes mynetworks at server level: a global change would not apply
    expect(r.out).toMatch(/WARN\s+mta level\s+127\.0\.0\.2 zimbraMtaMyNetworks\s+server value/);
    expect(r.out).toContain('verify --pre: OK');
    expect(r.code).toBe(0);
    expect(peer.commands).toContain('QUIT');
  });

  it('--pre reports what blocks: an unreachable resolver, a silent peer, a catch-all mailbox', async () => {
    const silent = await startFakeSmtp({ host: '127.0.0.3', silent: true });
    sim().runSync('zmprov', ['ma', 'bob@example.com', 'zimbraMailCatchAllAddress', '@example.com']);
    // a catch-all mailbox in another domain for the shared one: only `zmprov -l sa` finds it
    sim().runSync('zmprov', ['cd', 'other.test']);
    sim().runSync('zmprov', ['ca', 'sink@other.test', '', 'zimbraMailCatchAllAddress', '@example.com']);
    try {
      const noDns = `127.0.0.1:${(await startDnsServer({}).then(async (s) => (await s.close(), s.port)))}`;
      const r = await cli(['verify', '--pre', '--json', '--dns-server', noDns, '--timeout', '1', ...answers.map((a) => (a === String(peer.port) ? String(silent.port) : a)), '--rehearsal', '--sim-state', state], ENV);
      expect(r.code).toBe(3);
      const rep = JSON.parse(r.out) as VerifyReport;
      expect(find(rep, 'mx', 'example.com')).toMatchObject({ status: 'fail' });
      expect(find(rep, 'mx', 'example.com')!.reason).toMatch(/ECONNREFUSED|ETIMEOUT/);
      expect(find(rep, 'smtp peer', `127.0.0.3:${silent.port}`)!.reason).toContain('no reply to the banner within 1000 ms');
      expect(find(rep, 'catch-all', 'bob@example.com')).toMatchObject({ status: 'fail', detail: 'account catch-all @example.com' });
      expect(find(rep, 'catch-all', 'sink@other.test')).toMatchObject({ status: 'fail', detail: 'account catch-all @example.com' });
      expect(find(rep, 'zmprov', 'REHEARSAL (simulated Zimbra 10.1.0)')).toMatchObject({ status: 'info' });
    } finally {
      sim().runSync('zmprov', ['ma', 'bob@example.com', 'zimbraMailCatchAllAddress', '']);
      sim().runSync('zmprov', ['ma', 'sink@other.test', 'zimbraMailCatchAllAddress', '']);
      await silent.close();
    }
  });

  it('--pre without --rehearsal on a host without Zimbra: the fallback to the simulator is a failure, not a pass', async () => {
    const r = await cli(['verify', '--pre', '--json', '--dns-server', dns.address, '--timeout', '2', ...answers, '--sim-state', state], { ...ENV, ZSPLIT_ZMPROV: '', ZSPLIT_ZIMBRA_BIN: '' });
    const rep = JSON.parse(r.out) as VerifyReport;
    expect(rep.checks.find((c) => c.check === 'zmprov' && c.status === 'fail')).toMatchObject({ detail: 'zmprov is not installed on this host' });
    expect(r.code).toBe(3);
  });

  it('--post before apply: every pending change is a failure with its reason (exit 3)', async () => {
    zimbraKnows = new Set(['admin@example.com', 'alice@example.com', 'bob@example.com']);
    const { code, report } = await post();
    expect(code).toBe(3);
    const pending = report.checks.filter((c) => c.check === 'changes' && c.status === 'fail');
    expect(pending.map((c) => c.detail)).toContain('pending: Route carol@example.com to smtp:[127.0.0.3]:' + peer.port);
    expect(find(report, 'postmap transport', 'carol@example.com')!.reason).toContain('LDAP still holds the value from before the plan');
    expect(find(report, 'smtp zimbra', 'carol@example.com')).toMatchObject({ status: 'fail', actual: '550 5.1.1 <carol@example.com>: Recipient address rejected: User unknown in virtual mailbox table' });
  });

  it('--post after apply: all pass; the probes never send DATA', async () => {
    const a = await run(['apply', 'setup', '--yes']);
    expect(a.code, a.out + a.err).toBe(0);
    zimbraKnows = new Set(['admin@example.com', 'alice@example.com', 'bob@example.com', 'carol@example.com', 'caroline@example.com']);
    const { code, report } = await post();
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(find(report, 'postmap transport', 'carol@example.com')).toMatchObject({ status: 'pass', actual: `smtp:[127.0.0.3]:${peer.port}` });
    expect(find(report, 'postconf', 'peer relay')).toMatchObject({ status: 'pass' });
    expect(find(report, 'smtp zimbra', 'zsplit-verify-no-such-user@example.com')).toMatchObject({ status: 'pass', expected: 'reject' });
    expect(find(report, 'smtp peer', 'zsplit-verify-no-such-user@example.com')).toMatchObject({ status: 'pass', expected: 'accept' });
    expect([...zimbra.commands, ...peer.commands].filter((c) => /^DATA/i.test(c))).toEqual([]);
  });

  it('an MTA that disagrees with the model fails with the reason; --address adds a sample', async () => {
    zimbraKnows.add('zsplit-verify-no-such-user@example.com');
    const { code, report } = await post('--address', 'Bob@Example.com');
    expect(code).toBe(3);
    const c = find(report, 'smtp zimbra', 'zsplit-verify-no-such-user@example.com')!;
    expect(c.status).toBe('fail');
    expect(c.reason).toContain('the Zimbra MTA accepts zsplit-verify-no-such-user@example.com, the model expects a refusal at RCPT');
    expect(find(report, 'flow now', 'bob@example.com')).toMatchObject({ status: 'pass' });
    zimbraKnows.delete('zsplit-verify-no-such-user@example.com');
  });

  it('a placeholder whose transport was removed: postmap, the pending change and the routing now all say so', async () => {
    sim().runSync('zmprov', ['ma', 'carol@example.com', 'zimbraMailTransport', '']);
    const { code, report } = await post();
    expect(code).toBe(3);
    const pm = find(report, 'postmap transport', 'carol@example.com')!;
    expect(pm).toMatchObject({ status: 'fail', expected: `smtp:[127.0.0.3]:${peer.port}`, actual: 'nothing (not found)' });
    expect(pm.reason).toContain('falls back to the domain\'s transport or to virtual_transport = error');
    expect(find(report, 'flow now', 'carol@example.com')!.reason).toContain('from internet: the plan gives DELIVERED on the peer, now BOUNCED');
    // the text table names the failure and the reason too
    const text = await run(['verify', '--post', '--zimbra-smtp-port', String(zimbra.port), '--timeout', '3']);
    expect(text.out).toMatch(/FAIL\s+postmap transport\s+carol@example\.com\s+nothing \(not found\) \(peer user\)/);
    expect(text.out).toMatch(/why: expected smtp:\[127\.0\.0\.3\]:\d+, Postfix's map answers nothing/);
    expect(text.out).toMatch(/verify --post: FAILED: \d+ passed, [1-9]\d* failed/);
    sim().runSync('zmprov', ['ma', 'carol@example.com', 'zimbraMailTransport', `smtp:[127.0.0.3]:${peer.port}`]);
    expect((await post()).code).toBe(0);
  });

  it('a catch-all mailbox in another domain claims @example.com: --post names it', async () => {
    sim().runSync('zmprov', ['ma', 'sink@other.test', 'zimbraMailCatchAllAddress', '@example.com']);
    try {
      const { code, report } = await post();
      expect(code).toBe(3);
      expect(find(report, 'postmap vam', '@example.com')!.reason).toContain('the map also returns sink@other.test, an account outside example.com');
    } finally {
      sim().runSync('zmprov', ['ma', 'sink@other.test', 'zimbraMailCatchAllAddress', '']);
    }
  });

  it('usage: exactly one of --pre/--post; bad ports and DNS servers name their flag', async () => {
    expect((await run(['verify'])).err).toContain('choose one: zsplit verify --pre');
    const port = await run(['verify', '--post', '--zimbra-smtp-port', '99999']);
    expect(port.code).toBe(2);
    expect(port.err).toContain('--zimbra-smtp-port');
    const d = await run(['verify', '--pre', '--dns-server', 'resolver.example.com']);
    expect(d.code).toBe(2);
    expect(d.err).toContain('--dns-server: "resolver.example.com" must be an IP address');
  });
});
