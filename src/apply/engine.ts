/**
 * The apply engine: probe -> decide -> (confirm) -> act -> verify -> record, for any plan
 * (an apply, a resume or a rollback). When the executor can hold a session, the probe, every
 * change and every verification go through ONE `zmprov -l` kept open on stdin (one JVM start for
 * the whole run); otherwise bulk work goes through one `zmprov -f` batch per phase. A plan that
 * deletes accounts (a rollback) always uses the batches: `-l da` would ask for confirmation on
 * stdin. MTA reloads are collected and run once. It emits events; it never renders.
 */
import type { Executor, ZimbraTool } from '../exec/types.js';
import type { Zmprov } from '../exec/zmprov.js';
import { ZmprovError } from '../exec/zmprov.js';
import type { BatchResult } from '../zimbra/parse.js';
import type { EndStatus, JournalRecord, JournalStore, RunInfo, StepStatus } from '../journal/journal.js';
import { HOST, Journal, JournalWriteError, now, operator, redactArgv, redactPlan } from '../journal/journal.js';
import { TargetLock } from '../journal/lock.js';
import { processStart, waitForOrphans } from '../journal/orphan.js';
import { listCheckAddresses, plan, planHash, PlanRefused, probeRequests } from '../plan/index.js';
import type { Observed } from '../plan/observed.js';
import { observedValues } from '../plan/observed.js';
import type { Before, Plan, Step } from '../plan/step.js';
import { isSatisfied, showValues } from '../plan/step.js';
import type { Outcome } from '../plan/outcome.js';
import { outcomeOf } from '../plan/outcome.js';
import { entryKey } from '../zimbra/commands.js';
import { confirmGroups } from '../plan/readback.js';
import { checkSavedPlan, StalePlan } from './saved.js';
import { pushAll } from '../model/arrays.js';

export { StalePlan };

export type Decision = 'yes' | 'skip' | 'all' | 'rollback' | 'quit';

export interface Question {
  kind: 'step' | 'group' | 'reload-after-failure';
  steps: Step[];
  /** Position of the first step in the plan (1-based) and the plan length. */
  index: number;
  total: number;
}

export type EngineEvent =
  | { type: 'phase'; phase: 'lock' | 'probe' | 'plan' | 'apply' | 'verify' | 'reload' | 'done'; message: string }
  | { type: 'step'; step: Step; index: number; status: StepStatus; before?: Before; after?: Before; error?: string; output?: string; carried?: boolean; recovered?: boolean }
  | { type: 'batch'; kind: 'change' | 'verify' | 'probe'; lines: number }
  | { type: 'stale-lock'; pid: number; host: string; started: string }
  | { type: 'truncated-journal'; line: string };

export interface Summary {
  runId: string;
  status: 'completed' | 'failed' | 'stopped' | 'rollback-requested';
  counts: Record<StepStatus, number>;
  /** Failed steps with zmprov's own error text. */
  failures: { step: Step; error: string }[];
  /** Manual steps due now: the Zimbra steps they depend on are in place (outcome.manualHeld: the others). */
  manual: Step[];
  /** Counts, skipped steps, manual steps due and held: see src/plan/outcome.ts. */
  outcome: Outcome;
  /** MTA-level changes were applied but no reload ran (after a failure). */
  reloadPending: boolean;
  zmprovStarts: number;
  journal: string;
  /** Accounts whose status changed through LDAP (-l): mailboxd's cache was flushed for them (`zmprov fc -a account`). */
  cacheFlush?: { accounts: number; ok: boolean; error?: string };
}

export interface EngineOptions {
  zmprov: Zmprov;
  exec: Executor;
  store: JournalStore;
  version: string;
  /** Asked before each change (step mode). Without it, every change is applied (--yes). */
  confirm?: (q: Question) => Promise<Decision>;
  onEvent?: (e: EngineEvent) => void;
  /** Polled between steps: Ctrl+C once. */
  shouldStop?: () => boolean;
  /** Re-plans against what the probe found: the plan that is applied. */
  replan: (observed: Observed) => Plan;
  /** The plan was saved earlier: refuse if a before-value it recorded changed. */
  checkStale?: boolean;
  /** Read the domain's accounts too (unsplit checks who is still routed to the peer). */
  listAccounts?: boolean;
  kind?: 'apply' | 'rollback';
  of?: string;
  /** Continue this interrupted run (same journal). */
  resume?: RunInfo;
  /** After a failure, run the pending MTA reload without asking (headless --yes). */
  reloadAfterFailure?: boolean;
  /**
   * With `resume`: send no change; only learn what the interrupted run really did (steps in flight,
   * or without a readable record in a damaged journal, that are found done are recorded as
   * applied), so that a rollback undoes exactly that. Ends the run as stopped.
   */
  reconcileOnly?: boolean;
  /** How long a resumed run waits for the interrupted run's zmprov (default 2 min). */
  orphanWaitMs?: number;
}

const DONE: StepStatus[] = ['applied', 'unchanged', 'skipped', 'not-applicable', 'manual'];

export async function applyPlan(input: Plan, o: EngineOptions): Promise<Summary> {
  const emit = (e: EngineEvent) => o.onEvent?.(e);
  const lock = new TargetLock(o.store.stateDir, o.exec.targetId);
  const runId = o.resume?.runId ?? o.store.newRunId(o.kind ?? 'apply');
  lock.acquire({ runId, operator: operator() });
  if (lock.staleHolder) emit({ type: 'stale-lock', ...lock.staleHolder });
  const journal = o.resume ? new Journal(o.resume.path) : o.store.open(runId);
  let opened = false;
  try {
    if (o.resume) {
      if (o.resume.truncated) emit({ type: 'truncated-journal', line: o.resume.truncated });
      if (o.resume.corrupt.length)
        emit({ type: 'phase', phase: 'probe', message: `the journal has ${o.resume.corrupt.length} unreadable line(s) (line ${o.resume.corrupt.slice(0, 10).join(', ')}${o.resume.corrupt.length > 10 ? ', ...' : ''}): every step without a readable record is re-probed` });
      // A zmprov the killed run started may still be running the lines it was sent: it ends first (bounded).
      await waitForOrphans(o.resume.procs, o.orphanWaitMs ?? 120_000, (pids) =>
        emit({ type: 'phase', phase: 'probe', message: `waiting for pid ${pids.join(', ')} of the interrupted run to finish its zmprov lines` }),
      );
    }
    emit({ type: 'phase', phase: 'probe', message: 'Reading current values' });
    const reqs = probeRequests(input.steps, input.answers, input.job);
    if (hasDelete(input)) await o.zmprov.discard();
    else if (o.exec.openSession) {
      // Opened here, or earlier by the caller (its JVM started while the caller planned): used either way, ended here.
      opened = await o.zmprov.begin();
      if (!opened && o.zmprov.sessionFailure) emit({ type: 'phase', phase: 'probe', message: `zmprov session unavailable (${o.zmprov.sessionFailure}): using zmprov -f batches` });
    }
    const sessionPid = o.zmprov.sessionPid;
    emit({ type: 'batch', kind: 'probe', lines: reqs.length });
    // Peer addresses may be Zimbra distribution lists, which the planner refuses.
    // The listing first, when there is one: the probe answers those domains' accounts from it.
    const accounts = o.listAccounts ? await o.zmprov.listDomains(input.answers.domains) : undefined;
    const observed = await o.zmprov.probe(reqs, { listCandidates: listCheckAddresses(input.job, input.answers), listed: accounts && { domains: input.answers.domains, accounts } });
    if (accounts) observed.accounts = accounts;
    // A server zsplit would change must exist: an unknown --zimbra-host is refused before any change.
    const noServer = [...new Set(input.steps.filter((s) => s.kind === 'zmprov' && s.entry?.kind === 'server' && observed.entries[entryKey(s.entry)] === null).map((s) => s.entry!.name))];
    if (noServer.length && !o.reconcileOnly)
      throw new StalePlan([], `--zimbra-host: no such server on this Zimbra: ${noServer.join(', ')} (zmprov gas lists the servers). Nothing was applied.`);
    // A secondary's peer steps name every Zimbra recipient: distribution lists and calendar resources too.
    if (o.listAccounts && input.job === 'setup' && input.answers.role === 'secondary')
      for (const d of input.answers.domains) {
        const r = await o.zmprov.listListsAndResources(d);
        pushAll((observed.lists ??= []), r.lists);
        pushAll((observed.resources ??= []), r.resources);
      }
    emit({ type: 'phase', phase: 'plan', message: 'Planning against the current values' });
    const p = o.replan(observed);
    if (o.checkStale) checkSavedPlan(input, p, input.observed === false ? plan(input.job, input.answers) : undefined);
    const records: JournalRecord[] = [];
    if (!o.resume)
      records.push({
        t: 'run',
        runId,
        kind: o.kind ?? 'apply',
        of: o.of,
        job: p.job,
        target: o.exec.targetId,
        executor: o.exec.label,
        planHash: planHash(p),
        operator: operator(),
        host: HOST,
        version: o.version,
        time: now(),
        plan: redactPlan(p),
      });
    // The session's process, for a resumed run to wait for (it finishes its line, then sees end of input).
    if (sessionPid !== undefined) records.push({ t: 'spawn', steps: [], pid: sessionPid, time: now(), start: processStart(sessionPid) });
    // A new run's journal is created exclusively (never through a symlink or over another file).
    if (!o.resume) journal.create();
    try {
      journal.appendStreamed(records);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // Only a step longer than a string can do this (the plan itself is written in pieces):
      // refused before any change, and the journal this run began is removed (nothing to list or resume).
      if (!o.resume) journal.discard();
      throw new PlanRefused([`the plan cannot be journaled: one of its ${p.steps.length} steps is longer than the longest string V8 holds (2^29 characters)`]);
    }
    if (opened && hasDelete(p)) {
      await o.zmprov.end();
      opened = false;
    }
    return await new Run(p, observed, o, journal, runId, emit).execute();
  } finally {
    if (opened) await o.zmprov.end().catch(() => undefined);
    journal.close();
    lock.release();
  }
}

/** Appends, returning the journal's write error instead of throwing it. */
function tryAppend(journal: Journal, record: JournalRecord): JournalWriteError | undefined {
  try {
    journal.append(record);
    return undefined;
  } catch (e) {
    if (e instanceof JournalWriteError) return e;
    throw e;
  }
}

/** `da` in a session would be `-l da`: a confirmation prompt on stdin, and only the LDAP entry deleted. */
export function hasDelete(p: Plan): boolean {
  return p.steps.some((s) => s.change?.op === 'delete');
}

/** A change of an existing account's status, which mailboxd caches (zimbra.md §1.3). */
function changesCachedStatus(s: Step): boolean {
  if (s.entry?.kind !== 'account' || s.change?.op !== 'set') return false;
  const attr = s.change.attr;
  return attr === 'zimbraAccountStatus' || attr.toLowerCase() === 'zimbraaccountstatus';
}

interface ReloadOutcome {
  exitCode: number;
  output: string;
  /** The command that failed. */
  failed?: string[];
}

class Run {
  private readonly status = new Map<string, StepStatus>();
  private readonly befores = new Map<string, Before>();
  private readonly failures: { step: Step; error: string }[] = [];
  private allMode: boolean;
  private reloadNeeded = false;
  private pending: Step[] = [];
  private readonly index: Map<string, number>;
  /** Result records and their events held back so that one write and one fsync carries a whole batch's results. */
  private deferred: { records: JournalRecord[]; events: EngineEvent[] } | undefined;
  /** Accounts whose status was changed through the -l session. */
  private readonly statusChanged = new Set<string>();
  private readonly plannedBefore = new Map<string, Before>();
  /** Lines of a batch never sent because a stop was asked for: their intents stay without a result (a resume re-probes them). */
  private unsent = 0;
  /** The plan's last zmprov change: once it is verified, the session has served its purpose. */
  private lastChange: Step | undefined;

  constructor(
    private readonly p: Plan,
    private readonly observed: Observed,
    private readonly o: EngineOptions,
    private readonly journal: Journal,
    private readonly runId: string,
    private readonly emit: (e: EngineEvent) => void,
  ) {
    this.allMode = !o.confirm;
    this.index = new Map(p.steps.map((s, i) => [s.id, i]));
    for (let i = p.steps.length - 1; i >= 0 && !this.lastChange; i--) if (p.steps[i].kind === 'zmprov') this.lastChange = p.steps[i];
    for (const s of o.resume?.header.plan.steps ?? []) if (s.before !== undefined) this.plannedBefore.set(s.id, s.before);
  }

  private record(step: Step, status: StepStatus, extra: Omit<Extract<JournalRecord, { t: 'result' }>, 't' | 'step' | 'status' | 'time'> = {}, carried = false): void {
    this.status.set(step.id, status);
    if (status === 'applied' && step.reload) this.reloadNeeded = true;
    const event: EngineEvent = { type: 'step', step, index: this.index.get(step.id)!, status, before: extra.before, after: extra.after, error: extra.error, output: extra.output, carried, recovered: extra.recovered };
    if (status === 'failed') this.failures.push({ step, error: extra.error ?? 'failed' });
    if (this.deferred && !carried) {
      this.deferred.records.push(Object.assign({ t: 'result' as const, step: step.id, status }, extra, { time: now() }));
      this.deferred.events.push(event);
      return;
    }
    if (!carried) this.journal.append(Object.assign({ t: 'result' as const, step: step.id, status }, extra, { time: now() }));
    this.emit(event);
  }

  /** Journals the held-back results (one write, one fsync: still one result record per line), then reports them. */
  private commitDeferred(): void {
    const d = this.deferred;
    this.deferred = undefined;
    if (!d) return;
    this.journal.appendAll(d.records);
    for (const e of d.events) this.emit(e);
  }

  /**
   * The before-value an earlier attempt of this run announced for `step`. In a journal with
   * unreadable lines a step without a readable intent may still have been sent: the value the
   * run planned against stands in, so a change found done is recorded as applied, not unchanged.
   */
  private announced(step: Step): Before | undefined {
    const r = this.o.resume;
    if (!r) return undefined;
    const a = r.intents.get(step.id);
    if (a !== undefined || !r.uncertain) return a;
    return this.plannedBefore.get(step.id);
  }

  private beforeOf(step: Step): Before {
    return observedValues(this.observed, step.entry!, step.probe!.attr) ?? null;
  }

  async execute(): Promise<Summary> {
    const steps = this.p.steps;
    let outcome: Summary['status'] = 'completed';
    const resume = this.o.resume;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const prev = resume?.results.get(s.id);
      if (prev && DONE.includes(prev.status)) {
        this.befores.set(s.id, resume!.intents.get(s.id) ?? prev.before ?? null);
        this.record(s, prev.status, { before: prev.before, after: prev.after }, true);
        continue;
      }
      if (this.o.shouldStop?.()) {
        outcome = 'stopped';
        break;
      }
      if (this.o.reconcileOnly && s.kind !== 'zmprov') continue;
      if (s.kind === 'manual') {
        if (!(await this.flush())) return this.finish('failed');
        this.record(s, 'manual');
        continue;
      }
      if (s.kind === 'reload') {
        // The flush may have run the reload already, alongside its verification.
        if (!(await this.flush(s))) return this.finish('failed');
        if (!this.status.has(s.id)) await this.reload(s);
        continue;
      }
      const before = this.beforeOf(s);
      const announced = this.announced(s);
      if (this.o.reconcileOnly) {
        if (announced !== undefined && isSatisfied(s.change!, before) && !isSatisfied(s.change!, announced)) this.record(s, 'applied', { before: announced, after: before, recovered: true });
        continue;
      }
      const original = announced !== undefined ? announced : before;
      this.befores.set(s.id, original);
      if (isSatisfied(s.change!, before)) {
        // In flight when the last run died and found done now: it happened; keep its true before-value.
        if (announced !== undefined && !isSatisfied(s.change!, announced)) this.record(s, 'applied', { before: announced, after: before, recovered: true });
        else this.record(s, 'unchanged', { before, after: before });
        continue;
      }
      if (s.onlyIf && !(before && s.onlyIf.includes(before[0]))) {
        this.record(s, 'not-applicable', { before, error: `only when ${s.probe!.attr} is ${s.onlyIf.join(' or ')}` });
        continue;
      }
      if (s.requires?.length) {
        if (s.requires.some((r) => this.pending.some((x) => x.id === r)) && !(await this.flush())) return this.finish('failed');
        const missing = s.requires.filter((r) => !['applied', 'unchanged'].includes(this.status.get(r) ?? ''));
        if (missing.length) {
          this.record(s, 'skipped', { before, error: `requires ${missing.join(', ')}` });
          continue;
        }
      }
      let group = [s];
      if (s.bulk) {
        let j = i;
        while (j + 1 < steps.length && steps[j + 1].bulk === s.bulk && !resume?.results.has(steps[j + 1].id)) j++;
        group = steps.slice(i, j + 1);
      }
      const decision = this.allMode ? 'yes' : await this.o.confirm!({ kind: group.length > 1 ? 'group' : 'step', steps: group, index: i + 1, total: steps.length });
      if (decision === 'quit') {
        outcome = 'stopped';
        break;
      }
      if (decision === 'rollback') {
        outcome = 'rollback-requested';
        break;
      }
      if (decision === 'skip') {
        for (const g of group) this.record(g, 'skipped', { before: g === s ? before : undefined });
        i += group.length - 1;
        continue;
      }
      if (decision === 'all') this.allMode = true;
      if (group.length > 1) {
        // Decide each member of the group the same way as a single step.
        for (const g of group) this.decideMember(g);
        i += group.length - 1;
      } else this.pending.push(s);
      if (!this.allMode && !(await this.flush())) return this.finish('failed');
    }
    if (outcome === 'completed' && !(await this.flush())) return this.finish('failed');
    return this.finish(outcome);
  }

  private decideMember(g: Step): void {
    const before = this.beforeOf(g);
    const announced = this.announced(g);
    this.befores.set(g.id, announced !== undefined ? announced : before);
    if (isSatisfied(g.change!, before)) {
      if (announced !== undefined && !isSatisfied(g.change!, announced)) this.record(g, 'applied', { before: announced, after: before, recovered: true });
      else this.record(g, 'unchanged', { before, after: before });
    } else if (g.onlyIf && !(before && g.onlyIf.includes(before[0]))) this.record(g, 'not-applicable', { before });
    else this.pending.push(g);
  }

  /**
   * Runs the pending changes as one batch, then verifies them with one probe batch. `reloadNext`:
   * the MTA reload that follows them, run while they are read back when every line was applied
   * without error (it needs the changes made, not read back) and a failure would not ask first
   * whether to reload (an unattended run reloads after a failure anyway).
   */
  private async flush(reloadNext?: Step): Promise<boolean> {
    const steps = this.pending;
    this.pending = [];
    if (steps.length === 0) return true;
    const time = now();
    this.journal.appendAll(steps.map((s) => ({ t: 'intent' as const, step: s.id, before: this.befores.get(s.id) ?? null, time })));
    this.emit({ type: 'phase', phase: 'apply', message: `Applying ${steps.length} change(s)` });
    this.emit({ type: 'batch', kind: 'change', lines: steps.length });
    // Changes through the session run under -l: mailboxd's caches are not told (see flushCache).
    const viaSession = this.o.zmprov.inLdapSession;
    let res;
    try {
      res = await this.o.zmprov.batch(
        steps.map((s) => s.argv!),
        // The spawn record only helps a later resume wait for the process: a failed write of it is
        // found at the next result record, after the batch (whose intents are durable) ends.
        { onSpawn: (pid) => void tryAppend(this.journal, { t: 'spawn', steps: steps.map((s) => s.id), pid, time: now(), start: processStart(pid) }), shouldStop: this.o.shouldStop },
      );
    } catch (e) {
      for (const s of steps) this.record(s, 'failed', { before: this.befores.get(s.id), error: `could not run zmprov: ${(e as Error).message}` });
      return false;
    }
    // The read-back line goes out first, then the reload starts.
    const verifying = this.verify(steps, res, viaSession);
    const reloadsAnyway = !this.o.confirm || this.o.reloadAfterFailure;
    const mtaChanged = res.lines.every((l) => l.status === 'ok') && (this.reloadNeeded || steps.some((s) => s.reload));
    const reloading = reloadNext && reloadsAnyway && mtaChanged ? this.startReload(reloadNext) : undefined;
    let ok: boolean;
    try {
      ok = await verifying;
    } catch (e) {
      // The journal failed while the results were recorded: the reload already under way ends first.
      if (reloading) await reloading;
      throw e;
    }
    if (reloading) await this.reload(reloadNext!, reloading);
    return ok;
  }

  /** Reads the changed values back (one probe batch) and records each step's result. */
  private async verify(steps: Step[], res: BatchResult & { stopped?: boolean }, viaSession: boolean): Promise<boolean> {
    this.emit({ type: 'phase', phase: 'verify', message: `Verifying ${steps.length} change(s)` });
    // Accounts that took the same values in bulk are named by one search each (never costlier
    // than the listing the probe would read); the rest are read back value by value.
    let confirmed: Observed['entries'] = {};
    try {
      confirmed = await this.o.zmprov.confirm(confirmGroups(steps));
    } catch {
      confirmed = {};
    }
    const reqs = new Map<string, { entry: Step['entry'] & object; attrs: string[] }>();
    for (const s of steps) {
      const k = entryKey(s.entry!);
      if (confirmed[k]) continue;
      const r = reqs.get(k) ?? { entry: s.entry!, attrs: [] };
      if (!r.attrs.includes(s.probe!.attr)) r.attrs.push(s.probe!.attr);
      reqs.set(k, r);
    }
    this.emit({ type: 'batch', kind: 'verify', lines: reqs.size });
    let after: Observed;
    try {
      after = await this.o.zmprov.probe([...reqs.values()]);
      Object.assign(after.entries, confirmed);
      // Nothing later needs the session (a cache flush is a process of its own): it ends while the results are recorded.
      if (steps.includes(this.lastChange!)) void this.o.zmprov.end().catch(() => undefined);
    } catch (e) {
      const msg = e instanceof ZmprovError ? e.message : String(e);
      for (const s of steps) this.record(s, 'failed', { before: this.befores.get(s.id), error: `applied, but verification could not read it back: ${msg}` });
      return false;
    }
    let ok = true;
    this.deferred = { records: [], events: [] };
    steps.forEach((s, i) => {
      const line = res.lines[i];
      if (line.status === 'not-run' && res.stopped) {
        this.unsent++;
        return;
      }
      if (viaSession && line.status === 'ok' && changesCachedStatus(s)) this.statusChanged.add(s.entry!.name);
      const afterValues = observedValues(after, s.entry!, s.probe!.attr) ?? null;
      const verified = isSatisfied(s.change!, afterValues);
      const output = line.output || undefined;
      const base = { before: this.befores.get(s.id), after: afterValues, exitCode: res.exitCode, output };
      if (line.status === 'ok' && verified) this.record(s, 'applied', base);
      else {
        ok = false;
        const error =
          line.status === 'error'
            ? line.error!.text
            : line.status === 'not-run'
              ? `not run: the batch stopped early${res.trailer ? ` (${res.trailer.split('\n')[0]})` : ''}`
              : line.status !== 'ok'
                ? `${line.status}: ${line.output.split('\n')[0]}`
                : `verification failed: ${s.probe!.attr} is ${showValues(afterValues)}, expected ${s.desired}`;
        this.record(s, 'failed', { ...base, error: `line ${i + 1} (${redactArgv(s.argv!).join(' ')}): ${error}` });
      }
    });
    this.commitDeferred();
    return ok;
  }

  /** Runs the reload (`running`: already started), or records that nothing needed it. */
  private async reload(s: Step, running?: Promise<ReloadOutcome>): Promise<void> {
    if (!running && !this.reloadNeeded) {
      this.record(s, 'unchanged', { error: 'no MTA-level change was applied' });
      return;
    }
    const r = await (running ?? this.startReload(s));
    if (r.failed) this.record(s, 'failed', { exitCode: r.exitCode, output: r.output, error: `${r.failed.join(' ')} exited ${r.exitCode}` });
    else {
      this.reloadNeeded = false;
      this.record(s, 'applied', { output: r.output.trim().slice(-2000) });
    }
  }

  /**
   * Journals the reload's intent and runs its commands, stopping at the first that fails; recorded
   * by reload(). Never rejects (it may run unawaited for a while, alongside a verification).
   */
  private async startReload(s: Step): Promise<ReloadOutcome> {
    this.emit({ type: 'phase', phase: 'reload', message: s.title });
    const journaled = tryAppend(this.journal, { t: 'intent', step: s.id, before: null, time: now() });
    if (journaled) return { exitCode: 1, output: `${journaled.message}\n`, failed: ['(not run: the journal cannot be written)'] };
    let output = '';
    for (const argv of s.reloadArgv!) {
      const r = await this.o.exec.run(argv[0] as ZimbraTool, argv.slice(1), { merge: true }).catch((e: Error) => ({ exitCode: 127, combined: `${e.message}\n` }));
      output += r.combined;
      if (r.exitCode !== 0) return { exitCode: r.exitCode, output, failed: argv };
    }
    return { exitCode: 0, output };
  }

  /** One SOAP `zmprov fc -a account NAME...` for the accounts whose status changed through LDAP. */
  private async flushCache(): Promise<Summary['cacheFlush']> {
    const names = [...this.statusChanged];
    if (names.length === 0) return undefined;
    this.emit({ type: 'phase', phase: 'apply', message: `Flushing mailboxd's cache of ${names.length} account(s) changed through LDAP (zmprov fc -a account ...)` });
    const r = await this.o.zmprov.flushAccountCache(names).catch((e: Error) => ({ ok: false, error: e.message }));
    if (!r.ok)
      this.emit({
        type: 'phase',
        phase: 'apply',
        message: `the cache flush failed (${r.error}); mailboxd sees the new status when its account cache expires, or run: zmprov fc -a account ${names.slice(0, 3).join(' ')}${names.length > 3 ? ' ...' : ''}`,
      });
    return { accounts: names.length, ok: r.ok, error: r.error };
  }

  private async finish(outcome: Summary['status']): Promise<Summary> {
    if (this.o.reconcileOnly || (this.unsent > 0 && outcome === 'completed')) outcome = 'stopped';
    const cacheFlush = await this.flushCache();
    if (this.reloadNeeded && outcome === 'failed') {
      const reload = this.p.steps.find((s) => s.kind === 'reload');
      const ask = this.o.confirm && !this.o.reloadAfterFailure ? await this.o.confirm({ kind: 'reload-after-failure', steps: reload ? [reload] : [], index: 0, total: this.p.steps.length }) : 'yes';
      if (reload && (ask === 'yes' || ask === 'all')) await this.reload(reload);
    }
    // One reading of the results for every screen and command (src/plan/outcome.ts).
    const result = outcomeOf(this.p.steps, (id) => this.status.get(id));
    const counts = result.counts;
    // A reconciliation keeps how the run had ended (a completed run with a damaged journal stays completed).
    const prior = this.o.resume?.status;
    const end: EndStatus = this.o.reconcileOnly && prior && prior !== 'interrupted' ? prior : outcome === 'rollback-requested' ? 'stopped' : outcome;
    this.journal.append({ t: 'end', status: end, time: now(), summary: counts });
    this.emit({ type: 'phase', phase: 'done', message: outcome });
    return {
      runId: this.runId,
      status: outcome,
      counts,
      failures: this.failures,
      manual: result.manualDue.map((m) => m.step),
      outcome: result,
      reloadPending: this.reloadNeeded,
      zmprovStarts: this.o.zmprov.stats.starts,
      journal: this.journal.path,
      ...(cacheFlush ? { cacheFlush } : {}),
    };
  }
}

