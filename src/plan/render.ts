/**
 * Renderings of a plan: text (preview), sh (a change-approval script that runs as it
 * stands) and json. All are built from the argv that is executed, never re-parsed.
 */
import { shJoin, shQuote, zmprovLine } from '../zimbra/quote.js';
import { changeArgv } from '../zimbra/commands.js';
import type { Plan, Step } from './step.js';
import { showValues } from './step.js';

export type RunAs = 'zimbra' | 'current';

export const PLAN_SCHEMA = 'zsplit.plan/1';

export function zmprovShell(args: string[], runAs: RunAs, zmprov = 'zmprov'): string {
  const cmd = shJoin([zmprov, ...args]);
  return runAs === 'zimbra' ? `su - zimbra -c ${shQuote(cmd)}` : cmd;
}

export function stepCommand(step: Step, runAs: RunAs = 'current'): string {
  if (step.kind === 'zmprov') return zmprovShell(step.argv!, runAs);
  if (step.kind === 'reload') return step.reloadArgv!.map((a) => (runAs === 'zimbra' ? `su - zimbra -c ${shQuote(shJoin(a))}` : shJoin(a))).join('; ');
  return step.manual!.commands.join('\n');
}

export function rollbackText(step: Step, runAs: RunAs = 'current'): string {
  if (step.kind === 'manual') return '(manual: undo by hand on ' + step.manual!.system + ')';
  if (step.kind === 'reload') return 'reload again after the rollback';
  if (step.inverse === null && step.before === null && step.change?.op !== 'create') return '(undone with the account zsplit creates)';
  if (step.inverse === null) return '(nothing to undo: already as desired)';
  if (step.inverse === undefined) {
    if (step.change?.op === 'create') return zmprovShell(changeArgv(step.entry!, { op: 'delete' }), runAs) + '   (only if zsplit created it)';
    return '(restores the value recorded when applied)';
  }
  return zmprovShell(step.inverse, runAs);
}

export function renderText(p: Plan, opts: { runAs?: RunAs } = {}): string {
  const out: string[] = [];
  const a = p.answers;
  out.push(`zsplit plan: ${p.job} of ${a.domains.join(', ')}, Zimbra ${a.role} (${a.zimbraVersion}), peer ${a.peer.kind} ${a.peer.host}:${a.peer.port}`);
  out.push(p.observed ? 'Current values were read from the server.' : 'Not connected: current values are probed when applied.');
  for (const n of p.notes) out.push(`note: ${n}`);
  for (const w of p.warnings) out.push(`warning: ${w}`);
  out.push('');
  p.steps.forEach((s, i) => {
    const tag = s.kind === 'manual' ? `MANUAL on ${s.manual!.system}` : s.kind === 'reload' ? 'reload' : s.where;
    out.push(`[${i + 1}/${p.steps.length}] ${s.title}  (${tag}, ${s.id})`);
    out.push(`    why: ${s.why}`);
    for (const line of stepCommand(s, opts.runAs).split('\n')) out.push(`    $ ${line}`);
    if (s.kind === 'zmprov') {
      out.push(`    before: ${showValues(s.before)}  ->  after: ${s.desired}`);
      out.push(`    rollback: ${rollbackText(s, opts.runAs)}`);
    }
  });
  const counts = countKinds(p.steps);
  out.push('');
  out.push(`${counts.zmprov} zmprov change(s), ${counts.reload} reload(s), ${counts.manual} manual step(s).`);
  return out.join('\n') + '\n';
}

function countKinds(steps: Step[]) {
  const c = { zmprov: 0, reload: 0, manual: 0 };
  for (const s of steps) c[s.kind]++;
  return c;
}

/** Consecutive steps of one bulk group go into one `zmprov -f` batch in the script. */
const BATCH_MIN = 10;

export function renderSh(p: Plan, opts: { runAs?: RunAs; zmprov?: string } = {}): string {
  const runAs = opts.runAs ?? 'zimbra';
  const a = p.answers;
  const out: string[] = [
    '#!/bin/sh',
    `# zsplit ${p.job} plan for ${a.domains.join(', ')}: Zimbra ${a.role}, peer ${a.peer.kind} ${a.peer.host}:${a.peer.port}, Zimbra ${a.zimbraVersion}`,
    `# Run as ${runAs === 'zimbra' ? 'root (zmprov runs as zimbra through su)' : 'the zimbra user'}. Manual steps are comments: do them on the system named.`,
    ...p.notes.map((n) => `# note: ${n}`),
    ...p.warnings.map((w) => `# WARNING: ${w}`),
    'set -eu',
    '',
  ];
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    let j = i;
    while (s.bulk && j + 1 < p.steps.length && p.steps[j + 1].bulk === s.bulk) j++;
    if (s.bulk && j - i + 1 >= BATCH_MIN) {
      const size = j - i + 1;
      out.push(`# [${i + 1}-${j + 1}] ${size} ${s.bulk} commands in one zmprov batch (one JVM instead of ${size})`);
      out.push('batch=$(mktemp)', `cat > "$batch" <<'ZSPLIT_BATCH'`);
      // One push per line: a spread of 140,000 lines into push overflows the call stack.
      for (let k = i; k <= j; k++) out.push(zmprovLine(p.steps[k].argv!));
      out.push('exit', 'ZSPLIT_BATCH', 'chmod 644 "$batch"');
      const cmd = `${opts.zmprov ?? 'zmprov'} -v -f "$batch"`;
      out.push(runAs === 'zimbra' ? `su - zimbra -c "${cmd}"` : cmd, 'rm -f "$batch"', '');
      i = j;
      continue;
    }
    out.push(`# [${i + 1}/${p.steps.length}] ${s.title}`, `# why: ${s.why}`);
    if (s.kind === 'manual') {
      out.push(`# MANUAL, on ${s.manual!.system}:`, ...s.manual!.commands.map((c) => `#   ${c}`));
    } else {
      if (s.kind === 'zmprov') out.push(`# before: ${showValues(s.before)} -> after: ${s.desired}`, `# rollback: ${rollbackText(s, runAs)}`);
      out.push(s.kind === 'zmprov' ? zmprovShell(s.argv!, runAs, opts.zmprov) : stepCommand(s, runAs));
    }
    out.push('');
  }
  return out.join('\n');
}

export function renderJson(p: Plan): string {
  return JSON.stringify({ format: PLAN_SCHEMA, ...p }, null, 2) + '\n';
}

export function renderPlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs?: RunAs } = {}): string {
  if (format === 'json') return renderJson(p);
  if (format === 'sh') return renderSh(p, opts);
  return renderText(p, opts);
}
