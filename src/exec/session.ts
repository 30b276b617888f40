/**
 * A tool held open as a child process and fed lines on a pipe: zmprov's interactive mode
 * (zimbra.md §2.1), one JVM for a whole run instead of one per batch.
 *
 * Protocol: the tool prints a prompt (`prov> `) before reading each line. A line is written;
 * its answer is everything the tool writes until the next prompt at the start of a line. The
 * tool reads its lines one at a time, so lines may be written before the previous answers
 * arrive (the caller bounds how many); answers are matched to lines in order. The
 * traps of a pipe are handled here: terminal escape sequences and CRs (JLine line editing on
 * stdin) are stripped, an echo of the line is dropped, a line that never gets its prompt (a
 * confirmation question, a hang) times out and the process is killed, and a process that dies
 * mid-line hands back what it wrote.
 *
 * The child is started through execa (like one-shot runs, src/exec/spawn.ts): a tool that cannot
 * start fails with an error naming the command, and one still open when zsplit exits is killed.
 */
import type { Readable, Writable } from 'node:stream';
import { killOnExit, MAX_OUTPUT, SpawnError } from './children.js';
import type { SendOptions, Session, SessionAnswer, SessionOptions } from './types.js';
import { SessionEnded } from './types.js';

/* eslint-disable no-control-regex */
const ESCAPES = [
  /\u001b\[[0-?]*[ -/]*[@-~]/g, // CSI: ESC [ params intermediates final (cursor moves, erase, modes)
  /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, // OSC: ESC ] ... BEL or ST (titles)
  /\u001b[PX^_][^\u001b]*\u001b\\/g, // DCS, SOS, PM, APC strings
  /\u001b[ -/]*[0-~]/g, // two-character escapes: ESC = (keypad), ESC > , ESC 7 / 8, charset selection
];

/** Removes what a line editor adds for a terminal: escape sequences, CRs, bells, backspaced characters. */
export function cleanTerminal(text: string): string {
  if (!/[\u001b\r\u0007\u0008]/.test(text)) return text;
  // The common case on a pipe: only the CR of each echoed line.
  if (!/[\u001b\u0007\u0008]/.test(text)) return text.replace(/\r/g, '');
  let t = text;
  for (const re of ESCAPES) t = t.replace(re, '');
  t = t.replace(/\r\n/g, '\n').replace(/\r/g, '').replace(/\u0007/g, '');
  // A backspace erases the character before it (a line editor redrawing what was typed).
  while (/[^\n\u0008]\u0008/.test(t)) t = t.replace(/[^\n\u0008]\u0008/g, '');
  return t.replace(/\u0008/g, '');
}

/** The cleaned answer ends with the prompt at the start of a line (or is only the prompt). */
export function endsWithPrompt(clean: string, prompt: string): boolean {
  if (!clean.endsWith(prompt)) return false;
  const at = clean.length - prompt.length;
  return at === 0 || clean[at - 1] === '\n';
}

/** The answer to `line` from its cleaned output (prompt included): the prompt and an echo of the line removed. */
export function answerText(clean: string, line: string, prompt: string): string {
  let t = endsWithPrompt(clean, prompt) ? clean.slice(0, clean.length - prompt.length) : clean;
  // Line editing on a pipe may echo the line (once) before the tool's own output.
  if (t === line || t.startsWith(`${line}\n`)) t = t.slice(line.length + 1);
  return t;
}

/** `sh -c` wrapper that merges stderr into stdout for an argv given as positional parameters. */
export const MERGE_WRAPPER = 'exec "$0" "$@" 2>&1';

/** The part of execa's subprocess the session uses. */
interface Child {
  readonly pid?: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  kill(signal: NodeJS.Signals): boolean;
}

/** How the child ended (execa's result; neither set: it never started). */
interface Ending {
  exitCode?: number;
  signal?: string;
}

interface Pending {
  /** undefined: the first prompt (the tool starting). */
  line: string | undefined;
  timeoutMs: number;
  started: number;
  resolve: (a: SessionAnswer) => void;
  reject: (e: Error) => void;
  /** The answer is handed over as it arrives (SendOptions.onText). */
  onText?: (text: string) => void;
  /** Some of it has been: the echo of the line is decided and removed. */
  handed?: boolean;
}

/** Length of an incomplete escape sequence at the end of `text` (held back until the rest arrives). */
function incompleteEscapeTail(text: string): number {
  const at = text.lastIndexOf('\u001b');
  if (at === -1 || text.length - at > 64) return 0;
  const tail = text.slice(at);
  return ESCAPES.some((re) => new RegExp(`^(?:${re.source})`).test(tail)) ? 0 : tail.length;
}

/**
 * A tool held open on pipes. Lines may be written ahead of their answers (a window the caller
 * chooses): the tool reads them one by one as it finishes the previous one, and the answers come
 * back in order, each ended by the next prompt. A line's timeout runs from the moment its turn
 * comes (the previous answer arrived), so a hang is still found line by line.
 */
export class ProcessSession implements Session {
  /** Cleaned output not yet handed out as an answer. */
  private clean = '';
  /**
   * The end of `clean` not yet searched for a prompt, and the few characters before it (a prompt
   * cut by a chunk boundary). A long answer (a `gaa -v` listing) arrives in many small chunks:
   * each is searched once, instead of `clean` being flattened and searched again per chunk.
   */
  private fresh = '';
  private lead = '';
  /** `clean` is the end of an answer whose start was handed over: it does not start at a line start. */
  private cut = false;
  /** Raw bytes of an escape sequence cut by a chunk boundary. */
  private hold = '';
  private readonly queue: Pending[] = [];
  /** One timer for the head line's deadline, moved only when a head needs it sooner (not one per line). */
  private timer: NodeJS.Timeout | undefined;
  private due = Infinity;
  /** Lines waiting for the end of the tick, to be written together. */
  private outgoing = '';
  private exitCode: number | undefined;
  private exited = false;
  private killed = false;
  private readonly exitWaiters: (() => void)[] = [];
  greeting = '';

  private constructor(
    private readonly child: Child,
    ending: Promise<Ending>,
    private readonly prompt: string,
    private readonly maxAnswer: number,
  ) {
    const onData = (d: string) => {
      if (this.killed) return;
      const text = this.hold + d;
      const keep = incompleteEscapeTail(text);
      this.hold = keep ? text.slice(text.length - keep) : '';
      const clean = cleanTerminal(keep ? text.slice(0, text.length - keep) : text);
      // Past that, the answer would not fit in a string: appending it would throw in this handler and end zsplit.
      if (this.clean.length + clean.length > this.maxAnswer) return this.overflow();
      this.clean += clean;
      this.fresh += clean;
      this.check();
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    // The wrapper's own complaints (su, ssh, a missing tool) arrive here; the tool's stderr is merged into stdout.
    child.stderr.setEncoding('utf8').on('data', onData);
    // The tool died while a line was being written: reported when it has ended, below.
    child.stdin.on('error', () => undefined);
    // Resolved (never rejected: reject:false) once the tool has ended and its output has all arrived.
    const forget = killOnExit(() => this.kill());
    void ending.then((r) => {
      forget();
      this.exited = true;
      this.exitCode = r.exitCode ?? (r.signal ? 128 + 9 : 1);
      this.failAll((p) => `${p.line === undefined ? 'the tool ended before its first prompt' : `the tool ended on: ${p.line}`} (exit ${this.exitCode})`, false);
      for (const w of this.exitWaiters.splice(0)) w();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get ended(): boolean {
    return this.exited || this.killed;
  }

  /** Spawns `argv` (never a shell string of ours) and waits for its first prompt. */
  static async open(argv: string[], opts: SessionOptions & { env?: NodeJS.ProcessEnv }): Promise<ProcessSession> {
    // Its own process group: Ctrl+C at zsplit's terminal does not kill the tool mid-line (zsplit
    // stops between steps and closes the session), and a timeout kills the whole group.
    // Loaded at the first session, not when the program starts (as in spawn.ts).
    const { execa } = await import('execa');
    const child = execa(argv[0], argv.slice(1), {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      // Read as it arrives (below), never collected: a session's output is unbounded.
      buffer: false,
      detached: true,
      env: opts.env ?? process.env,
      extendEnv: false,
      // Not execa's cleanup (see children.ts): killOnExit kills the whole group instead.
      cleanup: false,
      reject: false,
    });
    // Its output is read from the start (no chunk can flow before the listeners are on).
    const s = new ProcessSession(child, child, opts.prompt, opts.maxAnswerChars ?? MAX_OUTPUT);
    // Started, or not at all (no such program): execa's result then names the command.
    const started = await Promise.race([new Promise<undefined>((r) => child.once('spawn', () => r(undefined))), child]);
    if (started && started.exitCode === undefined && started.signal === undefined) throw new SpawnError(started.shortMessage ?? `${argv.join(' ')}: could not start`, 'code' in started ? (started.code as string | undefined) : undefined);
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    opts.onLaunch?.();
    const abort = () => s.kill();
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort);
    try {
      const first = await s.enqueue(undefined, opts.startTimeoutMs ?? 120_000);
      s.greeting = first.output;
      return s;
    } finally {
      opts.signal?.removeEventListener('abort', abort);
    }
  }

  /** The head line's answer is complete when a prompt starts a line of the cleaned output. */
  private check(): void {
    while (this.queue.length > 0) {
      const hay = this.lead + this.fresh;
      const base = this.clean.length - hay.length; // where `hay` starts in `clean`
      let at = -1;
      if (base === 0 && !this.cut && hay.startsWith(this.prompt)) at = 0;
      else {
        const i = hay.indexOf(`\n${this.prompt}`);
        if (i !== -1) at = base + i + 1;
      }
      if (at === -1) {
        this.lead = hay.slice(-this.prompt.length);
        this.fresh = '';
        this.handOver();
        return;
      }
      const text = this.clean.slice(0, at);
      this.setClean(this.clean.slice(at + this.prompt.length));
      const p = this.queue.shift()!;
      let output = p.line === undefined || p.handed ? text : answerText(text, p.line, this.prompt);
      if (p.onText) {
        if (output) p.onText(output);
        output = '';
      }
      p.resolve({ output, durationMs: performance.now() - p.started });
      if (this.queue.length > 0) this.arm(this.queue[0]);
      else this.disarm();
    }
  }

  private setClean(text: string): void {
    this.clean = text;
    this.fresh = text;
    this.lead = '';
    this.cut = false;
  }

  /**
   * The head line's answer so far, but its last characters (a prompt may be starting there, with
   * the newline before it), to its onText: `clean` stays that short however long the answer.
   */
  private handOver(): void {
    const p = this.queue[0];
    if (!p?.onText || p.line === undefined) return;
    const keep = this.prompt.length + 1;
    if (this.clean.length <= keep) return;
    let text = this.clean.slice(0, this.clean.length - keep);
    if (!p.handed) {
      // The echo of the line (line editing on a pipe), as answerText removes it, decided once it could be whole.
      if (text.length < p.line.length + 1) return;
      if (text.startsWith(`${p.line}\n`)) text = text.slice(p.line.length + 1);
      p.handed = true;
    }
    const tail = this.clean.slice(this.clean.length - keep);
    this.clean = tail;
    this.fresh = '';
    this.lead = tail;
    this.cut = true;
    if (text) p.onText(text);
  }

  /** Starts the head line's clock. */
  private arm(p: Pending): void {
    p.started = performance.now();
    this.schedule(p);
  }

  private schedule(p: Pending): void {
    const due = p.started + p.timeoutMs;
    if (due >= this.due) return; // the running timer fires first and looks again
    this.disarm();
    this.due = due;
    this.timer = setTimeout(() => this.expire(), due - performance.now());
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = Infinity;
  }

  /** The timer fired: the head line is out of time (the tool is killed), or its clock started later and it gets the rest. */
  private expire(): void {
    this.timer = undefined;
    this.due = Infinity;
    const p = this.queue[0];
    if (!p) return;
    if (performance.now() < p.started + p.timeoutMs) {
      this.schedule(p);
      return;
    }
    this.kill();
    this.failAll((x) => (x === p ? `no ${p.line === undefined ? 'first prompt' : `answer to: ${p.line}`} within ${Math.round(p.timeoutMs / 1000)} s: killed pid ${this.pid}` : `not run: the tool was killed on an earlier line (${p.line})`), true);
  }

  /** An answer longer than zsplit can hold: its line fails (with the answer's start), the tool is killed. */
  private overflow(): void {
    const p = this.queue[0];
    const start = this.clean.slice(0, 4096);
    this.kill();
    this.setClean(start);
    this.failAll((x) => (x === p ? `answer to: ${p.line ?? 'the first prompt'} is longer than ${this.maxAnswer} characters: killed pid ${this.pid}` : `not run: the tool was killed on an earlier line (${p?.line})`), false, true);
  }

  /** Rejects every line in flight: the head with what it wrote, the others as never run. */
  private failAll(message: (p: Pending) => string, timedOut: boolean, tooLong = false): void {
    const all = this.queue.splice(0);
    this.disarm();
    all.forEach((p, i) => {
      const output = i === 0 ? (p.line === undefined ? this.clean : answerText(this.clean, p.line, this.prompt)) : '';
      p.reject(new SessionEnded(message(p), output, this.exitCode, timedOut && i === 0, i > 0, tooLong && i === 0));
    });
    if (all.length) this.setClean('');
  }

  private enqueue(line: string | undefined, timeoutMs: number, onText?: (text: string) => void): Promise<SessionAnswer> {
    return new Promise<SessionAnswer>((resolve, reject) => {
      if (this.ended) {
        reject(new SessionEnded(`the tool has ended (exit ${this.exitCode ?? 137})`, '', this.exitCode, false, true));
        return;
      }
      const p: Pending = { line, timeoutMs, started: performance.now(), resolve, reject, onText };
      this.queue.push(p);
      if (this.queue.length === 1) this.arm(p);
      if (line !== undefined) this.write(`${line}\n`);
      this.check();
    });
  }

  /**
   * A line with nothing ahead of it goes out at once; lines behind others are joined into one
   * string and written once at the end of the tick: one write(2) of one buffer, not a writev of
   * one buffer per line (whose per-chunk bookkeeping cost more CPU than the lines themselves).
   */
  private write(text: string): void {
    if (this.outgoing === '' && this.queue.length <= 1) {
      this.child.stdin.write(text);
      return;
    }
    if (this.outgoing === '')
      process.nextTick(() => {
        const all = this.outgoing;
        this.outgoing = '';
        if (all && !this.ended) this.child.stdin.write(all);
      });
    this.outgoing += text;
  }

  send(line: string, opts: SendOptions = {}): Promise<SessionAnswer> {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('a session line cannot hold a newline'));
    return this.enqueue(line, opts.timeoutMs ?? 120_000, opts.onText);
  }

  async close(opts: { lastLine?: string; timeoutMs?: number } = {}): Promise<{ exitCode: number; output: string }> {
    if (!this.exited) {
      // Lines still waiting for the end of the tick go first.
      if (this.outgoing && !this.killed) this.child.stdin.write(this.outgoing);
      this.outgoing = '';
      if (opts.lastLine !== undefined && !this.killed) this.child.stdin.write(`${opts.lastLine}\n`);
      this.child.stdin.end();
      const done = new Promise<void>((r) => this.exitWaiters.push(r));
      const timer = setTimeout(() => this.kill(), opts.timeoutMs ?? 60_000);
      await done;
      clearTimeout(timer);
    }
    let output = this.clean + cleanTerminal(this.hold);
    if (opts.lastLine !== undefined) output = answerText(output, opts.lastLine, this.prompt);
    this.setClean('');
    this.hold = '';
    return { exitCode: this.exitCode ?? 1, output };
  }

  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    this.killed = true;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}
