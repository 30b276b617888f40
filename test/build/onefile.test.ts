// The file to copy to a server: dist/zsplit.mjs (built by the global setup, as `npm run build`
// does) runs from an empty folder with only Node, no node_modules anywhere above it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/sim.js';

const DIST = join(ROOT, 'dist/zsplit.mjs');

/** An empty folder holding only the copied file, and an environment that points at nothing of the repository. */
function server(extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'zsplit-onefile-'));
  copyFileSync(DIST, join(dir, 'zsplit.mjs'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', ZSPLIT_SIM_START_MS: '0', ...extraEnv };
  const run = (args: string[], direct = false, more: NodeJS.ProcessEnv = {}) => {
    const r = direct
      ? spawnSync(join(dir, 'zsplit.mjs'), args, { cwd: dir, env: { ...env, ...more }, encoding: 'utf8', timeout: 60_000 })
      : spawnSync(process.execPath, ['zsplit.mjs', ...args], { cwd: dir, env: { ...env, ...more }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  return { dir, run };
}

const ANSWERS = ['--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];

describe('dist/zsplit.mjs alone', () => {
  it('has no node_modules to lean on where it is copied', () => {
    const { dir } = server();
    expect(readdirSync(dir)).toEqual(['zsplit.mjs']);
    for (let d = dir; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), d).toBe(false);
    // executable, with a shebang: `./zsplit.mjs` works after scp
    expect(statSync(DIST).mode & 0o111).not.toBe(0);
    expect(readFileSync(DIST, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--version, directly and through node', () => {
    const { run } = server();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version'])).toEqual({ code: 0, out: `zsplit ${pkg.version}\n`, err: '' });
    expect(run(['--version'], true).out).toBe(`zsplit ${pkg.version}\n`);
    expect(run(['--help']).out).toMatch(/^zsplit .*Usage:/s);
  });

  it('plans a setup as a shell script', () => {
    const { run } = server();
    const r = run(['plan', 'setup', '--role', 'secondary', ...ANSWERS, '--format', 'sh']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^#!\/bin\/sh/);
    expect(r.out).toContain("su - zimbra -c 'zmprov md example.com zimbraMailCatchAllAddress @example.com'");
  });

  it('applies a rehearsal (the built-in simulated Zimbra), through one zmprov session', () => {
    const { dir, run } = server();
    const state = ['--state-dir', join(dir, 'state'), '--sim-state', join(dir, 'sim.json')];
    const r = run(['apply', 'setup', '--role', 'secondary', ...ANSWERS, '--rehearsal', ...state, '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    // 7 routing steps, and the two of Zimbra's split-domain recipient check (the peer is in mynetworks)
    expect(r.out).toMatch(/COMPLETED: 9 applied, 0 unchanged.*zmprov started 1 time\(s\)/);
    const sim = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    expect(sim.domains['example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    const status = run(['status', '--json', ...state.slice(0, 2)]);
    expect(JSON.parse(status.out)[0]).toMatchObject({ kind: 'apply', status: 'completed' });
  });

  it('loads its program and libraries from private cache files, and never runs one whose bytes differ', () => {
    const { dir, run } = server();
    const cache = join(dir, '.cache/zsplit');
    expect(run(['--version']).code).toBe(0);
    expect(existsSync(cache)).toBe(false); // --version needs no program
    expect(run(['plan', 'setup', '--role', 'secondary', ...ANSWERS]).code).toBe(0);
    const names = readdirSync(cache).sort();
    expect(names).toEqual([expect.stringMatching(/^lib-conf-[0-9a-f]{16}\.mjs$/), expect.stringMatching(/^lib-execa-[0-9a-f]{16}\.mjs$/), expect.stringMatching(/^lib-ldapts-[0-9a-f]{16}\.mjs$/), expect.stringMatching(/^program-[0-9a-f]{16}\.mjs$/)]);
    for (const n of names) expect(statSync(join(cache, n)).mode & 0o777, n).toBe(0o600);
    const name = names[3];
    writeFileSync(join(cache, name), 'process.stdout.write("not zsplit\\n");');
    writeFileSync(join(cache, names[1]), 'export const execa = () => { throw new Error("not execa"); };');
    const r = run(['plan', 'setup', '--role', 'secondary', ...ANSWERS, '--format', 'sh']);
    expect(r.out).not.toContain('not zsplit');
    expect(r.out).toContain('zmprov md example.com zimbraMailCatchAllAddress');
    expect(readFileSync(join(cache, name), 'utf8')).not.toContain('not zsplit');
    expect(readFileSync(join(cache, names[1]), 'utf8')).not.toContain('not execa');
  });

  /** A local "Zimbra" whose zmprov only says it ran: zsplit starts it through execa, a library loaded on first use. */
  function fakeZimbra(dir: string): NodeJS.ProcessEnv {
    mkdirSync(join(dir, 'zbin'));
    writeFileSync(join(dir, 'zbin/zmprov'), '#!/bin/sh\necho "fake zmprov: $*" >&2\nexit 1\n', { mode: 0o755 });
    return { ZSPLIT_ZIMBRA_BIN: join(dir, 'zbin') };
  }
  const APPLY = ['apply', 'setup', '--role', 'secondary', ...ANSWERS, '--run-as', 'current', '--yes'];

  it('runs commands through its lazily loaded library (execa) from the cache', () => {
    const { dir, run } = server();
    const r = run([...APPLY, '--state-dir', join(dir, 'state')], false, fakeZimbra(dir));
    expect(r.err + r.out).toContain('fake zmprov: -l');
    expect(readdirSync(join(dir, '.cache/zsplit')).some((n) => n.startsWith('lib-execa-'))).toBe(true);
  });

  it('runs the same without a usable cache folder (from memory), its libraries too', () => {
    const { dir, run } = server({ XDG_CACHE_HOME: '/dev/null/nowhere' });
    const r = run(['plan', 'setup', '--role', 'secondary', ...ANSWERS, '--format', 'sh']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('zmprov md example.com zimbraMailCatchAllAddress');
    expect(readdirSync(dir)).toEqual(['zsplit.mjs']);
    const a = run([...APPLY, '--state-dir', join(dir, 'state')], false, fakeZimbra(dir));
    expect(a.err + a.out).toContain('fake zmprov: -l');
    expect(existsSync(join(dir, '.cache'))).toBe(false);
  });
});
