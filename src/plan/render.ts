/**
 * Renderings of a plan: text (preview), sh (a change-approval script that runs as it
 * stands) and json. All are built from the argv that is executed, never re-parsed.
 */
import { shJoin, shQuote, zmprovLine } from '../zimbra/quote.js';
import { changeArgv } from '../zimbra/commands.js';
import type { Plan, Step } from './step.js';
import { showValues } from './step.js';
import { emitMembers, isPlainRecord, JSON_SPLIT, omitted, type Emit } from '../model/json-pieces.js';
export { JSON_MEMBER_SENTINEL, type Emit } from '../model/json-pieces.js';

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

/** A step of a rollback plan (journal/rollback.ts names them undo:<step id>). */
export function isUndoStep(step: Step): boolean {
  return step.id.startsWith('undo:');
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

/** Consecutive steps of one bulk group go into one `zmprov -f` batch in the script, and are folded in the preview. */
const BATCH_MIN = 10;

/** The end (inclusive) of the bulk group starting at `i`, or -1 when it is too small to fold. */
function bulkGroupEnd(steps: Step[], i: number): number {
  const s = steps[i];
  if (!s.bulk) return -1;
  let j = i;
  while (j + 1 < steps.length && steps[j + 1].bulk === s.bulk) j++;
  return j - i + 1 >= BATCH_MIN ? j : -1;
}

/** The preview, one line per call of `line` (no newline in it). */
export function emitText(p: Plan, line: Emit, opts: { runAs?: RunAs } = {}): void {
  const a = p.answers;
  const n = p.steps.length;
  line(`zsplit plan: ${p.job} of ${a.domains.join(', ')}, Zimbra ${a.role} (${a.zimbraVersion}), peer ${a.peer.kind} ${a.peer.host}:${a.peer.port}`);
  line(
    p.observed
      ? 'Current values were read from the server.'
      : p.steps.some(isUndoStep)
        ? 'Values as the run left them and as recorded before it (journal); probed again when applied.'
        : 'Not connected: current values are probed when applied.',
  );
  for (const note of p.notes) line(`note: ${note}`);
  for (const w of p.warnings) line(`warning: ${w}`);
  line('');
  for (let i = 0; i < n; i++) {
    const s = p.steps[i];
    const j = bulkGroupEnd(p.steps, i);
    if (j >= 0) {
      emitTextBatch(p, i, j, line, opts.runAs);
      i = j;
      continue;
    }
    const tag = s.kind === 'manual' ? `MANUAL on ${s.manual!.system}` : s.kind === 'reload' ? 'reload' : s.where;
    line(`[${i + 1}/${n}] ${s.title}  (${tag}, ${s.id})`);
    line(`    why: ${s.why}`);
    for (const l of stepCommand(s, opts.runAs).split('\n')) line(`    $ ${l}`);
    if (s.kind === 'manual' && s.dependsOn?.length) line(`    only after: ${s.dependsOn.map((d) => (d.startsWith('bulk:') ? `the ${d.slice(5)} batch` : d)).join(', ')}`);
    if (s.kind === 'zmprov') {
      line(`    before: ${showValues(s.before)}  ->  after: ${s.desired}`);
      // A rollback's own steps are the undo: no rollback line of their own.
      if (!isUndoStep(s)) line(`    rollback: ${rollbackText(s, opts.runAs)}`);
    }
  }
  const counts = countKinds(p.steps);
  line('');
  line(`${counts.zmprov} zmprov change(s), ${counts.reload} reload(s), ${counts.manual} manual step(s).`);
}

/**
 * A bulk group in the preview, the way the script runs it: one header, each distinct why once,
 * one batch line per step (with its before-value when it was read), one rollback summary.
 */
function emitTextBatch(p: Plan, i: number, j: number, line: Emit, runAs: RunAs | undefined): void {
  const size = j - i + 1;
  const whys = new Set<string>();
  const ids = new Set<string>();
  // Step-id kinds (`placeholder.create:`) seen: a batch has a few, each checked without a new string per step.
  const kinds: string[] = [];
  let creates = 0;
  for (let k = i; k <= j; k++) {
    const s = p.steps[k];
    whys.add(s.why);
    const colon = s.id.indexOf(':') + 1;
    if (!kinds.some((x) => x.length === colon && s.id.startsWith(x))) {
      const kind = s.id.slice(0, colon);
      kinds.push(kind);
      ids.add(`${kind}<name>`);
    }
    if (s.change?.op === 'create') creates++;
  }
  line(`[${i + 1}-${j + 1}/${p.steps.length}] ${size} ${p.steps[i].bulk} steps in one zmprov batch  (${p.steps[i].where}, ${[...ids].join(', ')})`);
  for (const w of whys) line(`    why: ${w}`);
  line(`    $ ${zmprovShell(['-f', '<batch file>'], runAs ?? 'current')}   with these ${size} lines:`);
  for (let k = i; k <= j; k++) {
    const s = p.steps[k];
    line(s.before === undefined ? `      ${zmprovLine(s.argv!)}` : `      ${zmprovLine(s.argv!)}   # before: ${showValues(s.before)}`);
  }
  line(`    before: ${p.observed ? 'as read, after each line' : '(probed at apply)'}  ->  after: as each line sets`);
  const undo: string[] = [];
  if (creates > 0) undo.push('deletes (zmprov da) only the accounts zsplit created');
  if (creates < size) undo.push(`restores ${creates > 0 ? 'every other' : 'each'} value recorded when applied`);
  if (!isUndoStep(p.steps[i])) line(`    rollback: ${undo.join('; ')}`);
}

function countKinds(steps: Step[]) {
  const c = { zmprov: 0, reload: 0, manual: 0 };
  for (const s of steps) c[s.kind]++;
  return c;
}

/** The change-approval script, one line per call of `line`. */
export function emitSh(p: Plan, line: Emit, opts: { runAs?: RunAs; zmprov?: string } = {}): void {
  const runAs = opts.runAs ?? 'zimbra';
  const a = p.answers;
  line('#!/bin/sh');
  line(`# zsplit ${p.job} plan for ${a.domains.join(', ')}: Zimbra ${a.role}, peer ${a.peer.kind} ${a.peer.host}:${a.peer.port}, Zimbra ${a.zimbraVersion}`);
  line(`# Run as ${runAs === 'zimbra' ? 'root (zmprov runs as zimbra through su)' : 'the zimbra user'}. Manual steps are comments: do them on the system named.`);
  for (const n of p.notes) line(`# note: ${n}`);
  for (const w of p.warnings) line(`# WARNING: ${w}`);
  line('set -eu');
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    line('');
    const j = bulkGroupEnd(p.steps, i);
    if (j >= 0) {
      const size = j - i + 1;
      line(`# [${i + 1}-${j + 1}] ${size} ${s.bulk} commands in one zmprov batch (one JVM instead of ${size})`);
      // A name of mktemp's own characters (not $TMPDIR's), removed however the script ends (set -e stops it at a failure).
      line('batch=$(mktemp /tmp/zsplit-batch.XXXXXXXXXX)');
      line('trap \'rm -f "$batch"\' EXIT');
      line(`cat > "$batch" <<'ZSPLIT_BATCH'`);
      for (let k = i; k <= j; k++) line(zmprovLine(p.steps[k].argv!));
      line('exit');
      line('ZSPLIT_BATCH');
      line('chmod 644 "$batch"');
      const zm = shQuote(opts.zmprov ?? 'zmprov');
      // For su: the zimbra shell gets the path single-quoted ('...' joined with "'$batch'").
      line(runAs === 'zimbra' ? `su - zimbra -c ${shQuote(`${zm} -v -f `)}"'$batch'"` : `${zm} -v -f "$batch"`);
      line('rm -f "$batch"');
      i = j;
      continue;
    }
    line(`# [${i + 1}/${p.steps.length}] ${s.title}`);
    line(`# why: ${s.why}`);
    if (s.kind === 'manual') {
      line(`# MANUAL, on ${s.manual!.system}:`);
      for (const c of s.manual!.commands) line(`#   ${c}`);
    } else {
      if (s.kind === 'zmprov') {
        line(`# before: ${showValues(s.before)} -> after: ${s.desired}`);
        line(`# rollback: ${rollbackText(s, runAs)}`);
      }
      line(s.kind === 'zmprov' ? zmprovShell(s.argv!, runAs, opts.zmprov) : stepCommand(s, runAs));
    }
  }
}

/**
 * The plan as JSON (`JSON.stringify({ format, ...plan }, null, 2)` with one exception): an array
 * of 64 or more members (the steps, the peer accounts) has each member compact on its own line.
 * A plan of 100,000 placeholders is then 160 MB instead of 230 MB, and each step one grep-able line.
 */
export function emitJson(p: Plan, piece: Emit): void {
  emitJsonValue({ format: PLAN_SCHEMA, ...p }, '', 0, piece);
  piece('\n');
}

function emitJsonValue(v: unknown, pad: string, depth: number, piece: Emit): void {
  if (Array.isArray(v) && v.length >= JSON_SPLIT) {
    piece(`[\n${pad}  `);
    emitMembers(v, `,\n${pad}  `, piece);
    piece(`\n${pad}]`);
    return;
  }
  // The first two levels (the plan, its answers) member by member: a long array may be inside.
  if (depth < 2 && isPlainRecord(v)) {
    const inner = pad + '  ';
    let first = true;
    for (const [k, e] of Object.entries(v)) {
      if (omitted(e)) continue;
      piece(`${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `);
      first = false;
      emitJsonValue(e, inner, depth + 1, piece);
    }
    piece(first ? '{}' : `\n${pad}}`);
    return;
  }
  const text = JSON.stringify(v, null, 2);
  piece(pad && text.includes('\n') ? text.replaceAll('\n', `\n${pad}`) : text);
}

/** Collects an emitter's lines into one string (small plans, tests). */
function linesOf(emit: (line: Emit) => void, end: string): string {
  const out: string[] = [];
  emit((l) => void out.push(l));
  return out.join('\n') + end;
}

export function renderText(p: Plan, opts: { runAs?: RunAs } = {}): string {
  return linesOf((line) => emitText(p, line, opts), '\n');
}

export function renderSh(p: Plan, opts: { runAs?: RunAs; zmprov?: string } = {}): string {
  return linesOf((line) => emitSh(p, line, opts), '\n');
}

export function renderJson(p: Plan): string {
  let out = '';
  emitJson(p, (t) => void (out += t));
  return out;
}

/**
 * Writes a rendering to `write` in chunks of about 64 KB: a plan of 300,000 accounts is never
 * one string, and its output starts before its end is rendered.
 */
export function streamPlan(p: Plan, format: 'text' | 'sh' | 'json', write: (chunk: string) => void, opts: { runAs?: RunAs } = {}): void {
  let buf = '';
  emitPlan(p, format, (t) => {
    buf += t;
    if (buf.length >= 65_536) {
      write(buf);
      buf = '';
    }
  }, opts);
  if (buf) write(buf);
}

/** A rendering piece by piece, as rendered (lines end with their newline): for a sink that buffers by itself. */
export function emitPlan(p: Plan, format: 'text' | 'sh' | 'json', piece: Emit, opts: { runAs?: RunAs } = {}): void {
  const line: Emit = (l) => piece(l + '\n');
  if (format === 'json') emitJson(p, piece);
  else if (format === 'sh') emitSh(p, line, opts);
  else emitText(p, line, opts);
}

export function renderPlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs?: RunAs } = {}): string {
  if (format === 'json') return renderJson(p);
  if (format === 'sh') return renderSh(p, opts);
  return renderText(p, opts);
}
