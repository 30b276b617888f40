/**
 * `npm run bench`: every figure measured side by side in this run, printed as one table with its
 * target and PASS/MISS, and saved as JSON in bench/results/<timestamp>.json. Every figure is the
 * real command (`node bin/zsplit.js ...`, the simulator's executables), with the machine's load.
 *
 *   1. applying N placeholders (probes and verification included): zsplit against the hand-optimised
 *      single `zmprov -f` file (wall time with the simulated costs; CPU with none) and against one
 *      zmprov process per command (sampled, extrapolated)
 *   2. `zsplit plan setup` of 100,000 and 300,000 placeholders, each format written to a file: time,
 *      peak RSS (/usr/bin/time), bytes per account
 *   3. reads that scale with the change: a 10-user cutover on a 50,000-account domain against a
 *      `zmprov -f` file of those users' commands
 *   4. scrolling the preview of 10,000 and 100,000 steps: time per key press
 *   5. start-up: the wizard's first frame against a minimal Ink app built the same way; --version
 *
 * Options: --quick (fewer repetitions and sizes), --only 1,2,3,4,5,6, --start-ms MS, --cmd-ms MS,
 * --list-account-us US, --line-us US. Loopback only; about 15 minutes on a loaded 2-core machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { zmprovLine } from '../src/zimbra/quote.js';
import { buildOneFile, common } from './build-options.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/zsplit.js');
const SIM = join(ROOT, 'bin/sim');
const ZMPROV = join(SIM, 'zmprov');

// ----- options ------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1];
};
const QUICK = argv.includes('--quick');
const ONLY = new Set((opt('only') ?? '1,2,3,4,5,6').split(',').map((x) => x.trim()));
/** A realistic JVM start (zimbra.md §2.2: 1.9 to 2.4 s measured per call). */
const START_MS = Number(opt('start-ms') ?? 2000);
/** Per command: an LDAP read or write on a local directory. */
const CMD_MS = Number(opt('cmd-ms') ?? 2);
/**
 * What a listing costs besides its command (ZmprovIO.listAccountUs / lineUs in src/sim/zmprov.ts).
 * Assumed, not measured on a server: 100 µs per account (a local OpenLDAP mdb serves a paged
 * search at some 10,000 full entries a second, and the JVM decodes each into an Account and merges
 * its COS defaults) and 5 µs per printed line (ProvUtil.printOutput flushes a new BufferedWriter
 * per line: one write(2) each). A sim account prints about 18 lines with -e, so ~190 µs each.
 * The read-back search (`sa FILTER`, names only) is charged 100 µs + 5 µs per account it returns
 * and 10 µs per account of the domain it tests and leaves (an unindexed attribute, the worse case).
 */
const LIST_ACCOUNT_US = Number(opt('list-account-us') ?? 100);
const LINE_US = Number(opt('line-us') ?? 5);
const APPLY_N = QUICK ? [1000] : [1000, 10000];
const REPS: Record<number, number> = QUICK ? { 1000: 1 } : { 1000: 3, 10000: 2 };

// ----- helpers ------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

function stat(xs: number[]): Stat {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs };
}

function secs(ms: number): string {
  return ms >= 100_000 ? `${Math.round(ms / 1000).toLocaleString('en-US')} s` : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

function millis(ms: number): string {
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

function spreadOf(s: Stat, fmt: (x: number) => string): string {
  return s.runs.length > 1 ? `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}, n=${s.runs.length}]` : fmt(s.median);
}

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `zsplit-bench-${prefix}-`));
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<{ ms: number; code: number; out: string; err: string; timedOut: boolean }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ ms: performance.now() - t0, code: code ?? -1, out, err, timedOut });
    });
  });
}

/** The machine's 1-minute load average now, for the figure beside it. */
function load(): string {
  return loadavg()[0].toFixed(1);
}

/** Runs a command under /usr/bin/time: wall, CPU (user + sys, children included) and peak RSS. */
async function timed(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<{ ms: number; cpuMs: number; rssKB: number; code: number; out: string; err: string }> {
  const marker = '@@zsplit-bench-time';
  const r = await run('/usr/bin/time', ['-f', `${marker} %e %U %S %M`, cmd, ...args], opts);
  const m = new RegExp(`${marker} (\\S+) (\\S+) (\\S+) (\\d+)`).exec(r.err);
  if (!m) throw new Error(`/usr/bin/time printed no figures for ${cmd} ${args.join(' ')}: ${r.err.slice(-800)}`);
  return { ms: Number(m[1]) * 1000, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, rssKB: Number(m[4]), code: r.code, out: r.out, err: r.err.replace(m[0], '') };
}

function must<T extends { code: number; err: string; out: string }>(r: T, what: string): T {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.err.slice(-1500)}\n${r.out.slice(-1500)}`);
  return r;
}

type Row = { id: string; what: string; figure: string; target: string; result: string; note?: string };
const rows: Row[] = [];
const results: Record<string, unknown> = {};

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ----- 1. applying N placeholders ------------------------------------------------------------

const ANSWERS = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];

/** A fresh simulated Zimbra (external processes, state file in a temp dir). */
function world(n: number, costs: 'simulated' | 'none' = 'simulated') {
  const dir = tmp(`apply${n}`);
  const statePath = join(dir, 'sim-state.json');
  const on = costs === 'simulated';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZSPLIT_SIM_STATE: statePath,
    ZSPLIT_ZIMBRA_BIN: SIM,
    ZSPLIT_SIM_START_MS: String(on ? START_MS : 0),
    ZSPLIT_SIM_CMD_MS: String(on ? CMD_MS : 0),
    ZSPLIT_SIM_LIST_ACCOUNT_US: String(on ? LIST_ACCOUNT_US : 0),
    ZSPLIT_SIM_LINE_US: String(on ? LINE_US : 0),
    // The honest case: JLine line editing leaks echoes and escape sequences into a piped session.
    ZSPLIT_SIM_JLINE: 'tty',
    CI: 'true',
  };
  const accounts = join(dir, 'accounts.txt');
  writeFileSync(accounts, Array.from({ length: n }, (_, i) => `user${i}@example.com`).join('\n') + '\n');
  // The default state (3 accounts), created without a simulated JVM start.
  const seed = spawnSync(ZMPROV, ['gacf', 'zimbraMtaRelayHost'], { env: { ...env, ZSPLIT_SIM_START_MS: '0' }, encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`seeding the simulator failed: ${seed.stderr}`);
  const starts = () =>
    readFileSync(`${statePath}.log`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; tool?: string })
      .filter((r) => r.type === 'start' && r.tool === 'zmprov').length - 1;
  const accountCount = () => Object.keys((JSON.parse(readFileSync(statePath, 'utf8')) as { accounts: object }).accounts).length;
  return { dir, statePath, env, accounts, starts, accountCount, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

interface PlanJson {
  steps: { kind: string; argv?: string[]; entry?: { kind: string; name: string }; reloadArgv?: string[][] }[];
}

/** zsplit apply and the hand -f file (+ reload) in fresh worlds: wall time, CPU, load. */
async function applyPair(n: number, fileText: string, reload: string[][], costs: 'simulated' | 'none') {
  const w = world(n, costs);
  // zsplit's zmprov runs under /usr/bin/time too: what zsplit itself costs is the rest.
  const zmprovCpu = join(w.dir, 'zmprov-cpu.txt');
  const wrapper = join(w.dir, 'zmprov');
  writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/time -a -o '${zmprovCpu}' -f '%U %S' '${ZMPROV}' "$@"\n`, { mode: 0o755 });
  const r = await timed(process.execPath, [BIN, 'apply', 'setup', ...ANSWERS, '--peer-accounts', w.accounts, '--zmprov', wrapper, '--run-as', 'current', '--state-dir', join(w.dir, 'zsplit'), '--yes'], { env: w.env });
  must(r, 'zsplit apply');
  if (!/COMPLETED/.test(r.out) || w.accountCount() !== n + 3) throw new Error(`zsplit apply did not complete: ${r.out.slice(-500)}`);
  const childMs = readFileSync(zmprovCpu, 'utf8')
    .split('\n')
    .filter((l) => /^[\d.]+ [\d.]+$/.test(l))
    .reduce((t, l) => t + (Number(l.split(' ')[0]) + Number(l.split(' ')[1])) * 1000, 0);
  const starts = w.starts();
  const zLoad = load();
  w.cleanup();
  const h = world(n, costs);
  const file = join(h.dir, 'placeholders.zmp');
  writeFileSync(file, fileText);
  const f = must(await timed(ZMPROV, ['-f', file], { env: h.env }), 'zmprov -f');
  let ms = f.ms;
  let cpuMs = f.cpuMs;
  for (const a of reload) {
    const x = must(await timed(join(SIM, a[0]), a.slice(1), { env: h.env }), a.join(' '));
    ms += x.ms;
    cpuMs += x.cpuMs;
  }
  if (h.accountCount() !== n + 3) throw new Error('the -f file did not create every placeholder');
  h.cleanup();
  return { zsplit: { ms: r.ms, cpuMs: r.cpuMs, ownCpuMs: r.cpuMs - childMs, load: zLoad, starts }, file: { ms, cpuMs, load: load() } };
}

async function applyBench(n: number): Promise<void> {
  log(`1. apply ${n} placeholders: planning the -f file`);
  const w0 = world(n);
  const pj = must(await run(process.execPath, [BIN, 'plan', 'setup', ...ANSWERS, '--peer-accounts', w0.accounts, '--format', 'json'], { env: w0.env }), 'zsplit plan');
  w0.cleanup();
  const plan = JSON.parse(pj.out) as PlanJson;
  const changes = plan.steps.filter((s) => s.kind === 'zmprov');
  // The hand-optimised way: every change in one file, `exit` last, one zmprov -f; then the reload the plan needs.
  const fileText = [...changes.map((s) => zmprovLine(s.argv!)), 'exit', ''].join('\n');
  const reload = plan.steps.find((s) => s.kind === 'reload')?.reloadArgv ?? [['zmmtactl', 'reload']];
  // The seeds' way: one zmprov per command: a ga per probed entry, each change, a ga per changed entry.
  const entries = new Set(changes.map((s) => `${s.entry!.kind}:${s.entry!.name}`));
  const probeCmds = entries.size + 1 + 1; // + global config + the server's MTA values
  const perCommandCount = probeCmds + changes.length + entries.size;

  const pairs: Awaited<ReturnType<typeof applyPair>>[] = [];
  for (let rep = 0; rep < REPS[n]; rep++) {
    log(`1. apply ${n}: zsplit and the -f file, run ${rep + 1}/${REPS[n]} (load ${load()})`);
    pairs.push(await applyPair(n, fileText, reload, 'simulated'));
  }
  // One zmprov process per command, sampled (each process pays the JVM start).
  const per: number[] = [];
  {
    const w = world(n);
    for (let i = 0; i < 2; i++) {
      const args = i % 2 === 0 ? ['ga', '-e', 'alice@example.com', 'zimbraAccountStatus', 'zimbraMailTransport'] : ['ma', 'alice@example.com', 'description', 'bench'];
      per.push(must(await run(ZMPROV, args, { env: w.env }), `zmprov ${args[0]}`).ms);
    }
    w.cleanup();
  }
  log(`1. apply ${n}: CPU with no simulated costs (load ${load()})`);
  const cpu = await applyPair(n, fileText, reload, 'none');
  const z = stat(pairs.map((x) => x.zsplit.ms));
  const f = stat(pairs.map((x) => x.file.ms));
  const seedsTotal = median(per) * perCommandCount;
  const vsFile = z.median / f.median;
  const vsSeeds = seedsTotal / z.median;
  const cpuRatio = cpu.zsplit.cpuMs / cpu.file.cpuMs;
  const ownRatio = cpu.zsplit.ownCpuMs / cpu.file.cpuMs;
  const loads = pairs.map((x) => x.zsplit.load).join('/');
  results[`apply.${n}`] = { n, zsplitMs: z, handFileMs: f, loads, zsplitJvmStarts: pairs[0].zsplit.starts, perCommand: { estimatedMs: seedsTotal, commands: perCommandCount, sampledProcessMs: per }, ratioToFile: vsFile, speedupVsPerCommand: vsSeeds, cpu };
  const starts = pairs[0].zsplit.starts;
  rows.push(
    { id: '1', what: `apply ${n.toLocaleString('en-US')} placeholders: zsplit (${starts} zmprov start${starts === 1 ? '' : 's'})`, figure: spreadOf(z, secs), target: '', result: '', note: `load ${loads}` },
    { id: '', what: `  hand-optimised: one zmprov -f file + reload`, figure: spreadOf(f, secs), target: '', result: '' },
    { id: '', what: `  zsplit / -f file`, figure: `${vsFile.toFixed(3)}x`, target: '<= 1.05x', result: vsFile <= 1.05 ? 'PASS' : 'MISS' },
    { id: '', what: `  one zmprov per command (~${perCommandCount.toLocaleString('en-US')} cmds) / zsplit`, figure: `${Math.round(vsSeeds).toLocaleString('en-US')}x faster`, target: n === 1000 ? '>= 50x' : '', result: n === 1000 ? (vsSeeds >= 50 ? 'PASS' : 'MISS') : 'info' },
    { id: '', what: `  CPU, no simulated costs: zsplit alone / zmprov -f + reload`, figure: `${secs(cpu.zsplit.ownCpuMs)} / ${secs(cpu.file.cpuMs)} = ${ownRatio.toFixed(2)}x`, target: '<= 1.5x', result: ownRatio <= 1.5 ? 'PASS' : 'MISS', note: `load ${cpu.zsplit.load}` },
    { id: '', what: `  CPU, no simulated costs: zsplit + its zmprov / zmprov -f + reload`, figure: `${secs(cpu.zsplit.cpuMs)} / ${secs(cpu.file.cpuMs)} = ${cpuRatio.toFixed(2)}x`, target: '<= 1.5x', result: cpuRatio <= 1.5 ? 'PASS' : 'MISS', note: 'its zmprov also reads back every change' },
  );
}

// ----- bundled workers -------------------------------------------------------------------------

/** Bundles a worker the way the product is bundled, so it runs under plain node (no tsx overhead). */
async function bundle(entry: string, dir: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  await build({ ...common, entryPoints: [entry], outfile, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')], ...extra });
  return outfile;
}

// ----- 2. zsplit plan at 100,000 and 300,000, the real command ------------------------------------

const FORMATS = ['text', 'sh', 'json'] as const;

async function planBench(): Promise<void> {
  const dir = tmp('plan');
  const sizes = [100_000, 300_000];
  const files: Record<number, string> = {};
  for (const n of sizes) {
    files[n] = join(dir, `accounts-${n}.txt`);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`user${i}@example.com`);
    writeFileSync(files[n], lines.join('\n') + '\n');
  }
  const reps = QUICK ? 1 : 3;
  const plan = async (n: number, format: string) => {
    const out = join(dir, `plan-${n}.${format}`);
    const r = must(await timed(process.execPath, [BIN, 'plan', 'setup', ...ANSWERS, '--peer-accounts', files[n], '--format', format, '--out', out], { env: { ...process.env, CI: 'true' } }), `zsplit plan --format ${format}`);
    const bytes = statSync(out).size;
    rmSync(out);
    return { ...r, bytes, load: load() };
  };
  const at100: Record<string, { ms: Stat; rssMB: Stat; cpuMs: Stat; bytes: number; loads: string }> = {};
  const at300: Record<string, Awaited<ReturnType<typeof plan>>> = {};
  for (const format of FORMATS) {
    const runs = [];
    for (let i = 0; i < reps; i++) {
      log(`2. zsplit plan setup 100,000 --format ${format} --out FILE: run ${i + 1}/${reps} (load ${load()})`);
      runs.push(await plan(100_000, format));
    }
    at100[format] = { ms: stat(runs.map((r) => r.ms)), rssMB: stat(runs.map((r) => r.rssKB / 1024)), cpuMs: stat(runs.map((r) => r.cpuMs)), bytes: runs[0].bytes, loads: runs.map((r) => r.load).join('/') };
    log(`2. zsplit plan setup 300,000 --format ${format} (load ${load()})`);
    at300[format] = await plan(300_000, format);
  }
  rmSync(dir, { recursive: true, force: true });
  results.plan = { at100, at300 };
  FORMATS.forEach((format, i) => {
    const a = at100[format];
    const b = at300[format];
    const perAccount = (b.rssKB * 1024 - a.rssMB.median * 1024 * 1024) / 200_000;
    const growth = b.cpuMs / a.cpuMs.median;
    rows.push(
      { id: i === 0 ? '2' : '', what: `zsplit plan setup, 100,000 placeholders, --format ${format} --out FILE (${(a.bytes / 1e6).toFixed(0)} MB)`, figure: spreadOf(a.ms, secs), target: '< 2 s', result: a.ms.median < 2000 ? 'PASS' : 'MISS', note: `CPU ${secs(a.cpuMs.median)}, load ${a.loads}` },
      { id: '', what: '  peak RSS (/usr/bin/time)', figure: spreadOf(a.rssMB, (x) => `${x.toFixed(0)} MB`), target: '< 400 MB', result: a.rssMB.median < 400 ? 'PASS' : 'MISS', note: `${((a.rssMB.median * 1024 * 1024) / 100_000 / 1024).toFixed(1)} KB per account` },
      { id: '', what: `  300,000: time, peak RSS`, figure: `${secs(b.ms)}, ${(b.rssKB / 1024).toFixed(0)} MB`, target: 'works, linear', result: growth <= 3.6 && perAccount < 4096 ? 'PASS' : 'MISS', note: `CPU x${growth.toFixed(2)} for x3 accounts; ${(perAccount / 1024).toFixed(1)} KB RSS per added account; load ${b.load}` },
    );
  });
}

// ----- 3. reads that scale with the change: a 10-user cutover on a 50,000-account domain --------------

const CUTOVER_DOMAIN = QUICK ? 20_000 : 50_000;

/** A world of `zimbraUsers` mailboxes and 10 locked placeholders (the wave), written as the state file. */
function bigWorld(zimbraUsers: number) {
  const w = world(0);
  const s = JSON.parse(readFileSync(w.statePath, 'utf8')) as { accounts: Record<string, Record<string, string[]>> };
  const base = s.accounts['alice@example.com'];
  const account = (name: string, status: string, transport: string, i: number) => ({ ...base, cn: [name], displayName: [name], mail: [name], uid: [name.split('@')[0]], zimbraId: [`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`], zimbraMailDeliveryAddress: [name], zimbraAccountStatus: [status], zimbraMailTransport: [transport] });
  for (let i = 0; i < zimbraUsers; i++) s.accounts[`zuser${i}@example.com`] = account(`zuser${i}@example.com`, 'active', 'lmtp:zimbra.example.com:7025', i);
  const users = Array.from({ length: 10 }, (_, i) => `wave${i}@example.com`);
  users.forEach((u, i) => (s.accounts[u] = account(u, 'locked', 'smtp:[mail.example.com]:25', zimbraUsers + i)));
  writeFileSync(w.statePath, JSON.stringify(s));
  const usersFile = join(w.dir, 'users.txt');
  writeFileSync(usersFile, users.join('\n') + '\n');
  return { ...w, users, usersFile };
}

async function readsBench(): Promise<void> {
  const reps = QUICK ? 1 : 3;
  const zs: number[] = [];
  const fs: number[] = [];
  const loads: string[] = [];
  let read = 0;
  for (let i = 0; i < reps; i++) {
    log(`3. cutover of 10 users on ${CUTOVER_DOMAIN.toLocaleString('en-US')} accounts: run ${i + 1}/${reps} (load ${load()})`);
    const w = bigWorld(CUTOVER_DOMAIN);
    const before = readFileSync(`${w.statePath}.log`, 'utf8').length;
    const r = must(await timed(process.execPath, [BIN, 'apply', 'cutover', ...ANSWERS, '--users', w.usersFile, '--direction', 'to-zimbra', '--wave', 'w1', '--zmprov', ZMPROV, '--run-as', 'current', '--state-dir', join(w.dir, 'zsplit'), '--yes'], { env: w.env }), 'zsplit apply cutover');
    if (!/COMPLETED: 20 applied/.test(r.out)) throw new Error(`the cutover did not complete: ${r.out.slice(-500)}`);
    zs.push(r.ms);
    loads.push(load());
    read = readFileSync(`${w.statePath}.log`, 'utf8')
      .slice(before)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; accounts?: number })
      .reduce((n, x) => n + (x.type === 'read' ? x.accounts! : 0), 0);
    w.cleanup();
    // By hand: the wave's commands in one file, in SOAP mode (mailboxd updates its own cache).
    const h = bigWorld(CUTOVER_DOMAIN);
    const file = join(h.dir, 'wave.zmp');
    writeFileSync(file, [...h.users.flatMap((u) => [`ma ${u} zimbraMailTransport lmtp:zimbra.example.com:7025`, `ma ${u} zimbraAccountStatus active`]), 'exit', ''].join('\n'));
    fs.push(must(await timed(ZMPROV, ['-f', file], { env: h.env }), 'zmprov -f wave').ms);
    h.cleanup();
  }
  const z = stat(zs);
  const f = stat(fs);
  const ratio = z.median / f.median;
  results.cutover = { domain: CUTOVER_DOMAIN, zsplitMs: z, handFileMs: f, accountsRead: read, loads };
  rows.push(
    { id: '3', what: `10-user cutover on ${CUTOVER_DOMAIN.toLocaleString('en-US')} accounts: zsplit (reads ${read} accounts)`, figure: spreadOf(z, secs), target: '', result: '', note: `load ${loads.join('/')}` },
    { id: '', what: `  hand: zmprov -f file of the 20 commands`, figure: spreadOf(f, secs), target: '', result: '' },
    { id: '', what: `  zsplit / -f file`, figure: `${ratio.toFixed(3)}x`, target: '<= 1.2x', result: ratio <= 1.2 ? 'PASS' : 'MISS' },
  );
}

// ----- 4. preview scrolling ----------------------------------------------------------------------

async function previewBench(): Promise<void> {
  const dir = tmp('preview');
  let method = 'screen';
  let worker: string | undefined;
  let why = '';
  try {
    worker = await bundle(join(ROOT, 'scripts/bench/preview-worker.tsx'), dir, 'preview-worker', { jsx: 'automatic' });
  } catch (e) {
    why = `the Preview screen did not build: ${(e as Error).message.split('\n')[0]}`;
  }
  const per: Record<number, Stat> = {};
  const sizes = [10_000, 100_000];
  for (const n of sizes) {
    let r = worker ? await run(process.execPath, [worker, String(n)]) : undefined;
    if (!r || r.code !== 0) {
      if (r && !why) why = `the Preview screen did not run: ${r.err.trim().split('\n').slice(-1)[0]}`;
      method = 'window';
      const w = await bundle(join(ROOT, 'scripts/bench/window-worker.ts'), dir, 'window-worker');
      r = must(await run(process.execPath, [w, String(n)]), 'window worker');
    }
    const o = JSON.parse(r.out) as { keyMs: number[]; method: string; steps: number };
    method = o.method;
    per[n] = stat(o.keyMs);
    log(`3. preview ${n}: ${o.method}, median ${millis(per[n].median)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const flat = per[100_000].median / per[10_000].median;
  results.preview = { method, why, perKeyMs: per, ratio100kTo10k: flat };
  const label = method === 'screen' ? 'Preview screen (ink-testing-library), per key press' : 'windowing function only, per key press';
  for (const n of sizes)
    rows.push({ id: n === sizes[0] ? '4' : '', what: `preview ${n.toLocaleString('en-US')} steps: ${label}`, figure: `${millis(per[n].median)} (p95 ${millis(p95(per[n].runs))}, ${per[n].runs.length} keys)`, target: '< 16 ms', result: per[n].median < 16 ? 'PASS' : 'MISS', note: method === 'window' ? why : undefined });
  rows.push({ id: '', what: '  flat as N grows: 100,000 / 10,000', figure: `${flat.toFixed(2)}x`, target: '<= 1.5x', result: flat <= 1.5 ? 'PASS' : 'MISS' });
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

// ----- 5. start-up ---------------------------------------------------------------------------------

async function firstFrame(cmd: string, args: string[], until: string, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const mod = await import('@lydell/node-pty');
  const pty = ((mod as { spawn?: unknown }).spawn ? mod : mod.default) as typeof mod.default;
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = pty.spawn(cmd, args, { name: 'xterm-256color', cols: 100, rows: 30, cwd, env: env as Record<string, string> });
    let buf = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      p.kill();
      rej(new Error(`no "${until}" within 20 s: ${JSON.stringify(buf.slice(-300))}`));
    }, 20_000);
    p.onData((d) => {
      buf += d;
      if (!done && buf.includes(until)) {
        done = true;
        const ms = performance.now() - t0;
        clearTimeout(timer);
        p.onExit(() => res(ms));
        p.kill();
      }
    });
  });
}

async function startupBench(): Promise<void> {
  const dir = tmp('startup');
  // A minimal Ink app (one line, a key handler like the wizard's), built and launched as zsplit is:
  // the same one-file build (launcher, program in the cache), started through a copy of bin/zsplit.js.
  // The ratio is then zsplit's own extra work: its larger program, its start-up and its first screen.
  const src = join(dir, 'minimal.tsx');
  writeFileSync(
    src,
    `import React from 'react';
import { render, Text, useApp, useInput } from 'ink';
function App() {
  const { exit } = useApp();
  useInput((input) => { if (input === 'q') exit(); });
  return <Text>minimal-ink-ready</Text>;
}
render(<App />);
`,
  );
  mkdirSync(join(dir, 'minimal/bin'), { recursive: true });
  copyFileSync(BIN, join(dir, 'minimal/bin/zsplit.js'));
  await buildOneFile({ entry: src, outfile: join(dir, 'minimal/dist/zsplit.mjs'), extra: { jsx: 'automatic', logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] } });
  const minimal = join(dir, 'minimal/bin/zsplit.js');
  const env: NodeJS.ProcessEnv = { ...process.env, ZSPLIT_SIM_START_MS: '0', TERM: 'xterm-256color', HOME: dir, XDG_CACHE_HOME: join(dir, '.cache') };
  delete env.CI;
  const reps = QUICK ? 4 : 7;
  const wiz: number[] = [];
  const min: number[] = [];
  // Not counted: the first start of a build writes its program cache (once per build and user).
  await firstFrame(process.execPath, [minimal], 'minimal-ink-ready', env, dir);
  await firstFrame(process.execPath, [BIN, '--rehearsal', '--state-dir', join(dir, 'state-warm')], 'REHEARSAL', env, dir);
  for (let i = 0; i < reps; i++) {
    log(`4. first frame: run ${i + 1}/${reps}`);
    const state = join(dir, `state${i}`);
    min.push(await firstFrame(process.execPath, [minimal], 'minimal-ink-ready', env, dir));
    wiz.push(await firstFrame(process.execPath, [BIN, '--rehearsal', '--state-dir', state], 'REHEARSAL', env, dir));
  }
  const ver: number[] = [];
  const verDist: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < (QUICK ? 8 : 15); i++) {
    bare.push((await run(process.execPath, ['-e', ''])).ms);
    ver.push(must(await run(process.execPath, [BIN, '--version']), '--version').ms);
    verDist.push(must(await run(process.execPath, [join(ROOT, 'dist/zsplit.mjs'), '--version']), '--version').ms);
  }
  rmSync(dir, { recursive: true, force: true });
  const w = stat(wiz);
  const m = stat(min);
  const v = stat(ver);
  const vd = stat(verDist);
  const b = stat(bare);
  const ratio = w.median / m.median;
  results.startup = { wizardFirstFrameMs: w, minimalInkFirstFrameMs: m, ratio, versionMs: v, versionDistMs: vd, nodeBaselineMs: b };
  rows.push(
    { id: '5', what: 'wizard first frame (node bin/zsplit.js --rehearsal, pty)', figure: spreadOf(w, millis), target: '', result: '' },
    { id: '', what: '  minimal Ink app, built and launched the same way', figure: spreadOf(m, millis), target: '', result: '' },
    { id: '', what: '  wizard / minimal Ink app', figure: `${ratio.toFixed(2)}x`, target: '<= 1.30x', result: ratio <= 1.3 ? 'PASS' : 'MISS' },
    { id: '', what: 'zsplit --version (node bin/zsplit.js)', figure: spreadOf(v, millis), target: '< 150 ms', result: v.median < 150 ? 'PASS' : 'MISS', note: b.median >= 150 ? `node -e "" alone takes ${millis(b.median)} here` : undefined },
    { id: '', what: '  node dist/zsplit.mjs --version (the copied file)', figure: spreadOf(vd, millis), target: '< 150 ms', result: vd.median < 150 ? 'PASS' : 'MISS' },
    { id: '', what: '  baseline: node -e ""', figure: spreadOf(b, millis), target: '', result: 'info', note: `--version costs ${millis(v.median - b.median)} over a bare node start` },
  );
}

// ----- 5. a real domain: 20,000 recipients of mixed classes (issue 14) -----------------------------

/** From the raw Get-Recipient CSV to a flow-checked primary plan, against the 100,000-placeholder budget (< 2 s, < 400 MB). */
async function recipientsBench(): Promise<void> {
  const dir = tmp('recipients');
  const worker = await bundle(join(ROOT, 'scripts/bench/recipients-worker.ts'), dir, 'recipients-worker');
  const out: { ms: number; readMs: number; validateMs: number; planMs: number; flowMs: number; steps: number; addresses: number; flowOk: boolean; maxRssKB: number }[] = [];
  for (let i = 0; i < (QUICK ? 2 : 3); i++) {
    log(`5. 20,000 recipients: run ${i + 1}`);
    const r = must(await run(process.execPath, [worker, '20000'], { timeoutMs: 60_000 }), 'recipients worker');
    out.push(JSON.parse(r.out.trim().split('\n').pop()!));
  }
  rmSync(dir, { recursive: true, force: true });
  const t = stat(out.map((o) => o.ms));
  const rss = stat(out.map((o) => o.maxRssKB / 1024));
  const last = out[out.length - 1];
  results.recipients20k = { runs: out, ms: t, peakRssMB: rss };
  rows.push(
    { id: '6', what: `Exchange CSV -> inventory -> validate + plan + flow check, 20,000 recipients (${last.addresses.toLocaleString('en-US')} addresses, ${last.steps.toLocaleString('en-US')} steps)`, figure: spreadOf(t, secs), target: '< 2 s', result: t.median < 2000 && last.flowOk ? 'PASS' : 'MISS', note: `read ${millis(median(out.map((o) => o.readMs)))}, validate ${millis(median(out.map((o) => o.validateMs)))}, plan ${millis(median(out.map((o) => o.planMs)))}, flow ${millis(median(out.map((o) => o.flowMs)))}` },
    { id: '', what: '  peak RSS of that process', figure: spreadOf(rss, (x) => `${x.toFixed(0)} MB`), target: '< 400 MB', result: rss.median < 400 ? 'PASS' : 'MISS' },
  );
}

// ----- main ----------------------------------------------------------------------------------------

function table(): string {
  const head: Row = { id: '#', what: 'measure', figure: 'figure (median [min-max, runs])', target: 'target', result: 'result' };
  const all = [head, ...rows];
  const wWhat = Math.max(...all.map((r) => r.what.length));
  const wFig = Math.max(...all.map((r) => r.figure.length));
  const wTgt = Math.max(...all.map((r) => r.target.length));
  const line = (r: Row) => `${r.id.padEnd(2)} ${r.what.padEnd(wWhat)}  ${r.figure.padEnd(wFig)}  ${r.target.padEnd(wTgt)}  ${r.result}${r.note ? `  (${r.note})` : ''}`;
  return [line(head), '-'.repeat(wWhat + wFig + wTgt + 16), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/zsplit.mjs')) || !existsSync(join(ROOT, 'dist/sim.mjs'))) must(await run(process.execPath, ['scripts/build.mjs']), 'npm run build');
  const started = new Date();
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavgAtStart: loadavg() };
  log(`simulated JVM start ${START_MS} ms, ${CMD_MS} ms per command; ${machine.cpus} CPUs, load ${machine.loadavgAtStart.map((x) => x.toFixed(1)).join(' ')}`);
  if (ONLY.has('1')) for (const n of APPLY_N) await applyBench(n);
  if (ONLY.has('2')) await planBench();
  if (ONLY.has('3')) await readsBench();
  if (ONLY.has('4')) await previewBench();
  if (ONLY.has('5')) await startupBench();
  if (ONLY.has('6')) await recipientsBench();
  const text = table();
  const header = `zsplit bench ${started.toISOString()}  (simulator: JVM start ${START_MS} ms, ${CMD_MS} ms/command, listing ${LIST_ACCOUNT_US} µs/account + ${LINE_US} µs/line, JLine echo on; ${machine.cpus} CPUs, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`;
  process.stdout.write(`\n${header}\n\n${text}\n`);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), finished: new Date().toISOString(), machine, simulator: { startMs: START_MS, cmdMs: CMD_MS, listAccountUs: LIST_ACCOUNT_US, lineUs: LINE_US, jline: 'tty' }, quick: QUICK, rows, results, table: text }, null, 2)}\n`);
  process.stdout.write(`\nsaved ${file.slice(ROOT.length + 1)}\n`);
}

await main();
