/**
 * Rollback planning from a run's journal: the inverse of every applied step, newest first,
 * restoring the exact before-value recorded in the journal. Pure over a RunInfo.
 */
import { changedAttr, entryKey, entryLabel } from '../zimbra/commands.js';
import { reloadStep } from '../plan/mta.js';
import type { Observed } from '../plan/observed.js';
import { observedValues } from '../plan/observed.js';
import type { Before, Plan, Step } from '../plan/step.js';
import { inverseChange, isSatisfied, showValues, zmprovStep } from '../plan/step.js';
import { stepValues } from '../plan/index.js';
import type { JournalStore, RunInfo } from './journal.js';

export class RollbackRefused extends Error {
  constructor(public readonly reasons: string[]) {
    super(reasons.join('\n'));
  }
}

/** Steps of `run` that changed something, in the order a rollback undoes them. */
export function appliedSteps(run: RunInfo, to?: string): { step: Step; before: Before; after: Before | undefined }[] {
  const steps = run.header.plan.steps;
  const applied = steps.filter((s) => s.kind === 'zmprov' && run.results.get(s.id)?.status === 'applied');
  if (to && !steps.some((s) => s.id === to)) throw new RollbackRefused([`--to ${to}: no such step in run ${run.runId}`]);
  const out: { step: Step; before: Before; after: Before | undefined }[] = [];
  for (const s of applied.reverse()) {
    const r = run.results.get(s.id)!;
    out.push({ step: s, before: run.intents.get(s.id) ?? r.before ?? null, after: r.after });
    if (to && s.id === to) break;
  }
  if (to && !out.some((x) => x.step.id === to)) throw new RollbackRefused([`--to ${to}: that step was not applied in run ${run.runId}`]);
  return out;
}

export function rollbackPlan(run: RunInfo, to?: string): Plan {
  const p = run.header.plan;
  const steps: Step[] = [];
  const undone = appliedSteps(run, to);
  // An entry the rollback deletes (zsplit created it) takes its attributes and aliases with it:
  // undoing them separately would verify against an entry that is gone.
  const deleted = new Set(undone.filter(({ step, before }) => inverseChange(step.change!, before)?.op === 'delete').map(({ step }) => entryKey(step.entry!)));
  for (const { step, before, after } of undone) {
    const inv = inverseChange(step.change!, before);
    if (!inv) continue;
    if (inv.op !== 'delete' && deleted.has(entryKey(step.entry!))) continue;
    const attr = changedAttr(step.change!, step.entry!.kind);
    const undo = zmprovStep(
      {
        id: `undo:${step.id}`,
        title: `Undo: ${step.title}`,
        why:
          inv.op === 'delete'
            ? step.entry!.kind === 'domain'
              ? `zsplit created ${step.entry!.name} in run ${run.runId}; deleted with zmprov dd.`
              : `zsplit created ${step.entry!.name} in run ${run.runId}; deleted in SOAP mode (mailbox included), never with -l da.`
            : `Restore ${attr} of ${entryLabel(step.entry!)} to ${showValues(before)}, as recorded before run ${run.runId}.`,
        requires: undefined,
      },
      step.entry!,
      inv,
    );
    // The preview shows the value the run left and the one restored, not a generic "(unset)".
    steps.push(after !== undefined ? { ...undo, ...stepValues(undo, after) } : undo);
  }
  if (steps.some((s) => s.reload)) steps.push(reloadStep(p.answers));
  return { schema: 1, job: p.job, answers: p.answers, steps, warnings: [], notes: [`Rollback of run ${run.runId} (${run.header.job}, ${run.header.time}).`], observed: false };
}

/**
 * The rollback plan against what the server holds now. Refuses (unless forced) when a value
 * changed since the run set it: undoing it would overwrite someone else's later change.
 */
export function rollbackReplan(run: RunInfo, base: Plan, observed: Observed, force = false): Plan {
  const originals = new Map(appliedSteps(run).map((x) => [`undo:${x.step.id}`, x]));
  const changed: string[] = [];
  const steps = base.steps.map((s) => {
    if (s.kind !== 'zmprov') return s;
    const now = observedValues(observed, s.entry!, s.probe!.attr) ?? null;
    const orig = originals.get(s.id);
    if (orig && orig.after !== undefined && !isSatisfied(s.change!, now) && !isSatisfied(orig.step.change!, now))
      changed.push(`${orig.step.id}: ${s.probe!.attr} is now ${showValues(now)}; run ${run.runId} left ${showValues(orig.after)}`);
    return { ...s, ...stepValues(s, now) };
  });
  if (changed.length && !force) throw new RollbackRefused([...changed, 'Something changed these values after the run. Check them, then roll back with --force to overwrite.']);
  return { ...base, steps, observed: true };
}

/**
 * The engine's replan for a rollback, which reads the run being undone once and then lets it go:
 * that run (its plan and results: 356 MB of heap at 100,000 accounts) is not held while its
 * changes are undone and verified, so a 300,000-account rollback fits in a 2 GB heap.
 */
export function replanOnce(run: RunInfo, base: Plan, force: boolean): (o: Observed) => Plan {
  let source: RunInfo | undefined = run;
  return (o) => {
    if (!source) throw new Error('a rollback is planned against the server once');
    const p = rollbackReplan(source, base, o, force);
    source = undefined;
    return p;
  };
}

/** The run a rollback undoes (by id), kept only by its replan and known otherwise by its path. */
export function undoingRun(store: JournalStore, runId: string, plan: Plan, force: boolean): { path: string; replan: (o: Observed) => Plan } | undefined {
  const run = store.run(runId);
  return run && { path: run.path, replan: replanOnce(run, plan, force) };
}
