/**
 * The write-ahead journal: one append-only JSONL file per run, fsynced before the action it
 * announces. It is also the audit log and the source of rollbacks and resumes.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../plan/step.js';
import type { Before } from '../plan/step.js';

export type StepStatus = 'applied' | 'unchanged' | 'skipped' | 'not-applicable' | 'failed' | 'manual';

export type JournalRecord =
  | {
      t: 'run';
      runId: string;
      kind: 'apply' | 'rollback';
      /** For a rollback: the run it undoes. */
      of?: string;
      job: string;
      target: string;
      executor: string;
      planHash: string;
      operator: string;
      host: string;
      version: string;
      time: string;
      plan: Plan;
    }
  | { t: 'intent'; step: string; before: Before; time: string }
  | { t: 'spawn'; steps: string[]; pid: number; time: string }
  | { t: 'result'; step: string; status: StepStatus; before?: Before; after?: Before; exitCode?: number; output?: string; error?: string; durationMs?: number; recovered?: boolean; time: string }
  | { t: 'end'; status: EndStatus; time: string; summary?: Record<string, number>; reason?: string; operator?: string };

/** How a run ended: `abandoned` is an operator's decision never to resume it (its changes stay; rollback remains possible). */
export type EndStatus = 'completed' | 'failed' | 'stopped' | 'rolled-back' | 'abandoned';

/** Who runs zsplit: the person behind sudo, not "root". */
export function operator(env: NodeJS.ProcessEnv = process.env): string {
  return env.SUDO_USER || env.USER || userInfo().username;
}

/** zmprov arguments that can carry a password: `ca NAME PASSWORD`, `sp NAME PASSWORD`, `-p PASSWORD`. */
export function redactArgv(argv: string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const a = out[i].toLowerCase();
    if ((a === '-p' || a === '--password') && i + 1 < out.length) out[i + 1] = '*****';
    if ((a === 'ca' || a === 'createaccount' || a === 'sp' || a === 'setpassword') && i + 2 < out.length && out[i + 2] !== '') out[i + 2] = '*****';
  }
  return out;
}

/** The plan as the journal keeps it: every argv with its secrets masked. */
export function redactPlan(p: Plan): Plan {
  return { ...p, steps: p.steps.map((s) => ({ ...s, argv: s.argv && redactArgv(s.argv), inverse: s.inverse && redactArgv(s.inverse) })) };
}

export function redactText(text: string, secrets: string[]): string {
  let t = text;
  for (const s of secrets) if (s.length >= 3) t = t.split(s).join('*****');
  return t;
}

export function now(): string {
  return new Date().toISOString();
}

export class Journal {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  /** Appends records with one write and one fsync: durable before the caller acts. */
  append(...records: JournalRecord[]): void {
    if (records.length === 0) return;
    this.fd ??= openSync(this.path, 'a', 0o600);
    writeSync(this.fd, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface ReadJournal {
  records: JournalRecord[];
  /** A last line cut short by a crash: reported, not fatal. */
  truncated?: string;
  corrupt: number[];
}

export function readJournal(path: string): ReadJournal {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  const corrupt: number[] = [];
  let truncated: string | undefined;
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (i === lines.length - 1) truncated = line.slice(0, 80);
      else corrupt.push(i + 1);
    }
  });
  return { records, truncated, corrupt };
}

export interface RunInfo {
  runId: string;
  path: string;
  header: Extract<JournalRecord, { t: 'run' }>;
  status: EndStatus | 'interrupted';
  /** Final result per step id (the last result record wins). */
  results: Map<string, Extract<JournalRecord, { t: 'result' }>>;
  /** Before-value announced per step id (the first intent wins: the value before any attempt). */
  intents: Map<string, Before>;
  /** Steps announced but without a result: in flight when the run stopped. */
  inFlight: string[];
  /** Child processes that may still be running for in-flight steps. */
  pids: number[];
  truncated?: string;
  end?: Extract<JournalRecord, { t: 'end' }>;
}

export function runInfo(path: string): RunInfo | undefined {
  const j = readJournal(path);
  const header = j.records.find((r): r is Extract<JournalRecord, { t: 'run' }> => r.t === 'run');
  if (!header) return undefined;
  const results = new Map<string, Extract<JournalRecord, { t: 'result' }>>();
  const intents = new Map<string, Before>();
  const pids: number[] = [];
  let end: Extract<JournalRecord, { t: 'end' }> | undefined;
  // Work journaled after an end record (a resume of a stopped run) reopens the run until its next end.
  let afterEnd = false;
  for (const r of j.records) {
    if (r.t === 'intent' && !intents.has(r.step)) intents.set(r.step, r.before);
    else if (r.t === 'result') results.set(r.step, r);
    else if (r.t === 'spawn') pids.push(r.pid);
    if (r.t === 'end') {
      end = r;
      afterEnd = false;
    } else if (end && r.t !== 'run') afterEnd = true;
  }
  const inFlight = [...intents.keys()].filter((id) => !results.has(id));
  return { runId: header.runId, path, header, status: end && !afterEnd ? end.status : 'interrupted', results, intents, inFlight, pids, truncated: j.truncated, end };
}

export class JournalStore {
  readonly runsDir: string;

  constructor(readonly stateDir: string) {
    this.runsDir = join(stateDir, 'runs');
    mkdirSync(this.runsDir, { recursive: true, mode: 0o700 });
  }

  newRunId(kind: 'apply' | 'rollback'): string {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    let id = `${stamp}-${kind}`;
    for (let n = 2; existsSync(this.pathOf(id)); n++) id = `${stamp}-${kind}-${n}`;
    return id;
  }

  pathOf(runId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`invalid run id: ${runId}`);
    return join(this.runsDir, `${runId}.jsonl`);
  }

  open(runId: string): Journal {
    return new Journal(this.pathOf(runId));
  }

  /** All runs, oldest first. */
  runs(): RunInfo[] {
    return readdirSync(this.runsDir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => runInfo(join(this.runsDir, f)))
      .filter((r): r is RunInfo => r !== undefined);
  }

  run(runId: string): RunInfo | undefined {
    const p = this.pathOf(runId);
    return existsSync(p) ? runInfo(p) : undefined;
  }

  /** The newest apply run on this target that can be resumed: stopped, failed or cut off (never completed, rolled back or abandoned). */
  interrupted(target: string): RunInfo | undefined {
    return this.runs()
      .filter((r) => r.header.target === target && r.header.kind === 'apply' && ['interrupted', 'stopped', 'failed'].includes(r.status))
      .at(-1);
  }
}

export const HOST = hostname();
