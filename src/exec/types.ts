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
}

export const FILE_ARG = '\u0000FILE';
