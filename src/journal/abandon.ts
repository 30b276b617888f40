/**
 * Abandoning a stopped run on purpose: an `end` record with status `abandoned`, so neither
 * `apply --resume` nor the wizard offers it again. Its applied changes stay as they are (a
 * rollback of the run remains possible); nothing is sent to Zimbra.
 */
import type { RunInfo } from './journal.js';
import { Journal, JournalStore, now, operator } from './journal.js';
import { LockHeld, TargetLock } from './lock.js';

export class AbandonRefused extends Error {}

/** Records that `runId` will not be resumed. Refuses a finished run and a run another live process holds. */
export function abandonRun(stateDir: string, runId: string, reason?: string): RunInfo {
  const store = new JournalStore(stateDir);
  let run: RunInfo | undefined;
  try {
    run = store.run(runId);
  } catch (e) {
    throw new AbandonRefused((e as Error).message);
  }
  if (!run) throw new AbandonRefused(`no run ${runId} in ${store.runsDir}`);
  if (run.status === 'completed' || run.status === 'rolled-back' || run.status === 'abandoned')
    throw new AbandonRefused(`run ${runId} is ${run.status}: only a stopped, failed or interrupted run can be abandoned`);
  // The target's lock: a live process running this (or another) run on the target refuses; a stale one is taken over.
  const lock = new TargetLock(stateDir, run.header.target);
  try {
    lock.acquire({ runId, operator: operator() });
  } catch (e) {
    if (e instanceof LockHeld) throw new AbandonRefused(`run ${runId} cannot be abandoned now: ${e.message}`);
    throw e;
  }
  try {
    const journal = new Journal(run.path);
    try {
      // eslint-disable-next-line no-control-regex
      const clean = reason?.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 500);
      journal.append({ t: 'end', status: 'abandoned', ...(clean ? { reason: clean } : {}), operator: operator(), time: now() });
    } finally {
      journal.close();
    }
  } finally {
    lock.release();
  }
  return store.run(runId)!;
}
