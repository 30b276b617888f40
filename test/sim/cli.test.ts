/**
 * bin/sim/* as real child processes (what rehearsal through ZSPLIT_ZIMBRA_BIN and the engine
 * tests spawn). dist/sim.mjs comes from the global setup (scripts/build.mjs); it is built here
 * only when missing, into a temp file renamed into place, so no other test reads half a file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSidecar, loadState } from '../../src/sim/state.js';
import { parseBatchOutput } from '../../src/zimbra/parse.js';
import { zmprovLine } from '../../src/zimbra/quote.js';
import { exitOf } from '../helpers/wait.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/sim');

beforeAll(async () => {
  const out = join(ROOT, 'dist/sim.mjs');
  if (existsSync(out)) return;
  const tmp = `${out}.${process.pid}.tmp.mjs`;
  await build({ entryPoints: [join(ROOT, 'src/sim/cli.ts')], bundle: true, platform: 'node', format: 'esm', outfile: tmp, logLevel: 'silent' });
  renameSync(tmp, out);
}, 30_000);

function env(statePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ZSPLIT_SIM_STATE: statePath, ...extra };
}

function newState(): string {
  return join(mkdtempSync(join(tmpdir(), 'zsplit-simcli-')), 'state.json');
}

function run(tool: string, args: string[], statePath: string, opts: { input?: string; extra?: Record<string, string> } = {}) {
  const r = spawnSync(join(BIN, tool), args, { env: env(statePath, opts.extra), input: opts.input ?? '', encoding: 'utf8' });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs with stdout and stderr on ONE file, as `zmprov ... >out 2>&1` does. */
function runMerged(tool: string, args: string[], statePath: string, extra: Record<string, string> = {}) {
  const outPath = `${statePath}.out`;
  const fd = openSync(outPath, 'w');
  try {
    const r = spawnSync(join(BIN, tool), args, { env: env(statePath, extra), stdio: ['ignore', fd, fd] });
    return { exitCode: r.status, combined: readFileSync(outPath, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

describe('bin/sim/zmprov as a process', () => {
  it('single commands: stdout, stderr and exit codes; the state file is created on first use', () => {
    const st = newState();
    expect(existsSync(st)).toBe(false);
    const ok = run('zmprov', ['ga', '-e', 'alice@example.com', 'zimbraMailTransport'], st);
    expect(ok).toEqual({ exitCode: 0, stdout: '# name alice@example.com\nzimbraMailTransport: lmtp:zimbra.example.com:7025\n\n', stderr: '' });
    expect(existsSync(st)).toBe(true);
    expect(run('zmprov', ['ga', 'nobody@example.com'], st)).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'ERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\n',
    });
    const usage = run('zmprov', ['ma', 'x'], st);
    expect(usage.exitCode).toBe(1);
    expect(usage.stdout.startsWith('usage:  modifyAccount(ma) ')).toBe(true);
    expect(run('zmprov', ['-l', '-s', 'h', 'ga', 'x'], st)).toMatchObject({ exitCode: 2, stderr: 'error: cannot specify both -l and -s at the same time\n' });
  });

  it('a -v -f batch, both fds on one file, is read by parseBatchOutput line by line', () => {
    const st = newState();
    const argvs = [
      ['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25'],
      ['ma', 'nobody@example.com', 'displayName', 'Nobody'],
      ['ma', 'bob@example.com', 'displayName'],
      ['ga', '-e', 'bob@example.com', 'zimbraMailTransport'],
      ['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com'],
    ];
    const text = argvs.map(zmprovLine);
    const file = join(st, '..', 'batch.zmp');
    writeFileSync(file, [...text, 'exit', ''].join('\n'));
    const r = runMerged('zmprov', ['-v', '-f', file], st);
    expect(r.exitCode).toBe(2);
    expect(r.combined).toContain('prov> ma nobody@example.com displayName Nobody\nERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\n');
    const parsed = parseBatchOutput(r.combined, text, r.exitCode ?? -1);
    expect(parsed.lines.map((l) => l.status)).toEqual(['ok', 'error', 'usage', 'ok', 'ok']);
    expect(parsed.lines[3].output).toBe('# name bob@example.com\nzimbraMailTransport: smtp:[mail.example.com]:25');
    expect(parsed.trailer).toBe('');
    const state = loadState(st);
    expect(state.accounts['bob@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    expect(state.domains['example.com'].zimbraMailCatchAllAddress).toEqual(['@example.com']);
  });

  it('at EOF without exit the code is 0 even after errors; commands can come on stdin', () => {
    const st = newState();
    const r = run('zmprov', ['-v'], st, { input: 'ga nobody@example.com\n' });
    expect(r).toEqual({ exitCode: 0, stdout: 'prov> ga nobody@example.com\nprov> ', stderr: 'ERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\ncom.zimbra.cs.account.AccountServiceException: no such account: nobody@example.com\n\tat com.zimbra.cs.account.AccountServiceException.NO_SUCH_ACCOUNT(AccountServiceException.java:1)\n\tat com.zimbra.cs.account.ProvUtil.execute(ProvUtil.java:1)\n\tat com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:1)\n' });
  });

  it('-l da on a single command reads the confirmation from stdin', () => {
    const st = newState();
    expect(run('zmprov', ['-l', 'da', 'alice@example.com'], st, { input: 'n\n' }).stdout.endsWith('Continue? [Y]es, [N]o: aborted\n')).toBe(true);
    expect(loadState(st).accounts['alice@example.com']).toBeDefined();
    expect(run('zmprov', ['-l', 'da', 'alice@example.com'], st, { input: 'yes\n' }).exitCode).toBe(0);
    expect(loadState(st).accounts['alice@example.com']).toBeUndefined();
    expect(readSidecar(st).filter((x) => x.type === 'orphaned-mailbox')).toHaveLength(1);
  });

  it('ZSPLIT_SIM_START_MS mimics the JVM start of every zmprov process', () => {
    const st = newState();
    run('zmprov', ['gacf'], st);
    const t0 = Date.now();
    expect(run('zmprov', ['gcf', 'zimbraDefaultDomainName'], st, { extra: { ZSPLIT_SIM_START_MS: '600' } }).stdout).toBe('zimbraDefaultDomainName: example.com\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
  });

  it('logs one start per process in the sidecar (JVM starts)', () => {
    const st = newState();
    run('zmprov', ['gacf'], st);
    run('zmprov', ['-l', 'gaa'], st);
    run('zmmtactl', ['reload'], st);
    const log = readSidecar(st);
    expect(log.filter((x) => x.type === 'start' && x.tool === 'zmprov')).toHaveLength(2);
    expect(log.filter((x) => x.type === 'reload')).toHaveLength(1);
    expect(readFileSync(st, 'utf8')).not.toContain('reload');
  });

  it('failure injection from the environment', () => {
    const st = newState();
    const r = run('zmprov', ['ma', 'bob@example.com', 'displayName', 'B'], st, {
      extra: { ZSPLIT_SIM_FAIL: '^ma bob@', ZSPLIT_SIM_FAIL_CODE: 'account.NO_SUCH_ACCOUNT (no such account: bob@example.com)' },
    });
    expect(r).toEqual({ exitCode: 2, stdout: '', stderr: 'ERROR: account.NO_SUCH_ACCOUNT (no such account: bob@example.com)\n' });
    const once = { ZSPLIT_SIM_FAIL: 'displayName', ZSPLIT_SIM_FAIL_ONCE: '1' };
    expect(run('zmprov', ['ma', 'bob@example.com', 'displayName', 'B'], st, { extra: once }).exitCode).toBe(2);
    expect(run('zmprov', ['ma', 'bob@example.com', 'displayName', 'B'], st, { extra: once }).exitCode).toBe(0);
    expect(run('zmprov', ['ga', 'bob@example.com'], st, { extra: { ZSPLIT_SIM_SOAP_DOWN: '1' } }).stderr).toMatch(/^ERROR: zclient\.IO_ERROR /);
  });

  it('kill -9 mid-batch leaves a consistent state with the completed lines applied', async () => {
    const st = newState();
    const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const file = join(st, '..', 'slow.zmp');
    writeFileSync(file, [...names.map((n) => `ma bob@example.com +zimbraMailForwardingAddress ${n}@example.net`), 'exit', ''].join('\n'));
    const outPath = `${st}.out`;
    const fd = openSync(outPath, 'w');
    const child = spawn(join(BIN, 'zmprov'), ['-v', '-f', file], { env: env(st, { ZSPLIT_SIM_CMD_MS: '250' }), stdio: ['ignore', fd, fd] });
    closeSync(fd);
    // Wait until the third command has been echoed: the first two have completed by then.
    const deadline = Date.now() + 15_000;
    while ((readFileSync(outPath, 'utf8').match(/prov> ma /g) ?? []).length < 3) {
      if (Date.now() > deadline) throw new Error('batch did not progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exitOf(child);
    const state = loadState(st); // parses: the file was never half-written
    const fwd = state.accounts['bob@example.com'].zimbraMailForwardingAddress ?? [];
    expect(fwd.slice(0, 2)).toEqual(['n1@example.net', 'n2@example.net']);
    expect(fwd.length).toBeLessThan(5);
  }, 30_000);
});

describe('bin/sim/zmprov when its reader goes away', () => {
  it('keeps running the batch after stdout breaks, like a JVM whose PrintStream only flags the error', async () => {
    const st = newState();
    const file = join(st, '..', 'b.zmp');
    writeFileSync(file, [...['a', 'b', 'c', 'd'].map((n) => `ma bob@example.com +zimbraMailForwardingAddress ${n}@example.net`), 'exit', ''].join('\n'));
    const child = spawn(join(BIN, 'zmprov'), ['-v', '-f', file], { env: env(st, { ZSPLIT_SIM_CMD_MS: '100' }), stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise((r) => child.stdout.once('data', r));
    child.stdout.destroy();
    child.stderr.destroy();
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    expect(loadState(st).accounts['bob@example.com'].zimbraMailForwardingAddress).toHaveLength(4);
  }, 30_000);
});

describe('the other launchers', () => {
  it('zmcontrol -v, zmhostname, postconf -h, postmap -q', () => {
    const st = newState();
    expect(run('zmcontrol', ['-v'], st, { extra: { ZSPLIT_SIM_VERSION: '8.8.15' } }).stdout).toBe('Release 8.8.15_GA_3869.RHEL7_64_20190918004220 RHEL7_64 FOSS edition.\n');
    expect(run('zmhostname', [], st).stdout).toBe('zimbra.example.com\n');
    expect(run('postconf', ['-h', 'mynetworks'], st).stdout).toBe('127.0.0.0/8 [::1]/128 10.0.0.10/32\n');
    expect(run('postmap', ['-q', 'bob@example.com', 'ldap:/opt/zimbra/conf/ldap-transport.cf'], st)).toEqual({
      exitCode: 0,
      stdout: 'lmtp:zimbra.example.com:7025\n',
      stderr: '',
    });
    expect(run('postmap', ['-q', 'nobody@example.com', 'ldap:/opt/zimbra/conf/ldap-vam.cf'], st)).toEqual({ exitCode: 1, stdout: '', stderr: '' });
    expect(run('postfix', ['reload'], st).stderr).toBe('postfix/postfix-script: refreshing the Postfix mail system\n');
  });

  it('refuses to run without ZSPLIT_SIM_STATE', () => {
    const r = spawnSync(join(BIN, 'zmprov'), ['gacf'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ZSPLIT_SIM_STATE');
  });
});
