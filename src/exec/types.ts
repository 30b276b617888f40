/** One executor interface: every command zsplit runs on a Zimbra host goes through it. */

/** The Zimbra tools zsplit runs, always as the zimbra user. */
export type ZimbraTool = 'zmprov' | 'zmcontrol' | 'zmhostname' | 'zmmtactl' | 'postfix' | 'postconf' | 'postmap';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr in the order they were written (both on one descriptor when `merge`). */
  combined: string;
  durationMs: number;
  /** Process id of the tool (or of its wrapper: su, ssh), for the journal. */
  pid?: number;
}

export interface RunOptions {
  /** Send stdout and stderr to one descriptor, so batch output keeps its order. */
  merge?: boolean;
  timeoutMs?: number;
  /** Called with the child's pid as soon as it starts (journaled before waiting). */
  onSpawn?: (pid: number) => void;
}

export interface Executor {
  /** Where and how commands run, for the screen and the journal: "local, su - zimbra". */
  readonly label: string;
  /** A lock and journal key: one run per target at a time. */
  readonly targetId: string;
  readonly rehearsal: boolean;
  run(tool: ZimbraTool, args: string[], opts?: RunOptions): Promise<RunResult>;
  /**
   * Writes `content` to a fresh temporary file the zimbra user can read on the target, runs
   * the tool with every `FILE_ARG` in args replaced by its path, and removes the file.
   */
  runWithFile(tool: ZimbraTool, args: string[], content: string, opts?: RunOptions): Promise<RunResult>;
  /**
   * Optional: starts the tool once with stdin as a pipe and keeps it open, to be fed one line at
   * a time (zmprov's interactive mode). Resolves when the first prompt has arrived (the JVM has
   * started). stdout and stderr come back merged, in the order they were written.
   */
  openSession?(tool: ZimbraTool, args: string[], opts: SessionOptions): Promise<Session>;
}

export interface SessionOptions {
  /** Printed by the tool before it reads each line; it ends every answer (zmprov: `prov> `). */
  prompt: string;
  /** How long the first prompt may take (a JVM start, an ssh connection). Default 120 s. */
  startTimeoutMs?: number;
  /** Called with the child's pid as soon as it starts (journaled: a resumed run waits for it). */
  onSpawn?: (pid: number) => void;
  /** Called once the tool is launched (a process spawned, or an in-process tool started), before its first prompt. */
  onLaunch?: () => void;
  /** Aborted before the first prompt: the tool is killed (nothing was sent to it yet), open() rejects. */
  signal?: AbortSignal;
  /** The longest answer kept (default MAX_OUTPUT, nearly V8's longest string): a longer one fails its line, the tool is killed. */
  maxAnswerChars?: number;
}

export interface SendOptions {
  timeoutMs?: number;
  /**
   * The answer handed over piece by piece as it arrives (the echo of the line removed), in order;
   * the answer then resolves with an empty output. A listing never has to be one string.
   */
  onText?: (text: string) => void;
}

export interface SessionAnswer {
  /**
   * Everything the tool wrote after the line was sent, up to its next prompt: terminal escape
   * sequences, CRs and an echo of the line itself (line editing on stdin) removed.
   */
  output: string;
  durationMs: number;
}

/** A tool held open, answering one line at a time. One line in flight at a time. */
export interface Session {
  /** Process id of the tool (or of its wrapper: sh, su, ssh). */
  readonly pid?: number;
  /** Output before the first prompt (cleaned like an answer). */
  readonly greeting: string;
  /** The process has ended (or was killed): every further send rejects. */
  readonly ended: boolean;
  /**
   * Sends one line (no newline in it) and resolves with its answer. Lines may be sent before
   * earlier ones are answered: the tool reads them in order, answers come back in order. Rejects
   * with SessionEnded when the process ends before the next prompt (its partial output
   * attached), or when no prompt comes within `timeoutMs` of the line's turn: the process is
   * then killed (a hung line); lines behind it reject with `notRun`.
   */
  send(line: string, opts?: SendOptions): Promise<SessionAnswer>;
  /** Sends `lastLine` if given (zmprov: `exit`), closes stdin, waits for the end (killing it after `timeoutMs`). */
  close(opts?: { lastLine?: string; timeoutMs?: number }): Promise<{ exitCode: number; output: string }>;
  /** Kills the process (and its process group). */
  kill(): void;
}

export class SessionEnded extends Error {
  constructor(
    message: string,
    /** What the tool wrote for the line before it ended (cleaned). */
    readonly output: string,
    readonly exitCode: number | undefined,
    readonly timedOut: boolean,
    /** The line's turn never came: the tool ended (or was killed) on an earlier line. */
    readonly notRun = false,
    /** The answer was longer than the session keeps (maxAnswerChars). */
    readonly tooLong = false,
  ) {
    super(message);
  }
}

export const FILE_ARG = '\u0000FILE';
