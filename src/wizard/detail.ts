/**
 * The whole-step view: every line of one or more steps (title, why, the command, before -> after,
 * the rollback), nothing cut. Commands wrap at word boundaries outside quotes with a shell
 * continuation (` \`), so a copied command still runs as shown. Pure text; screens/Detail.tsx draws it.
 */
import { wrap } from '../flow/format.js';
import { rollbackText, stepCommand } from '../plan/render.js';
import type { Step } from '../plan/step.js';
import { showValues } from '../plan/step.js';

/** One step of the view with its number in its plan. */
export interface DetailEntry {
  n: number;
  total: number;
  step: Step;
}

/** What an undo step puts back, from the journal: the value now and the recorded one it restores. */
export interface RestoreValues {
  now: string;
  restores: string;
}

export interface DetailState {
  title: string;
  entries: DetailEntry[];
  top: number;
  values?: Record<string, RestoreValues>;
}

/** Splits a shell command at the blanks outside quotes: the places a line may break. */
function words(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (quote) {
      cur += c;
      if (c === '\\' && quote === '"' && i + 1 < cmd.length) cur += cmd[++i];
      else if (c === quote) quote = undefined;
    } else if (c === ' ') {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += c;
      if (c === '\\' && i + 1 < cmd.length) cur += cmd[++i];
      else if (c === "'" || c === '"') quote = c;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * A command in lines of at most `width`, broken only between words (never inside a quoted
 * value), each line but the last ending in ` \`: pasted into a shell it runs as one command.
 * A single word longer than the line stays whole on its own line.
 */
export function wrapCommand(cmd: string, width: number, first = '$ ', rest = '    '): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words(cmd)) {
    const room = width - 2; // the continuation ` \`
    if (!empty && line.length + 1 + w.length > room) {
      lines.push(`${line} \\`);
      line = rest + w;
    } else {
      line += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function text(label: string, value: string, width: number): string[] {
  return wrap(`${label}${value}`, Math.max(20, width), '', '  ');
}

/** The lines of the whole-step view. */
export function detailLines(d: Pick<DetailState, 'entries' | 'values'>, width: number): string[] {
  const out: string[] = [];
  const many = d.entries.length > 1;
  d.entries.forEach(({ n, total, step: s }, k) => {
    if (many) {
      if (k > 0) out.push('');
      out.push(...text(`${n}/${total} `, `${s.title}`, width));
    }
    out.push(`  id: ${s.id}`);
    out.push(...text('why: ', s.why, width));
    if (s.kind === 'manual') {
      out.push(...text('by hand on ', `${s.manual!.system}:`, width));
      for (const c of s.manual!.commands) for (const l of c.split('\n')) out.push(...wrapCommand(l, width, '$ ', '    '));
      return;
    }
    out.push(...wrapCommand(stepCommand(s), width, '$ ', '    '));
    const v = d.values?.[s.id];
    if (v) {
      out.push(...text('now: ', v.now, width));
      out.push(...text('restores: ', v.restores, width));
      return;
    }
    if (s.kind === 'zmprov') {
      out.push(...text('before: ', showValues(s.before), width));
      out.push(...text('after: ', s.desired ?? '', width));
    }
    if (s.id.startsWith('undo:')) return;
    const rb = rollbackText(s);
    if (rb.startsWith('(') || s.kind !== 'zmprov') out.push(...text('rollback: ', rb, width));
    else {
      const [cmd, note] = rb.split('   (');
      out.push(...wrapCommand(cmd, width, 'rollback: $ ', '    '));
      if (note) out.push(`  (${note}`);
    }
  });
  return out;
}

/** The heading of the view: the step, or the range of a batch. */
export function detailTitle(entries: DetailEntry[]): string {
  if (entries.length === 0) return 'Nothing to show';
  const a = entries[0];
  if (entries.length === 1) return `Step ${a.n} of ${a.total}: ${a.step.title}`;
  return `Steps ${a.n}-${entries[entries.length - 1].n} of ${a.total}: ${entries.length} steps`;
}
