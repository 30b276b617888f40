/** `zsplit apply`, `zsplit rollback`, `zsplit status`: the engine without a terminal UI. */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Decision, EngineEvent, EngineOptions, Question, Summary } from '../apply/engine.js';
import { applyPlan, hasDelete, StalePlan } from '../apply/engine.js';
import type { Executor } from '../exec/types.js';
import { Zmprov, ZmprovError } from '../exec/zmprov.js';
import { JournalStore, JournalWriteError, now, redactArgv } from '../journal/journal.js';
import { OrphanRunning } from '../journal/orphan.js';
import type { RunInfo } from '../journal/journal.js';
import { Journal } from '../journal/journal.js';
import { LockHeld } from '../journal/lock.js';
import { AbandonRefused, abandonRun } from '../journal/abandon.js';
import { RollbackRefused, rollbackPlan, replanOnce } from '../journal/rollback.js';
import type { Job } from '../model/types.js';
import { plan, PlanRefused } from '../plan/index.js';
import type { Observed, Plan } from '../plan/index.js';
import { PLAN_SCHEMA, renderText, stepCommand } from '../plan/render.js';
import { showValues } from '../plan/step.js';
import { countsText, manualUndoSteps, outcomeHeadline } from '../plan/outcome.js';
import type { ConfirmContext } from '../plan/confirm.js';
import { confirmationMatches, typedConfirmation } from '../plan/confirm.js';
import type { Step } from '../plan/step.js';
import type { Flags } from './args.js';
import { MAX_PLAN_BYTES, UsageError, withInputFile } from './args.js';
import { readJsonStreamed } from '../journal/json-stream.js';
import { VERSION } from './help.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { answersFrom, flowChecked, jobArg, needsAccountList } from './plan.js';
import { foldedSteps } from './fold.js';
import { detectZimbra, makeExecutor, stateDir } from './target.js';

/** Loads a plan saved with --format json: its steps read a run at a time (a plan of 400,000 accounts is longer than a string). */
export function loadPlanFile(path: string): Plan {
  const json = withInputFile(path, '--plan', MAX_PLAN_BYTES, (fd) => readJsonStreamed(fd, { at: ['steps'] })) as (Plan & { format?: string }) | undefined;
  if (json === undefined) throw new UsageError(`--plan: cannot read ${path}: it is not complete JSON`, '--plan');
  if (json?.format !== PLAN_SCHEMA) throw new UsageError(`--plan: ${path} is not a zsplit plan (expected "format": "${PLAN_SCHEMA}")`, '--plan');
  return json;
}

/** Lines typed on stdin (io.input in tests), one at a time; undefined at the end of input. */
function lineReader(io: CliIO): { next: () => Promise<string | undefined>; close: () => void } {
  const rl = createInterface({ input: io.input ?? process.stdin });
  const lines: string[] = [];
  const waiters: ((l: string | undefined) => void)[] = [];
  let closed = false;
  rl.on('line', (l) => (waiters.length ? waiters.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    closed = true;
    while (waiters.length) waiters.shift()!(undefined);
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : closed ? Promise.resolve(undefined) : new Promise<string | undefined>((r) => waiters.push(r)));
  return { next, close: () => rl.close() };
}

/** Every command of a question, each with its before and after (a batch is shown whole before it is asked). */
export function questionText(q: Question): string {
  const head = q.kind === 'group' ? `[${q.index}-${q.index + q.steps.length - 1}/${q.total}] ${q.steps.length} commands in one zmprov batch (${q.steps[0].bulk})` : `[${q.index}/${q.total}] ${q.steps[0].title}`;
  const lines = [`\n${head}`];
  for (const s of q.steps) {
    if (q.kind === 'group') lines.push(`  ${s.title}`);
    lines.push(`  $ ${stepCommand(s)}`, `    before: ${showValues(s.before)} -> after: ${s.desired}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Line-oriented prompts for --step without the wizard: answers read from stdin. "All remaining"
 * on a real Zimbra asks for the domain name first (typedConfirmation); a wrong answer asks again.
 */
function lineConfirm(io: CliIO, ctx: Omit<ConfirmContext, 'what' | 'unattended'>): (q: Question) => Promise<Decision> {
  const { next } = lineReader(io);
  return async (q) => {
    for (;;) {
      if (q.kind === 'reload-after-failure') io.err('MTA-level changes were applied before the failure. Reload the MTA now? [y/N] ');
      else {
        io.err(questionText(q));
        io.err(`Apply ${q.steps.length > 1 ? `these ${q.steps.length} changes` : 'it'}? [y]es / [N]o, skip / [a]ll remaining / [r]oll back / [q]uit: `);
      }
      const answer = (await next())?.trim().toLowerCase() ?? 'q';
      const d = ({ y: 'yes', yes: 'yes', a: 'all', all: 'all', r: 'rollback', q: 'quit', quit: 'quit' } as Record<string, Decision>)[answer] ?? 'skip';
      if (d !== 'all' || q.kind === 'reload-after-failure') return d;
      const typed = typedConfirmation({ ...ctx, unattended: false, what: 'remaining' });
      if (!typed) return d;
      io.err(typed.prompt);
      if (confirmationMatches(typed, await next())) return d;
      io.err('Not confirmed: nothing applied; asking again.\n');
    }
  };
}

/**
 * An interactive apply of everything (a terminal, neither --yes nor --step): the domain name must
 * be typed first on a real Zimbra. False when it was not (nothing is applied).
 */
async function typedApproval(io: CliIO, flags: Flags, ctx: Omit<ConfirmContext, 'unattended'>): Promise<boolean> {
  if (flags.step) return true;
  const typed = typedConfirmation({ ...ctx, unattended: Boolean(flags.yes) });
  if (!typed) return true;
  const reader = lineReader(io);
  io.err(typed.prompt);
  const ok = confirmationMatches(typed, await reader.next());
  reader.close();
  if (!ok) io.err('zsplit: not confirmed: nothing was applied.\n');
  return ok;
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
  const steps = foldedSteps(out, Boolean(flags.verbose));
  return (e) => {
    if (e.type !== 'step') steps.close();
    if (e.type === 'phase' && e.phase !== 'done') err(`-- ${e.message}\n`);
    else if (e.type === 'stale-lock') err(`-- took over a stale lock of pid ${e.pid} (${e.host}, ${e.started}): that process is gone\n`);
    else if (e.type === 'truncated-journal') err(`-- the journal's last line was cut short by the crash (ignored): ${e.line}\n`);
    else if (e.type === 'step' && !e.carried) {
      const mark = { applied: 'APPLIED', unchanged: 'ok (unchanged)', skipped: 'SKIPPED', 'not-applicable': 'n/a', failed: 'FAILED', manual: 'MANUAL' }[e.status];
      const detail = e.status === 'applied' && e.before !== undefined ? `  [${showValues(e.before)} -> ${showValues(e.after)}]` : '';
      const text = `${mark.padEnd(15)} ${e.step.title}${detail}${e.recovered ? ' (found done after the interruption)' : ''}\n${e.error && e.status === 'failed' ? `                ${e.error}\n` : ''}`;
      const foldable = e.step.bulk !== undefined && (e.status === 'applied' || e.status === 'unchanged' || e.status === 'not-applicable');
      steps.add(text, foldable ? { batch: e.step.bulk!, mark: e.recovered ? `${mark} (found done after the interruption)` : mark } : undefined);
    }
  };
}

function report(s: Summary, io: CliIO, rollbackHint = true): number {
  const o = s.outcome;
  io.out(`\n${outcomeHeadline(s.status, o)}: ${countsText(o.counts)}${o.notRun ? `, ${o.notRun} not run` : ''}. zmprov started ${s.zmprovStarts} time(s). Run ${s.runId}\n`);
  for (const k of o.skipped) io.out(`  skipped: ${k.id}: ${k.title}\n`);
  for (const f of s.failures) io.out(`  failed: ${f.step.id}: ${f.error}\n`);
  if (s.reloadPending) io.out('  MTA-level changes are not reloaded yet: run zmmtactl reload (zmconfigd also applies them within about a minute).\n');
  if (o.manualDue.length) {
    io.out(`  ${o.manualDue.length} manual step(s) to do now, in this order (zsplit never runs them; commands in the plan):\n`);
    for (const m of o.manualDue) io.out(`    - ${m.step.title}  [on: ${m.step.manual!.system}]${m.after.length ? `\n      after: ${shortList(m.after)}` : ''}\n`);
  }
  if (o.manualHeld.length) {
    io.out(`  ${o.manualHeld.length} manual step(s) must NOT be done yet: the Zimbra steps they depend on are not applied (doing them now would lose or loop mail):\n`);
    for (const m of o.manualHeld) io.out(`    - ${m.step.title}: waits for ${shortList(m.missing)}\n`);
  }
  if (s.status === 'failed' && rollbackHint) io.out(`  Roll back with: zsplit rollback --run ${s.runId}   (or fix the cause and: zsplit apply --resume)\n`);
  if (s.status === 'stopped') io.out('  Continue with: zsplit apply --resume\n');
  return s.status === 'completed' ? EXIT.ok : EXIT.failure;
}

/** The peer-side steps a rollback cannot do, with their inverse commands, in order. */
function manualUndoText(steps: Step[]): string {
  const out = ['', 'By hand, FIRST (zsplit never runs these; skip any you did not do), in this order:'];
  steps.forEach((s, i) => {
    out.push(`[${i + 1}/${steps.length}] ${s.title}  (on ${s.manual!.system})`, `    why: ${s.why}`);
    for (const c of s.manual!.commands) out.push(`    $ ${c}`);
  });
  return out.join('\n') + '\n\n';
}

/** Steps in flight: a batch cut off has 200,000 (`status --json` lists every one). */
function inFlightText(ids: string[]): string {
  return ids.length > 4 ? `${ids.length.toLocaleString('en')} steps (${shortList(ids, 3)})` : ids.join(', ');
}

function shortList(items: string[], max = 4): string {
  return items.length > max ? `${items.slice(0, max).join('; ')}; and ${items.length - max} more` : items.join('; ');
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
    if (e instanceof ZmprovError) {
      // zmprov's own text, without the Java stack it may append.
      const text = e.message.split('\n').filter((l) => !/^\s+at |^\s*\.\.\. \d+ more|^Caused by:|^com\.zimbra\.|^java\./.test(l)).slice(0, 6).join('\n');
      const down = /zclient\.IO_ERROR|Connection refused/.test(e.message);
      io.err(`zsplit: ${text}\n${down ? '  mailboxd is not answering (SOAP): check it with zmcontrol status, start it with zmmailboxdctl start, then try again. Nothing was changed by this step.\n' : ''}`);
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
export function stopOnSignals(io: CliIO): { shouldStop: () => boolean; dispose: (code?: number) => void } {
  let stop = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stop) process.exit(128 + SIGNAL_NUMBERS[sig]);
    stop = true;
    try {
      io.err(`\nzsplit: ${sig}: stopping after the lines already sent (again to exit at once)\n`);
    } catch {
      // the terminal may be gone (SIGHUP)
    }
  };
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sg of sigs) process.on(sg, handler);
  active++;
  return {
    shouldStop: () => stop,
    dispose: (code) => {
      sigs.forEach((sg) => process.off(sg, handler));
      active--;
      afterRun(code);
    },
  };
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
let active = 0;
let lastCode: number | undefined;
let lateInstalled = false;

/**
 * Between the end of a run (journal closed, lock released) and the process's exit (streams and
 * child pipes draining), a signal would otherwise kill zsplit with the default action and turn a
 * finished run into a killed one: exit with the run's own code instead. One set of handlers for
 * the process, doing nothing while another run is active.
 */
function afterRun(code: number | undefined): void {
  lastCode = code ?? 1;
  if (lateInstalled) return;
  lateInstalled = true;
  for (const sg of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[])
    process.on(sg, () => {
      if (active === 0) process.exit(lastCode);
    });
}

export async function applyCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  const signals = stopOnSignals(io);
  let code: number | undefined;
  try {
    code = await applyWithSignals(flags, positionals, io, signals.shouldStop);
    return code;
  } finally {
    signals.dispose(code);
  }
}

async function applyWithSignals(flags: Flags, positionals: string[], io: CliIO, shouldStop: () => boolean): Promise<number> {
  const exec = makeExecutor(flags, io);
  const store = new JournalStore(stateDir(flags, io));
  const zmprov = new Zmprov(exec);
  const common = { zmprov, exec, store, version: VERSION, onEvent: reporter(flags, io), confirm: undefined as EngineOptions['confirm'], reloadAfterFailure: Boolean(flags.yes), shouldStop };
  if (flags.resume) {
    const run = store.interrupted(exec.targetId);
    if (!run) {
      io.err(`zsplit: no interrupted run on ${exec.label}; zsplit status lists the runs\n`);
      return EXIT.failure;
    }
    requireApproval(flags, io, 'resuming');
    io.err(`-- resuming run ${run.runId} (${run.header.job}, started ${run.header.time}); in flight: ${run.inFlight.length ? inFlightText(run.inFlight) : 'none'}\n`);
    const p = run.header.plan;
    const ctx = { domains: p.answers.domains, rehearsal: exec.rehearsal };
    if (!(await typedApproval(io, flags, { ...ctx, what: 'apply' }))) return EXIT.refused;
    const confirm = flags.step ? lineConfirm(io, ctx) : undefined;
    // The flow check sees the server as it is: the same account listing as the run's first start.
    const r = await engineErrors(io, () => applyPlan(p, { ...common, confirm, resume: run, listAccounts: needsAccountList(p.job, p.answers), replan: replanFor(p, flags, run) }));
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
  // A cutover's session runs in SOAP mode: mailboxd applies the status changes and updates its
  // cache itself, so no second zmprov (fc cannot run under -l) starts to flush it afterwards.
  // Awaited until the process is spawned: planning a large change would otherwise run first.
  const start = async (job: string | undefined, p?: Plan) => {
    if (approvable(flags, io) && !(p && hasDelete(p))) await zmprov.prestart({ soap: job === 'cutover' });
  };
  let p: Plan;
  let saved = false;
  if (flags.plan) {
    p = loadPlanFile(flags.plan);
    await start(p.job, p);
    saved = true;
  } else {
    const job = jobArg(positionals[0]);
    await start(job);
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
  const ctx = { domains: p.answers.domains, rehearsal: exec.rehearsal };
  if (!flags.yes && !flags.step && typedConfirmation({ ...ctx, unattended: false, what: 'apply' })) {
    // Asked on a terminal: what is approved is shown first.
    io.out(renderText(p));
    if (!(await typedApproval(io, flags, { ...ctx, what: 'apply' }))) return EXIT.refused;
  }
  const confirm = flags.step ? lineConfirm(io, ctx) : undefined;
  io.err(`-- ${p.job} of ${p.answers.domains.join(', ')} on ${exec.label}\n`);
  const r = await engineErrors(io, () =>
    applyPlan(p, { ...common, confirm, checkStale: saved && !flags.refresh, listAccounts: needsAccountList(p.job, p.answers), replan: replanFor(p, flags) }),
  );
  return typeof r === 'number' ? r : report(r, io);
}

/**
 * The plan the engine applies: re-planned against what it probed, with the mail-flow check.
 * `resume`: the interrupted run being continued; the accounts it created are its own
 * half-made placeholders, not live mailboxes.
 */
export function replanFor(p: Plan, flags: Flags, resume?: RunInfo): (o: Observed) => Plan {
  const createdByRun = resume ? accountsCreatedBy(resume) : undefined;
  return (o) => flowChecked(plan(p.job, p.answers, o, { createdByRun }), flags, o);
}

/** Accounts a run announced it would create (intent with no entry before): created, or maybe created. */
export function accountsCreatedBy(run: RunInfo): Set<string> {
  const out = new Set<string>();
  for (const s of run.header.plan.steps)
    if (s.entry?.kind === 'account' && s.change?.op === 'create' && run.intents.has(s.id) && run.intents.get(s.id) === null) out.add(s.entry.name.toLowerCase());
  return out;
}

function applied(r: RunInfo): number {
  let n = 0;
  for (const v of r.results.values()) if (v.status === 'applied') n++;
  return n;
}

/** Apply runs on this target that changed something and were not rolled back, oldest first. */
export function rollbackableRuns(runs: RunInfo[], target: string): RunInfo[] {
  // A run cut off with steps in flight may have changed things it never recorded: it is offered too (re-probed first).
  return runs.filter((x) => x.header.target === target && x.header.kind === 'apply' && x.status !== 'rolled-back' && (applied(x) > 0 || needsReconcile(x)));
}

/** After a rollback: a complete rollback of the whole run marks the run rolled back in its journal. */
export function finishRollback(run: Pick<RunInfo, 'path'>, s: Summary, to?: string): void {
  if (s.status === 'completed' && !to) new Journal(run.path).append({ t: 'end', status: 'rolled-back', time: now() });
}

/** `--run ''` or `--to ''` is a mistake (an unset variable), never "the newest run" or "everything". */
function nonEmpty(flags: Flags, ...names: ('run' | 'to')[]): void {
  for (const n of names) if (flags[n] !== undefined && flags[n]!.trim() === '') throw new UsageError(`--${n}: empty; give a run id or a step id (zsplit status lists them)`, `--${n}`);
}

function pickRun(store: JournalStore, flags: Flags, target: string): RunInfo {
  nonEmpty(flags, 'run', 'to');
  if (flags.run !== undefined) {
    const r = store.run(flags.run);
    if (!r && existsSync(store.pathOf(flags.run))) throw new UsageError(`--run: ${flags.run}: the first line of its journal (the run and its plan) cannot be read: ${store.pathOf(flags.run)}`, '--run');
    if (!r) throw new UsageError(`--run: no run ${flags.run}; zsplit status lists them`, '--run');
    if (r.header.kind !== 'apply') throw new UsageError(`--run: ${flags.run} is a rollback, not an apply run`, '--run');
    return r;
  }
  const r = store.newest(rollbackableRuns(store.runs(), target));
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
export async function reconcileRun(run: RunInfo, store: JournalStore, exec: Executor, io: CliIO | undefined, onEvent: (e: EngineEvent) => void): Promise<RunInfo> {
  io?.err(`-- run ${run.runId} was ${run.status === 'interrupted' ? 'cut off' : run.status}${run.inFlight.length ? ` with ${run.inFlight.length} step(s) in flight` : ''}${run.uncertain ? `; its journal has unreadable line(s) ${run.corrupt.slice(0, 10).join(', ')}` : ''}: reading what it really changed first\n`);
  await applyPlan(run.header.plan, { zmprov: new Zmprov(exec), exec, store, version: VERSION, onEvent, resume: run, reconcileOnly: true, replan: () => run.header.plan });
  return store.run(run.runId) ?? run;
}

export async function rollbackCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  const signals = stopOnSignals(io);
  let code: number | undefined;
  try {
    code = await rollbackWithSignals(flags, io, signals.shouldStop);
    return code;
  } finally {
    signals.dispose(code);
  }
}

async function rollbackWithSignals(flags: Flags, io: CliIO, shouldStop: () => boolean): Promise<number> {
  const exec: Executor = makeExecutor(flags, io);
  const store = new JournalStore(stateDir(flags, io));
  let picked = pickRun(store, flags, exec.targetId);
  if (needsReconcile(picked)) {
    const from = picked;
    const r = await engineErrors(io, () => reconcileRun(from, store, exec, io, reporter(flags, io)));
    if (typeof r === 'number') return r;
    picked = r;
  }
  const run = picked;
  const base = await engineErrors(io, async () => rollbackPlan(run, flags.to));
  if (typeof base === 'number') return base;
  if (base.steps.length === 0) {
    io.err(`zsplit: run ${run.runId} changed nothing that needs undoing\n`);
    return EXIT.ok;
  }
  io.out(renderText(base));
  const byHand = flags.to ? [] : manualUndoSteps(run.header.plan, (id) => run.results.get(id)?.status);
  // From here the run being undone is held only by the replan, which lets it go once it has read it.
  const undone = { runId: run.runId, path: run.path };
  return undoRun(flags, io, shouldStop, { exec, store, base, byHand, undone, replan: replanOnce(run, base, Boolean(flags.force)) });
}

/** Approval, then the rollback run. */
async function undoRun(
  flags: Flags,
  io: CliIO,
  shouldStop: () => boolean,
  a: { exec: Executor; store: JournalStore; base: Plan; byHand: Step[]; undone: { runId: string; path: string }; replan: (o: Observed) => Plan },
): Promise<number> {
  const { exec, store, base, byHand, undone, replan } = a;
  if (byHand.length) io.out(manualUndoText(byHand));
  if (!flags.yes && !flags.step) {
    if (!io.isTTY) throw new UsageError('the rollback above needs approval and there is no terminal: pass --yes to apply it', '--yes');
  }
  const ctx = { domains: base.answers.domains, rehearsal: exec.rehearsal };
  if (!(await typedApproval(io, flags, { ...ctx, what: 'rollback' }))) return EXIT.refused;
  const r = await engineErrors(io, () =>
    applyPlan(base, {
      zmprov: new Zmprov(exec),
      exec,
      store,
      version: VERSION,
      kind: 'rollback',
      of: undone.runId,
      onEvent: reporter(flags, io),
      confirm: flags.step ? lineConfirm(io, ctx) : undefined,
      reloadAfterFailure: true,
      shouldStop,
      replan,
    }),
  );
  if (typeof r === 'number') return r;
  finishRollback(undone, r, flags.to);
  const code = report(r, io, false);
  if (byHand.length) io.out(`  Undo by hand too, if you did them: ${byHand.map((s) => s.title).join('; ')} (listed above, in order).\n`);
  return code;
}

/** `zsplit abandon [--run ID] --yes`: a stopped run is recorded as abandoned and no longer offered for resume. */
export async function abandonCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  nonEmpty(flags, 'run');
  const dir = stateDir(flags, io);
  const store = new JournalStore(dir);
  let runId = flags.run;
  if (runId === undefined) {
    const exec = makeExecutor(flags, io);
    runId = store.resumable(exec.targetId).at(-1)?.runId;
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
    if (r.inFlight.length) io.out(`    in flight when it stopped: ${inFlightText(r.inFlight)}\n`);
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
