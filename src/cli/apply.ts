/** `zsplit apply`, `zsplit rollback`, `zsplit status`: the engine without a terminal UI. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Decision, EngineEvent, EngineOptions, Question, Summary } from '../apply/engine.js';
import { applyPlan, hasDelete, StalePlan } from '../apply/engine.js';
import type { Executor } from '../exec/types.js';
import { Zmprov } from '../exec/zmprov.js';
import { JournalStore, JournalWriteError, now, redactArgv } from '../journal/journal.js';
import { OrphanRunning } from '../journal/orphan.js';
import type { RunInfo } from '../journal/journal.js';
import { Journal } from '../journal/journal.js';
import { LockHeld } from '../journal/lock.js';
import { AbandonRefused, abandonRun } from '../journal/abandon.js';
import { RollbackRefused, rollbackPlan, rollbackReplan } from '../journal/rollback.js';
import type { Job } from '../model/types.js';
import { plan, PlanRefused } from '../plan/index.js';
import type { Observed, Plan } from '../plan/index.js';
import { PLAN_SCHEMA, renderText, stepCommand } from '../plan/render.js';
import { showValues } from '../plan/step.js';
import type { Flags } from './args.js';
import { UsageError } from './args.js';
import { VERSION } from './help.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { answersFrom, flowChecked, jobArg, needsAccountList } from './plan.js';
import { detectZimbra, makeExecutor, stateDir } from './target.js';

/** Loads a plan saved with --format json. */
export function loadPlanFile(path: string): Plan {
  let json: Plan & { format?: string };
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--plan: cannot read ${path}: ${(e as Error).message}`, '--plan');
  }
  if (json.format !== PLAN_SCHEMA) throw new UsageError(`--plan: ${path} is not a zsplit plan (expected "format": "${PLAN_SCHEMA}")`, '--plan');
  return json;
}

/** Line-oriented prompts for --step without the wizard: answers read from stdin. */
function lineConfirm(io: CliIO): (q: Question) => Promise<Decision> {
  const rl = createInterface({ input: process.stdin });
  const lines: string[] = [];
  const waiters: ((l: string | undefined) => void)[] = [];
  let closed = false;
  rl.on('line', (l) => (waiters.length ? waiters.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    closed = true;
    while (waiters.length) waiters.shift()!(undefined);
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : closed ? Promise.resolve(undefined) : new Promise<string | undefined>((r) => waiters.push(r)));
  return async (q) => {
    if (q.kind === 'reload-after-failure') io.err('MTA-level changes were applied before the failure. Reload the MTA now? [y/N] ');
    else {
      const s = q.steps[0];
      io.err(`\n[${q.index}/${q.total}] ${q.kind === 'group' ? `${q.steps.length} commands: ${s.bulk}` : s.title}\n  $ ${stepCommand(s)}\n  before: ${showValues(s.before)} -> after: ${s.desired}\n`);
      io.err('Apply? [y]es / [N]o, skip / [a]ll remaining / [r]oll back / [q]uit: ');
    }
    const answer = (await next())?.trim().toLowerCase() ?? 'q';
    return ({ y: 'yes', yes: 'yes', a: 'all', all: 'all', r: 'rollback', q: 'quit', quit: 'quit' } as Record<string, Decision>)[answer] ?? (q.kind === 'reload-after-failure' ? 'skip' : answer === '' ? 'skip' : 'skip');
  };
}

function reporter(flags: Flags, io: CliIO): (e: EngineEvent) => void {
  // A batch's results come in one burst (thousands of steps): written at once, not one write each.
  let held = '';
  const flush = () => {
    const text = held;
    held = '';
    if (text) io.out(text);
  };
  const out = (text: string) => {
    if (!held) queueMicrotask(flush);
    held += text;
  };
  const err = (text: string) => {
    flush();
    io.err(text);
  };
  if (flags.json) return (e) => out(JSON.stringify(e.type === 'step' ? { ...e, step: { id: e.step.id, title: e.step.title, argv: e.step.argv && redactArgv(e.step.argv) } } : e) + '\n');
  return (e) => {
    if (e.type === 'phase' && e.phase !== 'done') err(`-- ${e.message}\n`);
    else if (e.type === 'stale-lock') err(`-- took over a stale lock of pid ${e.pid} (${e.host}, ${e.started}): that process is gone\n`);
    else if (e.type === 'truncated-journal') err(`-- the journal's last line was cut short by the crash (ignored): ${e.line}\n`);
    else if (e.type === 'step' && !e.carried) {
      const mark = { applied: 'APPLIED', unchanged: 'ok (unchanged)', skipped: 'SKIPPED', 'not-applicable': 'n/a', failed: 'FAILED', manual: 'MANUAL' }[e.status];
      const detail = e.status === 'applied' && e.before !== undefined ? `  [${showValues(e.before)} -> ${showValues(e.after)}]` : '';
      out(`${mark.padEnd(15)} ${e.step.title}${detail}${e.recovered ? ' (found done after the interruption)' : ''}\n`);
      if (e.error && e.status === 'failed') out(`                ${e.error}\n`);
    }
  };
}

function report(s: Summary, io: CliIO, rollbackHint = true): number {
  const c = s.counts;
  io.out(`\n${s.status.toUpperCase()}: ${c.applied} applied, ${c.unchanged} unchanged, ${c.skipped + c['not-applicable']} skipped, ${c.failed} failed, ${c.manual} manual. zmprov started ${s.zmprovStarts} time(s). Run ${s.runId}\n`);
  for (const f of s.failures) io.out(`  failed: ${f.step.id}: ${f.error}\n`);
  if (s.reloadPending) io.out('  MTA-level changes are not reloaded yet: run zmmtactl reload (zmconfigd also applies them within about a minute).\n');
  if (s.manual.length && s.status === 'completed') {
    const where = [...new Set(s.manual.map((m) => m.manual!.system))];
    io.out(`  ${s.manual.length} manual step(s) remain, on: ${where.join('; ')} (see the plan).\n`);
  }
  if (s.status === 'failed' && rollbackHint) io.out(`  Roll back with: zsplit rollback --run ${s.runId}   (or fix the cause and: zsplit apply --resume)\n`);
  if (s.status === 'stopped') io.out('  Continue with: zsplit apply --resume\n');
  return s.status === 'completed' ? EXIT.ok : EXIT.failure;
}

/** Someone can approve the changes: --yes, --step, or a terminal to ask on. */
function approvable(flags: Flags, io: CliIO): boolean {
  return Boolean(flags.yes || flags.step || io.isTTY);
}

function requireApproval(flags: Flags, io: CliIO, what: string): void {
  if (!approvable(flags, io)) throw new UsageError(`${what} needs approval and there is no terminal: pass --yes to apply every step, or --step to answer per step on stdin`, '--yes');
}

async function engineErrors<T>(io: CliIO, fn: () => Promise<T>): Promise<T | number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StalePlan || e instanceof PlanRefused || e instanceof RollbackRefused || e instanceof LockHeld) {
      io.err(`zsplit: refused: ${e.message}\n`);
      return EXIT.refused;
    }
    if (e instanceof JournalWriteError) {
      const run = /([^/]+)\.jsonl$/.exec(e.path)?.[1];
      io.err(
        `zsplit: stopped: ${e.message}.\n  No further change was sent: every change sent so far was announced in the journal first.\n` +
          `  Free space (or fix the cause), then continue with: zsplit apply --resume${run ? `   or undo with: zsplit rollback --run ${run}` : ''}\n`,
      );
      return EXIT.failure;
    }
    if (e instanceof OrphanRunning) {
      io.err(`zsplit: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  }
}

/**
 * SIGINT, SIGTERM and SIGHUP during a headless run act like the wizard's Ctrl+C: no further line
 * is sent, the lines already sent finish and are verified and journaled, the lock is released.
 * A second signal exits at once (the journal's intents still tell a resume what was in flight).
 */
export function stopOnSignals(io: CliIO): { shouldStop: () => boolean; dispose: () => void } {
  let stop = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stop) process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[sig]);
    stop = true;
    try {
      io.err(`\nzsplit: ${sig}: stopping after the lines already sent (again to exit at once)\n`);
    } catch {
      // the terminal may be gone (SIGHUP)
    }
  };
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sg of sigs) process.on(sg, handler);
  return { shouldStop: () => stop, dispose: () => sigs.forEach((sg) => process.off(sg, handler)) };
}

export async function applyCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  const signals = stopOnSignals(io);
  try {
    return await applyWithSignals(flags, positionals, io, signals.shouldStop);
  } finally {
    signals.dispose();
  }
}

async function applyWithSignals(flags: Flags, positionals: string[], io: CliIO, shouldStop: () => boolean): Promise<number> {
  const exec = makeExecutor(flags, io);
  const store = new JournalStore(stateDir(flags, io));
  const zmprov = new Zmprov(exec);
  const common = { zmprov, exec, store, version: VERSION, onEvent: reporter(flags, io), confirm: flags.step ? lineConfirm(io) : undefined, reloadAfterFailure: Boolean(flags.yes), shouldStop };
  if (flags.resume) {
    const run = store.interrupted(exec.targetId);
    if (!run) {
      io.err(`zsplit: no interrupted run on ${exec.label}; zsplit status lists the runs\n`);
      return EXIT.failure;
    }
    requireApproval(flags, io, 'resuming');
    io.err(`-- resuming run ${run.runId} (${run.header.job}, started ${run.header.time}); in flight: ${run.inFlight.join(', ') || 'none'}\n`);
    const p = run.header.plan;
    // The flow check sees the server as it is: the same account listing as the run's first start.
    const r = await engineErrors(io, () => applyPlan(p, { ...common, resume: run, listAccounts: needsAccountList(p.job, p.answers), replan: replanFor(p, flags) }));
    return typeof r === 'number' ? r : report(r, io);
  }
  try {
    return await applyNew(flags, positionals, io, common);
  } finally {
    // Started early but not used: the run stopped before the engine took it over.
    await zmprov.discard();
  }
}

/**
 * A fresh apply (a job, or a saved plan). zmprov's JVM starts first (about 2 s on a real
 * server) and zsplit detects, plans and checks meanwhile; the engine then uses that session.
 */
async function applyNew(flags: Flags, positionals: string[], io: CliIO, common: Omit<EngineOptions, 'replan'>): Promise<number> {
  const { exec, zmprov } = common;
  const start = (p?: Plan) => {
    if (approvable(flags, io) && !(p && hasDelete(p))) zmprov.prestart();
  };
  let p: Plan;
  let saved = false;
  if (flags.plan) {
    p = loadPlanFile(flags.plan);
    start(p);
    saved = true;
  } else {
    const job = jobArg(positionals[0]);
    start();
    const detected = flags['zimbra-version'] && flags['zimbra-host'] ? {} : await detectZimbra(exec);
    const withDefaults = { ...flags, 'zimbra-version': flags['zimbra-version'] ?? detected.version, 'zimbra-host': flags['zimbra-host'] ?? (detected.hostname ? [detected.hostname] : undefined) };
    const answers = answersFrom(withDefaults, job, io);
    if (!answers) return EXIT.invalid;
    try {
      p = plan(job as Job, answers);
    } catch (e) {
      if (e instanceof PlanRefused) return engineErrors(io, () => Promise.reject(e)) as Promise<number>;
      throw e;
    }
  }
  requireApproval(flags, io, 'apply');
  io.err(`-- ${p.job} of ${p.answers.domains.join(', ')} on ${exec.label}\n`);
  const r = await engineErrors(io, () =>
    applyPlan(p, { ...common, checkStale: saved && !flags.refresh, listAccounts: needsAccountList(p.job, p.answers), replan: replanFor(p, flags) }),
  );
  return typeof r === 'number' ? r : report(r, io);
}

/** The plan the engine applies: re-planned against what it probed, with the mail-flow check. */
export function replanFor(p: Plan, flags: Flags): (o: Observed) => Plan {
  return (o) => flowChecked(plan(p.job, p.answers, o), flags, o);
}

function applied(r: RunInfo): number {
  let n = 0;
  for (const v of r.results.values()) if (v.status === 'applied') n++;
  return n;
}

/** Apply runs on this target that changed something and were not rolled back, oldest first. */
export function rollbackableRuns(store: JournalStore, target: string): RunInfo[] {
  // A run cut off with steps in flight may have changed things it never recorded: it is offered too (re-probed first).
  return store.runs().filter((x) => x.header.target === target && x.header.kind === 'apply' && x.status !== 'rolled-back' && (applied(x) > 0 || needsReconcile(x)));
}

/** After a rollback: a complete rollback of the whole run marks the run rolled back in its journal. */
export function finishRollback(run: RunInfo, s: Summary, to?: string): void {
  if (s.status === 'completed' && !to) new Journal(run.path).append({ t: 'end', status: 'rolled-back', time: now() });
}

function pickRun(store: JournalStore, flags: Flags, target: string): RunInfo {
  if (flags.run) {
    const r = store.run(flags.run);
    if (!r) throw new UsageError(`--run: no run ${flags.run}; zsplit status lists them`, '--run');
    if (r.header.kind !== 'apply') throw new UsageError(`--run: ${flags.run} is a rollback, not an apply run`, '--run');
    return r;
  }
  const r = rollbackableRuns(store, target).at(-1);
  if (!r) throw new UsageError('nothing to roll back on this target: no apply run with applied steps (see zsplit status)', '--run');
  return r;
}

/** A run cut off (kill, crash, full disk) or with unreadable journal lines: what it did must be probed before it is undone. */
export function needsReconcile(run: RunInfo): boolean {
  return run.header.kind === 'apply' && (run.status === 'interrupted' || run.inFlight.length > 0 || run.uncertain);
}

/**
 * Learns what an interrupted run really did (the probe a resume does, nothing sent) and journals
 * it, so the rollback undoes the changes whose results the run never recorded.
 */
export async function reconcileRun(run: RunInfo, store: JournalStore, exec: Executor, io: CliIO, onEvent: (e: EngineEvent) => void): Promise<RunInfo> {
  io.err(`-- run ${run.runId} was ${run.status === 'interrupted' ? 'cut off' : run.status}${run.inFlight.length ? ` with ${run.inFlight.length} step(s) in flight` : ''}${run.uncertain ? `; its journal has unreadable line(s) ${run.corrupt.slice(0, 10).join(', ')}` : ''}: reading what it really changed first\n`);
  await applyPlan(run.header.plan, { zmprov: new Zmprov(exec), exec, store, version: VERSION, onEvent, resume: run, reconcileOnly: true, replan: () => run.header.plan });
  return store.run(run.runId) ?? run;
}

export async function rollbackCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  const signals = stopOnSignals(io);
  try {
    return await rollbackWithSignals(flags, io, signals.shouldStop);
  } finally {
    signals.dispose();
  }
}

async function rollbackWithSignals(flags: Flags, io: CliIO, shouldStop: () => boolean): Promise<number> {
  const exec: Executor = makeExecutor(flags, io);
  const store = new JournalStore(stateDir(flags, io));
  let run = pickRun(store, flags, exec.targetId);
  if (needsReconcile(run)) {
    const r = await engineErrors(io, () => reconcileRun(run, store, exec, io, reporter(flags, io)));
    if (typeof r === 'number') return r;
    run = r;
  }
  const base = await engineErrors(io, async () => rollbackPlan(run, flags.to));
  if (typeof base === 'number') return base;
  if (base.steps.length === 0) {
    io.err(`zsplit: run ${run.runId} changed nothing that needs undoing\n`);
    return EXIT.ok;
  }
  io.out(renderText(base));
  if (!flags.yes && !flags.step) {
    if (!io.isTTY) throw new UsageError('the rollback above needs approval and there is no terminal: pass --yes to apply it', '--yes');
  }
  const r = await engineErrors(io, () =>
    applyPlan(base, {
      zmprov: new Zmprov(exec),
      exec,
      store,
      version: VERSION,
      kind: 'rollback',
      of: run.runId,
      onEvent: reporter(flags, io),
      confirm: flags.step ? lineConfirm(io) : undefined,
      reloadAfterFailure: true,
      shouldStop,
      replan: (o) => rollbackReplan(run, base, o, Boolean(flags.force)),
    }),
  );
  if (typeof r === 'number') return r;
  finishRollback(run, r, flags.to);
  return report(r, io, false);
}

/** `zsplit abandon [--run ID] --yes`: a stopped run is recorded as abandoned and no longer offered for resume. */
export async function abandonCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  const dir = stateDir(flags, io);
  const store = new JournalStore(dir);
  let runId = flags.run;
  if (runId === undefined) {
    const exec = makeExecutor(flags, io);
    runId = store.interrupted(exec.targetId)?.runId;
    if (!runId) {
      io.err(`zsplit: no stopped or interrupted run on ${exec.label} to abandon; zsplit status lists the runs\n`);
      return EXIT.failure;
    }
  }
  if (!flags.yes) {
    throw new UsageError(`abandoning run ${runId} needs approval: pass --yes (its applied changes stay; zsplit rollback --run ${runId} can still undo them)`, '--yes');
  }
  try {
    const r = abandonRun(dir, runId, flags.reason);
    const applied = [...r.results.values()].filter((v) => v.status === 'applied').length;
    io.out(`Run ${runId} abandoned: it will not be offered for resume. ${applied} applied change(s) stay as they are${applied ? `; undo them with: zsplit rollback --run ${runId}` : ''}.\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof AbandonRefused) {
      io.err(`zsplit: refused: ${e.message}\n`);
      return EXIT.refused;
    }
    throw e;
  }
}

export async function statusCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  const store = new JournalStore(stateDir(flags, io));
  const { runs, broken } = store.scan();
  const lines = (n: number[]) => `${n.slice(0, 20).join(', ')}${n.length > 20 ? `, ... (${n.length} in all)` : ''}`;
  if (flags.json) {
    const listed = runs.map((r) => ({ runId: r.runId, kind: r.header.kind, of: r.header.of, job: r.header.job, target: r.header.target, operator: r.header.operator, time: r.header.time, status: r.status, counts: r.end?.summary, inFlight: r.inFlight, truncated: Boolean(r.truncated), unreadableLines: r.corrupt }));
    const damaged = broken.map((b) => ({ runId: b.runId, status: 'unreadable', reason: b.reason, unreadableLines: b.corrupt, path: b.path }));
    io.out(JSON.stringify([...listed, ...damaged], null, 2) + '\n');
    return EXIT.ok;
  }
  if (runs.length === 0 && broken.length === 0) io.out(`no runs in ${store.runsDir}\n`);
  for (const b of broken)
    io.out(`${b.runId}  UNREADABLE: ${b.reason}${b.corrupt.length ? ` (unreadable line(s): ${lines(b.corrupt)})` : ''}\n    zsplit cannot resume or roll it back; its readable lines still list what it changed: ${b.path}\n`);
  for (const r of runs) {
    const c = r.end?.summary;
    io.out(`${r.runId}  ${r.header.kind}${r.header.of ? ` of ${r.header.of}` : ''}  ${r.header.job}  ${r.header.target}  ${r.status.toUpperCase()}  by ${r.header.operator}${c ? `  (${c.applied} applied, ${c.unchanged} unchanged, ${c.failed} failed)` : ''}\n`);
    if (r.inFlight.length) io.out(`    in flight when it stopped: ${r.inFlight.join(', ')}\n`);
    if (r.truncated) io.out('    its journal ends with a line cut short by a crash\n');
    if (r.corrupt.length) io.out(`    unreadable journal line(s): ${lines(r.corrupt)}; resume and rollback re-probe every step without a readable record\n`);
    if (r.status === 'abandoned') io.out(`    abandoned${r.end?.operator ? ` by ${r.end.operator}` : ''}${r.end?.reason ? `: ${r.end.reason}` : ''}${applied(r) ? `; its ${applied(r)} change(s) stay (zsplit rollback --run ${r.runId} undoes them)` : ''}\n`);
    else if (r.header.kind === 'apply' && (r.status === 'interrupted' || r.status === 'stopped' || r.status === 'failed')) {
      const why = r.status === 'interrupted' ? 'it was cut off (killed, crashed or disconnected) without recording its end' : `it ${r.status === 'failed' ? 'failed' : 'was stopped'}`;
      io.out(`    ${why}: continue with zsplit apply --resume, undo it with zsplit rollback --run ${r.runId}, or drop it with zsplit abandon --run ${r.runId} --yes\n`);
    } else if (r.header.kind === 'rollback' && r.status !== 'completed') io.out(`    this rollback did not finish: run zsplit rollback --run ${r.header.of ?? '?'} again\n`);
  }
  return EXIT.ok;
}
