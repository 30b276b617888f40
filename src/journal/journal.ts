/**
 * The write-ahead journal: one append-only JSONL file per run, fsynced before the action it
 * announces. It is also the audit log and the source of rollbacks and resumes.
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { privateDir } from './statedir.js';
import { eachLine } from './lines.js';
import { readRunHead } from './head.js';
import { readFirstRecord } from './json-stream.js';
import { BufferedSink } from '../model/sink.js';
import { emitCompact } from '../model/json-pieces.js';
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
  | { t: 'spawn'; steps: string[]; pid: number; time: string; /** The process's start time (/proc), so a recycled pid is not mistaken for it. */ start?: string }
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

/** redactArgv, or `argv` itself when it carries no secret (most steps: kept, not copied). */
function redacted<T extends string[] | null | undefined>(argv: T): T {
  if (!argv) return argv;
  const r = redactArgv(argv);
  return (r.some((a, i) => a !== argv[i]) ? r : argv) as T;
}

/** The plan as the journal keeps it: every argv with its secrets masked. */
export function redactPlan(p: Plan): Plan {
  return {
    ...p,
    steps: p.steps.map((s) => {
      const argv = redacted(s.argv);
      const inverse = redacted(s.inverse);
      return argv === s.argv && inverse === s.inverse ? s : { ...s, argv, inverse };
    }),
  };
}

export function redactText(text: string, secrets: string[]): string {
  let t = text;
  for (const s of secrets) if (s.length >= 3) t = t.split(s).join('*****');
  return t;
}

let lastMs = -1;
let lastIso = '';
/** The time of a record; a run writes tens of thousands in a few seconds, so one string per millisecond. */
export function now(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** The journal could not be written: zsplit stops sending changes (the write-ahead promise would break). */
export class JournalWriteError extends Error {
  override readonly name = 'JournalWriteError';
  constructor(readonly path: string, override readonly cause: NodeJS.ErrnoException) {
    super(`cannot write the journal ${path}: ${cause.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : cause.code === 'EROFS' ? 'read-only file system (EROFS)' : cause.code === 'EDQUOT' ? 'disk quota exceeded (EDQUOT)' : (cause.code ?? cause.message)}`);
  }
}

/**
 * Fault injection for the fault suite where no small file system can be mounted: after this many
 * bytes written by this process, a write stores only part of its bytes and fails with ENOSPC, at
 * the same call a full disk fails. Unset in normal use.
 */
let injectedBudget: number | undefined = process.env.ZSPLIT_FAULT_JOURNAL_BYTES ? Number(process.env.ZSPLIT_FAULT_JOURNAL_BYTES) : undefined;

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    let len = buf.length - off;
    if (injectedBudget !== undefined) {
      if (injectedBudget <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), { code: 'ENOSPC' });
      len = Math.min(len, injectedBudget);
      injectedBudget -= len;
    }
    // writeSync may store fewer bytes than asked (a full disk, a signal): the rest is written again.
    const n = writeSync(fd, buf, off, len);
    if (n <= 0) throw Object.assign(new Error('write stored no bytes'), { code: 'EIO' });
    off += n;
  }
}

/** writeAll for a string: written as it is (no copy into a Buffer) unless the write comes up short. */
function writeText(fd: number, text: string): void {
  if (injectedBudget === undefined) {
    const n = writeSync(fd, text);
    const total = Buffer.byteLength(text);
    if (n === total) return;
    if (n <= 0) throw Object.assign(new Error('write stored no bytes'), { code: 'EIO' });
    writeAll(fd, Buffer.from(text).subarray(n));
    return;
  }
  writeAll(fd, Buffer.from(text));
}

/**
 * Records as journal text, a JSON line each. A line is one string, so a record longer than V8's
 * longest string (2^29 - 24 characters) throws RangeError: a run's first line holds its plan.
 */
export function journalText(records: readonly JournalRecord[]): string {
  let text = '';
  for (const r of records) text += `${JSON.stringify(r)}\n`;
  return text;
}

export class Journal {
  private fd: number | undefined;
  /** A write failed: the file may end with part of a line; nothing more is appended by this process. */
  private broken: JournalWriteError | undefined;

  constructor(readonly path: string) {}

  /**
   * Appends a record with one full write and one fsync: durable before the caller acts. Any
   * failure throws JournalWriteError, and every later append throws it again.
   */
  append(record: JournalRecord): void {
    this.appendAll([record]);
  }

  /** append for many records, in one write and one fsync; an array, as 200,000 spread arguments overflow the stack. */
  appendAll(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    if (this.broken) throw this.broken;
    let text: string;
    try {
      text = journalText(records);
    } catch (e) {
      this.broken = new JournalWriteError(this.path, e as NodeJS.ErrnoException);
      throw this.broken;
    }
    this.appendText(text);
  }

  /**
   * append for the records that start a run, each written as it is made into text: the run record
   * holds the plan, and at some 320,000 accounts its line is longer than the longest string V8
   * holds. A RangeError (one step longer than a string) is thrown as it is, nothing fsynced.
   */
  appendStreamed(records: readonly JournalRecord[]): void {
    if (this.broken) throw this.broken;
    try {
      const fd = this.openForAppend();
      const sink = new BufferedSink((buf) => writeAll(fd, buf));
      for (const r of records) {
        emitCompact(r, (t) => sink.write(t));
        sink.write('\n');
      }
      sink.flush();
      fsyncSync(fd);
    } catch (e) {
      this.broken = new JournalWriteError(this.path, e as NodeJS.ErrnoException);
      throw e instanceof RangeError ? e : this.broken;
    }
  }

  /** append for records already made into text by journalText. */
  appendText(text: string): void {
    if (this.broken) throw this.broken;
    try {
      writeText(this.openForAppend(), text);
      fsyncSync(this.fd!);
    } catch (e) {
      this.broken = new JournalWriteError(this.path, e as NodeJS.ErrnoException);
      throw this.broken;
    }
  }

  /** The descriptor appends go through, opened at the first append (a line cut short by a crash ended first). */
  private openForAppend(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      // A line cut short by an earlier crash or full disk: end it, so the next record is a line of its own.
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        const rfd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          readSync(rfd, last, 0, 1, size - 1);
        } finally {
          closeSync(rfd);
        }
        if (last[0] !== 0x0a) writeAll(fd, Buffer.from('\n'));
      }
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
    return fd;
  }

  /** Creates the journal of a new run: refused if the file (or a symlink by its name) exists. */
  create(): void {
    try {
      const fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      this.fd = fd;
    } catch (e) {
      this.broken = new JournalWriteError(this.path, e as NodeJS.ErrnoException);
      throw this.broken;
    }
  }

  /** Closes and removes the journal of a run refused before its first change (this process created it). */
  discard(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // closing after a failed write may report the same error again; the data is fsynced or reported already
      }
    }
    this.fd = undefined;
  }
}

export interface ReadJournal {
  records: JournalRecord[];
  /** A last line cut short by a crash: reported, not fatal. */
  truncated?: string;
  corrupt: number[];
}

const RECORD_TYPES = new Set(['run', 'intent', 'spawn', 'result', 'end']);

/** A parsed line that has the shape of a record (valid JSON that is not one counts as unreadable). */
function asRecord(v: unknown): JournalRecord | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.t !== 'string' || !RECORD_TYPES.has(r.t)) return undefined;
  if ((r.t === 'intent' || r.t === 'result') && typeof r.step !== 'string') return undefined;
  if (r.t === 'spawn' && !Number.isInteger(r.pid)) return undefined;
  if (r.t === 'run' && (typeof r.runId !== 'string' || !r.plan || typeof r.plan !== 'object' || !Array.isArray((r.plan as { steps?: unknown }).steps))) return undefined;
  return v as JournalRecord;
}

type RunRecord = Extract<JournalRecord, { t: 'run' }>;

/**
 * Reads a journal (never through a symlink), a line at a time. Every unreadable line is reported
 * by its number. `lazyPlan`: the run record's plan is parsed when first used (readRunHead), so a
 * listing of runs never parses one; `domains` are its answers' domains.
 */
export function readJournal(path: string, opts: { lazyPlan?: boolean } = {}): ReadJournal & { domains?: string[] } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  const records: JournalRecord[] = [];
  const corrupt: number[] = [];
  let truncated: string | undefined;
  let domains: string[] | undefined;
  try {
    // A run's first line is read in pieces (it may be longer than a string): its plan when used
    // (lazyPlan), or now.
    const head = readRunHead(fd);
    if (head) {
      const rec = opts.lazyPlan ? withLazyPlan(head.fields as Omit<RunRecord, 'plan'>, path) : asRecord(readFirstRecord(fd));
      if (rec) records.push(rec);
      else corrupt.push(1);
      domains = head.domains;
    }
    eachLine(
      fd,
      (line, lineNo, ended) => {
        if (line === '') return;
        let rec: JournalRecord | undefined;
        try {
          rec = line === undefined ? undefined : asRecord(JSON.parse(line));
        } catch {
          // A last line without its newline was cut short by a crash: reported, and harmless (its change was never sent, or it is re-probed).
          if (!ended) {
            truncated = line!.slice(0, 80);
            return;
          }
        }
        if (rec) records.push(rec);
        else corrupt.push(lineNo);
      },
      undefined,
      head?.next ?? 0,
      head ? 2 : 1,
    );
  } finally {
    closeSync(fd);
  }
  return { records, truncated, corrupt, domains };
}

/** A journal's first line could not be read as its run and plan when a command needed the plan. */
export class UnreadablePlan extends Error {
  override name = 'UnreadablePlan';
}

/** The run record with its plan read from the journal's first line at first use, then kept. */
function withLazyPlan(fields: Omit<RunRecord, 'plan'>, path: string): RunRecord {
  let plan: Plan | undefined;
  const rec = { ...fields } as RunRecord;
  Object.defineProperty(rec, 'plan', {
    enumerable: true,
    configurable: true,
    get: () => (plan ??= readPlan(path, fields.runId)),
    set: (p: Plan) => void (plan = p),
  });
  return rec;
}

function readPlan(path: string, runId: string): Plan {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  let rec: JournalRecord | undefined;
  try {
    rec = asRecord(readFirstRecord(fd));
  } finally {
    closeSync(fd);
  }
  if (rec?.t !== 'run' || rec.runId !== runId) throw new UnreadablePlan(`run ${runId}: the first line of its journal (the run and its plan) cannot be read: ${path}`);
  return rec.plan;
}

/** A file in runs/ that is not a readable run: listed by `status`, never silently dropped. */
export interface BrokenRun {
  runId: string;
  path: string;
  reason: string;
  corrupt: number[];
}

export interface RunInfo {
  runId: string;
  path: string;
  /** In a listing (JournalStore.scan) its plan is read from the journal when first used. */
  header: Extract<JournalRecord, { t: 'run' }>;
  /** The domains of its plan's answers. */
  domains: string[];
  status: EndStatus | 'interrupted';
  /** Final result per step id (the last result record wins). */
  results: Map<string, Extract<JournalRecord, { t: 'result' }>>;
  /** Before-value announced per step id (the first intent wins: the value before any attempt). */
  intents: Map<string, Before>;
  /** Steps announced but without a result: in flight when the run stopped. */
  inFlight: string[];
  /** Child processes that may still be running for in-flight steps. */
  pids: number[];
  /** Their start times where known, by pid. */
  procs: { pid: number; start?: string }[];
  /** Line numbers (1-based) that could not be read: what they held is unknown. */
  corrupt: number[];
  /** The journal cannot be fully trusted (unreadable lines): steps without a record are re-probed, not assumed untouched. */
  uncertain: boolean;
  truncated?: string;
  end?: Extract<JournalRecord, { t: 'end' }>;
}

/** A run from its journal; `lazyPlan` as in readJournal (for listings: the plan is read when used). */
export function runInfo(path: string, opts: { lazyPlan?: boolean } = {}): RunInfo | undefined {
  const j = readJournal(path, opts);
  const header = j.records.find((r): r is Extract<JournalRecord, { t: 'run' }> => r.t === 'run');
  if (!header) return undefined;
  const results = new Map<string, Extract<JournalRecord, { t: 'result' }>>();
  const intents = new Map<string, Before>();
  const pids: number[] = [];
  const procs: { pid: number; start?: string }[] = [];
  let end: Extract<JournalRecord, { t: 'end' }> | undefined;
  // Work journaled after an end record (a resume of a stopped run) reopens the run until its next end.
  let afterEnd = false;
  for (const r of j.records) {
    if (r.t === 'intent' && !intents.has(r.step)) intents.set(r.step, r.before);
    else if (r.t === 'result') results.set(r.step, r);
    else if (r.t === 'spawn') pids.push(r.pid), procs.push({ pid: r.pid, start: r.start });
    if (r.t === 'end') {
      end = r;
      afterEnd = false;
    } else if (end && r.t !== 'run') afterEnd = true;
  }
  const inFlight = [...intents.keys()].filter((id) => !results.has(id));
  const domains = j.domains ?? header.plan.answers?.domains ?? [];
  return { runId: header.runId, path, header, domains, status: end && !afterEnd ? end.status : 'interrupted', results, intents, inFlight, pids, procs, corrupt: j.corrupt, uncertain: j.corrupt.length > 0, truncated: j.truncated, end };
}

/** Run ids in the order they were made: `<stamp>-<kind>[-<n>]`, the counter compared as a number. */
export function compareRunIds(a: string, b: string): number {
  const split = (id: string) => {
    const m = /^(.*?)(?:-(\d+))?$/.exec(id)!;
    return [m[1], m[2] ? Number(m[2]) : 1] as const;
  };
  const [ab, an] = split(a);
  const [bb, bn] = split(b);
  return ab < bb ? -1 : ab > bb ? 1 : an - bn;
}

export class JournalStore {
  readonly runsDir: string;

  constructor(readonly stateDir: string) {
    this.runsDir = join(stateDir, 'runs');
    privateDir(stateDir, 'state dir', false);
    privateDir(this.runsDir, 'journal dir', true);
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

  /** All runs, oldest first; each plan read when first used (see scan). */
  runs(): RunInfo[] {
    return this.scan().runs;
  }

  /**
   * Every run, and every journal that cannot be read as one (no readable header, a symlink,
   * unreadable). A run's plan is read from its journal when first used: a listing reads the
   * runs' own fields and results only. A command that acts on a run reads it whole (run()).
   */
  scan(): { runs: RunInfo[]; broken: BrokenRun[] } {
    const runs: RunInfo[] = [];
    const broken: BrokenRun[] = [];
    for (const f of readdirSync(this.runsDir).filter((x) => x.endsWith('.jsonl'))) {
      const path = join(this.runsDir, f);
      const runId = f.slice(0, -'.jsonl'.length);
      try {
        const r = runInfo(path, { lazyPlan: true });
        if (r) runs.push(r);
        else {
          const j = readJournal(path);
          broken.push({ runId, path, corrupt: j.corrupt, reason: j.corrupt.includes(1) || j.records.length ? 'its first line (the run and its plan) cannot be read' : 'it holds no run record' });
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        broken.push({ runId, path, corrupt: [], reason: code === 'ELOOP' ? 'it is a symbolic link (not followed)' : code === 'ENOENT' ? 'it is a dangling symbolic link' : `it cannot be read (${code ?? (e as Error).message})` });
      }
    }
    // Oldest first: by start time, then by the id's counter (`X-apply` before `X-apply-2`, which a plain sort of the file names reverses).
    runs.sort((a, b) => (a.header.time < b.header.time ? -1 : a.header.time > b.header.time ? 1 : compareRunIds(a.runId, b.runId)));
    broken.sort((a, b) => compareRunIds(a.runId, b.runId));
    return { runs, broken };
  }

  run(runId: string): RunInfo | undefined {
    const p = this.pathOf(runId);
    return existsSync(p) ? runInfo(p) : undefined;
  }

  /** The newest apply run on this target that can be resumed: stopped, failed or cut off (never completed, rolled back or abandoned). */
  interrupted(target: string): RunInfo | undefined {
    return this.newest(this.resumable(target));
  }

  /** Apply runs on this target that can be resumed, oldest first, as listed (plans read when used). */
  resumable(target: string, runs = this.runs()): RunInfo[] {
    return runs.filter((r) => r.header.target === target && r.header.kind === 'apply' && ['interrupted', 'stopped', 'failed'].includes(r.status));
  }

  /** The newest of `listed`, read whole; one whose first line cannot be read is passed over (status lists it). */
  newest(listed: RunInfo[]): RunInfo | undefined {
    for (let i = listed.length - 1; i >= 0; i--) {
      const r = this.run(listed[i].runId);
      if (r) return r;
    }
    return undefined;
  }
}

export const HOST = hostname();
