/**
 * Processes a run left behind (its zmprov session or batch): a resumed or rolled-back run waits
 * for them, bounded, and only while the pid still is that process (a recycled pid is not waited for).
 */
import { readFileSync } from 'node:fs';
import { pidAlive } from './lock.js';

/** The kernel's start time of `pid` (clock ticks since boot, /proc/PID/stat field 22), where /proc exists. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** `pid` is alive and is the process that was journaled (same start time when one was recorded). */
export function sameProcess(pid: number, start?: string): boolean {
  if (!pidAlive(pid)) return false;
  if (start === undefined) return true;
  const now = processStart(pid);
  return now === undefined || now === start;
}

export class OrphanRunning extends Error {
  constructor(readonly pids: number[], waitedMs: number) {
    super(
      `process(es) ${pids.join(', ')} of the interrupted run (its zmprov) still run after ${Math.round(waitedMs / 1000)} s; ` +
        `they may still be changing Zimbra. Wait for them to end (or stop them: kill ${pids.join(' ')}), then try again.`,
    );
  }
}

/** Waits until every journaled process has ended (or is no longer that process); throws OrphanRunning after `timeoutMs`. */
export async function waitForOrphans(procs: { pid: number; start?: string }[], timeoutMs: number, onWait?: (pids: number[]) => void): Promise<void> {
  const t0 = Date.now();
  let told = false;
  for (;;) {
    const alive = procs.filter((p) => p.pid !== process.pid && sameProcess(p.pid, p.start)).map((p) => p.pid);
    if (alive.length === 0) return;
    if (!told) onWait?.(alive), (told = true);
    if (Date.now() - t0 >= timeoutMs) throw new OrphanRunning(alive, Date.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
}
