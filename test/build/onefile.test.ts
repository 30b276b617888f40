// The file to copy to a server: dist/zsplit.mjs (built by the global setup, as `npm run build`
// does) runs from an empty folder with only Node, no node_modules anywhere above it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  const run = (args: string[], direct = false) => {
    const r = direct
      ? spawnSync(join(dir, 'zsplit.mjs'), args, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      : spawnSync(process.execPath, ['zsplit.mjs', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
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

  it('loads its program from a private cache file, and never runs one whose bytes differ', () => {
    const { dir, run } = server();
    const cache = join(dir, '.cache/zsplit');
    expect(run(['--version']).code).toBe(0);
    expect(existsSync(cache)).toBe(false); // --version needs no program
    expect(run(['plan', 'setup', '--role', 'secondary', ...ANSWERS]).code).toBe(0);
    const [name] = readdirSync(cache);
    expect(name).toMatch(/^program-[0-9a-f]{16}\.mjs$/);
    expect(statSync(join(cache, name)).mode & 0o777).toBe(0o600);
    writeFileSync(join(cache, name), 'process.stdout.write("not zsplit\\n");');
    const r = run(['plan', 'setup', '--role', 'secondary', ...ANSWERS, '--format', 'sh']);
    expect(r.out).not.toContain('not zsplit');
    expect(r.out).toContain('zmprov md example.com zimbraMailCatchAllAddress');
    expect(readFileSync(join(cache, name), 'utf8')).not.toContain('not zsplit');
  });

  it('runs the same without a usable cache folder (from memory)', () => {
    const { dir, run } = server({ XDG_CACHE_HOME: '/dev/null/nowhere' });
    const r = run(['plan', 'setup', '--role', 'secondary', ...ANSWERS, '--format', 'sh']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('zmprov md example.com zimbraMailCatchAllAddress');
    expect(readdirSync(dir)).toEqual(['zsplit.mjs']);
  });
});
