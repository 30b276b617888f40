/** Text the wizard shows for engine events, runs and summaries (plain ASCII, no colour). */
import type { EngineEvent, Summary } from '../apply/engine.js';
import type { RunInfo, StepStatus } from '../journal/journal.js';
import { showValues } from '../plan/step.js';
import type { RunBrief } from './state.js';

export const STATUS_MARK: Record<StepStatus, string> = {
  applied: 'APPLIED',
  unchanged: 'ok',
  skipped: 'SKIPPED',
  'not-applicable': 'n/a',
  failed: 'FAILED',
  manual: 'MANUAL',
};

/** One line per finished step: `APPLIED   Placeholder for x (locked)  [(no such entry) -> locked]`. */
export function stepLine(e: Extract<EngineEvent, { type: 'step' }>): string {
  const mark = e.carried ? 'earlier' : STATUS_MARK[e.status];
  const change = e.status === 'applied' && e.before !== undefined ? `  [${showValues(e.before)} -> ${showValues(e.after)}]` : '';
  const extra = e.recovered ? ' (found done after the interruption)' : '';
  return `${mark.padEnd(8)} ${e.step.title}${change}${extra}`;
}

/** At most this many step lines per block of the log; the journal holds every line. */
export const LOG_BLOCK_MAX = 60;

/** Lines of one block of the log: failures always, other steps up to LOG_BLOCK_MAX, then a count. */
export function logBlock(events: Extract<EngineEvent, { type: 'step' }>[]): string[] {
  const lines: string[] = [];
  let hidden = 0;
  const hiddenBy: Partial<Record<string, number>> = {};
  for (const e of events) {
    const important = e.status === 'failed' || e.status === 'manual';
    if (important || lines.length < LOG_BLOCK_MAX) {
      lines.push(stepLine(e));
      if (e.status === 'failed' && e.error) lines.push(`         ${e.error}`);
    } else {
      hidden++;
      const k = e.carried ? 'done earlier' : STATUS_MARK[e.status];
      hiddenBy[k] = (hiddenBy[k] ?? 0) + 1;
    }
  }
  if (hidden) lines.push(`         ... and ${hidden} more (${Object.entries(hiddenBy).map(([k, n]) => `${n} ${k}`).join(', ')}); the journal has every line`);
  return lines;
}

/** The same wording as the headless report (one function: src/plan/outcome.ts). */
export { countsText } from '../plan/outcome.js';

export function summaryTitle(s: Summary, kind: 'apply' | 'rollback'): string {
  const what = kind === 'rollback' ? 'Rollback' : 'Apply';
  switch (s.status) {
    case 'completed':
      return `${what} COMPLETED`;
    case 'failed':
      return `${what} FAILED`;
    case 'stopped':
      return `${what} STOPPED (the journal is saved; resume from the start screen)`;
    case 'rollback-requested':
      return `${what} stopped for a rollback`;
  }
}

/** `3s`, `2m 05s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** `[#######.......]` of `width` characters. */
export function bar(done: number, total: number, width: number): string {
  const w = Math.max(4, width);
  const filled = total > 0 ? Math.max(0, Math.min(w, Math.round((done / total) * w))) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(w - filled)}]`;
}

export function runBrief(r: RunInfo): RunBrief {
  // A cutover's plan is small and names its wave; other plans (a setup's: every account) are not read.
  const cut = r.header.job === 'cutover' ? cutoverOf(r) : undefined;
  let applied = 0;
  for (const v of r.results.values()) if (v.status === 'applied') applied++;
  return {
    runId: r.runId,
    kind: r.header.kind,
    job: r.header.job,
    status: r.status,
    time: r.header.time,
    domains: r.domains,
    applied,
    inFlight: r.inFlight,
    wave: cut?.wave,
    direction: cut?.direction,
    users: cut?.users,
    of: r.header.of,
  };
}

function cutoverOf(r: RunInfo) {
  try {
    return r.header.plan.answers.cutover;
  } catch {
    return undefined; // an unreadable plan: listed without its wave, refused when acted on
  }
}

/** `2026-11-22 14:55` from an ISO time. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/** Splits the engine's failure text `line 5 (ms ...): ERROR: ...` into zmprov's own text and the command. */
export function splitFailure(error: string): { text: string; command?: string } {
  const m = /^line \d+ \((.*?)\): ([\s\S]*)$/.exec(error);
  return m ? { text: m[2], command: m[1] } : { text: error };
}
