/**
 * What a simulated zmprov process receives from its host and reports back: failure injection,
 * per-command events, stdin in its forms, and what JLine's line editing leaks into the output.
 */
import type { Fd } from '../output.js';
import type { SimLogRecord, Touched } from '../state.js';
import type { LineSource } from '../tokenize.js';

/** Make matching command lines fail, to test how the engine reports a failed line. */
export interface Injection {
  /** Tested against the command's argv joined with single spaces. */
  match: RegExp | string;
  /** `code` or `code (message)`; default `service.FAILURE (system failure: injected)`. */
  code?: string;
  /** Overrides the message part. */
  message?: string;
  /** Only the Nth matching command of this run fails (1-based). */
  nth?: number;
  /** Fail only if the injection never fired before (see firedBefore). */
  once?: boolean;
  /** How often it fired in earlier runs (the CLI reads this from the sidecar log). */
  firedBefore?: number;
}

export interface CommandEvent {
  argv: string[];
  /** The command changed the state (save it now). */
  mutated: boolean;
  /** Which entries it changed, so a save can write only those (state.ts: the write-ahead log). */
  touched?: Touched[];
  ok: boolean;
}

export interface ZmprovIO {
  /** Reads the `-f` file; defaults to the real file system. */
  readFile?(path: string): string;
  /**
   * What stdin delivers (interactive mode, and the `-l da` confirmation): the whole text, a lazy
   * form of it, or a line source read as lines arrive (the executable reads its pipe that way).
   */
  stdin?: string | (() => string) | LineSource;
  /**
   * JLine line editing on stdin (localconfig command_line_editing_enabled, true by default) when
   * JLine finds a controlling terminal although stdin is a pipe: 'tty' emulates what then leaks
   * into the output (see jlineEcho). Unset: JLine falls back to plain reads, nothing leaks.
   */
  lineEditing?: 'tty';
  inject?: Injection;
  /** mailboxd is down: SOAP mode fails before doing anything (zclient.IO_ERROR). */
  soapDown?: boolean;
  /** Streams output as it is written (the CLI forwards it to the real descriptors). */
  onOutput?(fd: Fd, text: string): void;
  /** After each executed command. */
  onCommand?(ev: CommandEvent): void;
  /** Records that belong in the sidecar log (orphaned mailboxes, flushes, injections). */
  onLog?(rec: SimLogRecord): void;
  /** Synchronous sleep, used for startDelayMs (the JVM start) and cmdDelayMs (each command). */
  sleep?(ms: number): void;
  startDelayMs?: number;
  cmdDelayMs?: number;
  /**
   * What a listing costs on a real server besides the command (microseconds): each account the
   * LDAP search returns (decoded into an Account, its COS defaults merged, a SimpleDateFormat made
   * per dumpAttrs call), and each line printed (ProvUtil.printOutput wraps every line in a new
   * BufferedWriter and flushes it: one write(2) per attribute value). Charged to every command by
   * the lines it prints, and to `gaa` by the accounts it visits.
   */
  listAccountUs?: number;
  lineUs?: number;
  now?(): Date;
  newId?(): string;
}

/**
 * What JLine's line editing leaks into the output when stdin is a pipe (zimbra.md §2.1: stdin
 * mode switches JLine on when localconfig command_line_editing_enabled is true, the default).
 * The reference gives no exact bytes, so this is an emulation, chosen to be plausible and
 * unfriendly: a JLine ConsoleReader that found a controlling terminal (su from an interactive
 * login) puts that terminal in raw mode with echo off and echoes every character it reads
 * itself, to stdout, ending the line with CR LF; on its first read it also sends the terminal
 * set-up sequence a terminfo-driven line editor emits (keypad transmit mode, ESC [ ? 1 h ESC =).
 * Every physical line read from stdin is echoed, the answer to a confirmation prompt included.
 * A client must therefore drop an echo of its own line and strip escape sequences and CRs.
 */
export function jlineEcho(source: LineSource, write: (text: string) => void): LineSource {
  let first = true;
  return {
    readLine(): string | null {
      if (first) write('\u001b[?1h\u001b=');
      first = false;
      const line = source.readLine();
      if (line !== null) write(`${line}\r\n`);
      return line;
    },
  };
}
