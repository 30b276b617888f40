import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/zsplit.js');
export const SIM_BIN = join(ROOT, 'bin/sim');

/** A scratch world: a simulated Zimbra run as external processes, and a zsplit state dir. */
export function simWorld(extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'zsplit-world-'));
  const statePath = join(dir, 'sim-state.json');
  const stateDir = join(dir, 'zsplit');
  const env: NodeJS.ProcessEnv = { ...process.env, ZSPLIT_SIM_STATE: statePath, ZSPLIT_ZIMBRA_BIN: SIM_BIN, ZSPLIT_SIM_START_MS: '0', CI: 'true', ...extraEnv };
  const flags = ['--zmprov', join(SIM_BIN, 'zmprov'), '--run-as', 'current', '--state-dir', stateDir];
  const world = {
    dir,
    statePath,
    stateDir,
    env,
    flags,
    /** Runs the simulated zmprov directly (creates the default state on first use). */
    zmprov(...args: string[]) {
      return spawnSync(join(SIM_BIN, 'zmprov'), args, { env, encoding: 'utf8' });
    },
    zsplit(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}) {
      // A large run reports a line per step: tens of MB, more than spawnSync's default 1 MB buffer.
      const r = spawnSync(process.execPath, [BIN, ...args, ...flags], { env: { ...env, ...opts.env }, encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 120_000, maxBuffer: 1 << 30 });
      return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
    },
    spawnZsplit(args: string[], envExtra: NodeJS.ProcessEnv = {}) {
      return spawn(process.execPath, [BIN, ...args, ...flags], { env: { ...env, ...envExtra }, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    state(): string {
      return readFileSync(statePath, 'utf8');
    },
    json(): { accounts: Record<string, Record<string, string[]>>; domains: Record<string, Record<string, string[]>>; config: Record<string, string[]>; servers: Record<string, Record<string, string[]>> } {
      return JSON.parse(world.state());
    },
    /** The sidecar log: one record per simulated process start and reload. */
    log(): { type: string; tool?: string; argv?: string[] }[] {
      const p = `${statePath}.log`;
      return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    },
    file(name: string, text: string): string {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
  return world;
}

export const SECONDARY_ANSWERS = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];

export function primaryAnswers(accountsFile: string): string[] {
  return ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10', '--peer-accounts', accountsFile];
}

export function accountLines(n: number, prefix = 'user'): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`).join('\n') + '\n';
}
