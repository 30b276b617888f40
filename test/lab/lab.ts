/**
 * The lab: real Postfix instances and a real slapd on loopback, started and stopped by the tests
 * (recipes: /work/shared/reference/lab.md). Everything lives in a temp folder; nothing outside
 * 127.0.0.0/8 is ever contacted (IP-literal transports, no DNS: smtp_dns_support_level = disabled,
 * default_transport and relay_transport = error).
 *
 * This file: the gate (which packages the lab needs), its folders, ports, waits and timings, and
 * zsplit run as a real process. The servers are in their own files:
 * - slapd.ts: a private slapd with the core schema and the custom schema of src/sim/ldap.ts.
 * - postfix.ts: one Postfix with its own main.cf/master.cf/queue; virtual delivery into Maildirs
 *   as uid 65534; sendMail() for a real message.
 * - mta.ts: the two MTAs of a split: zimbraMta() (maps read from slapd with Zimbra's own query
 *   filters), labBin() (a ZSPLIT_ZIMBRA_BIN on it), the peer Postfix and its generated commands.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor as waitForEvent } from '../helpers/wait.js';

export const ROOT = join(import.meta.dirname, '../..');
export const SIM_BIN = join(ROOT, 'bin/sim');

// ------------------------------------------------------------------------------------------ gate

const NEEDED: [string, string][] = [
  ['/usr/sbin/postfix', 'postfix'],
  ['/usr/sbin/postconf', 'postfix'],
  ['/usr/sbin/postmap', 'postfix'],
  ['/usr/lib/postfix/postfix-ldap.so', 'postfix-ldap'],
  ['/usr/sbin/slapd', 'slapd'],
  ['/usr/sbin/slaptest', 'slapd'],
  ['/usr/bin/ldapmodify', 'ldap-utils'],
  ['/usr/bin/ldapsearch', 'ldap-utils'],
];

/** Missing Debian packages (empty: the lab can run). */
export function missingPackages(): string[] {
  return [...new Set(NEEDED.filter(([p]) => !existsSync(p)).map(([, pkg]) => pkg))];
}

/**
 * Whether the lab tests run: always with CI=true (a missing package then fails them loudly),
 * elsewhere only when the packages are installed (else skipped, with a printed notice).
 */
export function labEnabled(file: string): boolean {
  const missing = missingPackages();
  if (missing.length === 0 || process.env.CI === 'true') return true;
  console.log(`[lab] ${file}: SKIPPED: Debian packages missing: ${missing.join(', ')} (apt-get install ${missing.join(' ')}; CI installs them)`);
  return false;
}

// ------------------------------------------------------------------------------------------ util

export function labDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `zsplit-lab-${prefix}-`));
  // Postfix's daemons (user postfix) must reach their config and the LDAP map files.
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * This run's loopback block, 127.A.B.0/24: `ip(n)` is 127.A.B.n. Each lab file uses its own host
 * numbers in it (so the files of one run never meet), and each run claims a block of its own with
 * a lock file in the temp folder (created exclusively, holding the pid; a claim whose process is
 * gone is taken over), so two lab runs on one machine never bind the same address and port.
 */
export function labNet(): (host: number) => string {
  // Claims of runs that are gone (a test worker is killed without its exit handlers) are removed.
  for (const f of readdirSync(tmpdir()).filter((n) => /^zsplit-lab-net-[\d.]+\.lock$/.test(n))) {
    try {
      const owner = Number(readFileSync(join(tmpdir(), f), 'utf8').trim());
      if (owner > 0 && !pidAlive(owner)) rmSync(join(tmpdir(), f), { force: true });
    } catch {
      // released meanwhile
    }
  }
  const blocks = 250 * 250;
  for (let k = 0; k < 500; k++) {
    const i = (process.pid * 7919 + k) % blocks;
    const prefix = `127.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
    const lock = join(tmpdir(), `zsplit-lab-net-${prefix}.lock`);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        // released meanwhile: the next round tries another block
      }
      // Empty: another run is writing its claim right now. Ours or alive: held.
      if (!(owner > 0) || owner === process.pid || pidAlive(owner)) continue;
      // Left by a run that ended without releasing it: taken over, same block again.
      rmSync(lock, { force: true });
      k--;
      continue;
    }
    process.on('exit', () => rmSync(lock, { force: true }));
    return (host: number) => `${prefix}.${host}`;
  }
  throw new Error('no free 127.x.y.0/24 block for the lab (every lock in the temp folder is held)');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The shared waitFor (test/helpers/wait.ts) for the lab's servers: a condition that throws (a
 * connection refused while the server starts) counts as "not yet", and the last such error is
 * added to the failure message naming what never happened.
 */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  let last: Error | undefined;
  const attempt = async (): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      last = e as Error;
      return undefined;
    }
  };
  try {
    return await waitForEvent(attempt, what, timeoutMs, everyMs);
  } catch (e) {
    throw new Error(`${(e as Error).message}${last ? `: ${last.message}` : ''}`);
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Timings printed at the end of each lab file. */
export class Timings {
  private readonly started = performance.now();
  private last = performance.now();
  readonly rows: [string, number][] = [];
  mark(what: string): void {
    const now = performance.now();
    this.rows.push([what, now - this.last]);
    this.last = now;
  }
  print(title: string): void {
    const total = performance.now() - this.started;
    console.log(`[lab] ${title} timings:\n${this.rows.map(([w, ms]) => `  ${(ms / 1000).toFixed(2).padStart(6)} s  ${w}`).join('\n')}\n  ${(total / 1000).toFixed(2).padStart(6)} s  total`);
  }
}


export function cleanup(dir: string): void {
  if (process.env.ZSPLIT_LAB_KEEP) console.log(`[lab] kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------ zsplit

export interface ProcResult {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** Runs a command as a real process (async: the test's own servers keep answering meanwhile). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ProcResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), out, err, ms: performance.now() - started });
    });
  });
}

export const ZSPLIT = join(ROOT, 'bin/zsplit.js');
