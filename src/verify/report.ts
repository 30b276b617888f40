/** The pass/fail table of `zsplit verify`, as text or JSON. */
import { wrap } from '../flow/format.js';

/** `warn` and `info` never fail the run; `fail` does. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';

export interface Check {
  /** Short group name: `dns`, `mx`, `smtp`, `postmap`, `postconf`, `zmprov`, `flow`... */
  check: string;
  /** What was checked: a host, an address, a parameter. */
  target: string;
  status: CheckStatus;
  /** What was seen (one line). */
  detail: string;
  expected?: string;
  actual?: string;
  /** For fail and warn: why, in words, and what it means for mail. */
  reason?: string;
  durationMs?: number;
}

export interface VerifyReport {
  format: 'zsplit.verify/1';
  mode: 'pre' | 'post';
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: Check[];
  notes: string[];
}

export function makeReport(mode: 'pre' | 'post', checks: Check[], notes: string[] = []): VerifyReport {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, info: 0 };
  for (const c of checks) counts[c.status]++;
  return { format: 'zsplit.verify/1', mode, ok: counts.fail === 0, counts, checks, notes };
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'info' };

/** A fixed-width table: STATUS CHECK TARGET DETAIL, with the reason under each failure. */
export function renderReport(r: VerifyReport, width = 100): string {
  const w = Math.max(60, width);
  const checkW = Math.min(18, Math.max(5, ...r.checks.map((c) => c.check.length)));
  const targetW = Math.min(40, Math.max(6, ...r.checks.map((c) => c.target.length)));
  const head = `${'STATUS'.padEnd(7)}${'CHECK'.padEnd(checkW + 2)}${'TARGET'.padEnd(targetW + 2)}DETAIL`;
  const indent = ' '.repeat(7 + checkW + 2 + targetW + 2);
  const out: string[] = [head, '-'.repeat(Math.min(w, head.length + 20))];
  for (const c of r.checks) {
    const target = c.target.length > targetW ? `${c.target.slice(0, targetW - 1)}~` : c.target;
    const first = `${MARK[c.status].padEnd(7)}${c.check.padEnd(checkW + 2)}${target.padEnd(targetW + 2)}`;
    const room = w - first.length;
    const lines = room >= 20 ? wrap(c.detail, w, first, indent) : [first, ...wrap(c.detail, w, '    ', '    ')];
    out.push(...lines);
    if (c.target.length > targetW) out.push(`${' '.repeat(7 + checkW + 2)}(${c.target})`);
    if (c.reason && (c.status === 'fail' || c.status === 'warn')) out.push(...wrap(c.reason, w, `${' '.repeat(7)}why: `, ' '.repeat(12)));
  }
  const { pass, fail, warn } = r.counts;
  out.push('');
  for (const n of r.notes) out.push(...wrap(n, w, 'note: ', '      '));
  out.push(`verify --${r.mode}: ${fail === 0 ? 'OK' : 'FAILED'}: ${pass} passed, ${fail} failed, ${warn} warning(s)`);
  return `${out.join('\n')}\n`;
}
