/**
 * Waiting for events in tests without betting on the machine's speed: each wait ends on the event
 * itself, or fails after a generous bound with a message naming what never happened.
 */
import type { ChildProcess } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child's end, also when it has already ended: Node emits 'exit' once, so a listener added after
 * it would wait forever (a kill that lands after the child finished on its own).
 */
export function exitOf(child: ChildProcess, what = `pid ${child.pid}`, ms = 60_000): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not exit within ${ms} ms`)), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Not yet: what a condition answers while the event has not happened. */
type NotYet = undefined | null | false;

/**
 * Polls `ready` (sync or async) until it answers something other than undefined/null/false, and
 * returns that answer; fails naming `what` after `ms`. An async condition is awaited before the
 * next poll (a connection attempt, a file read), so polls never overlap.
 */
export async function waitFor<T>(ready: () => T | NotYet | Promise<T | NotYet>, what: string, ms = 30_000, everyMs = 10): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await ready();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether a process with this pid exists (signal 0 delivers nothing, only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
