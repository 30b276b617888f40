/**
 * The simulated Zimbra, in-process: the rehearsal executor and the apply-engine tests run the
 * same zmprov/zmcontrol/zmmtactl/postconf/postmap over a SimState, optionally persisted to a
 * JSON file (saved after every mutating command) with its sidecar invocation log.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RunResult } from './output.js';
import {
  appendSidecar,
  appendWal,
  defaultState,
  loadState,
  saveState,
  type DefaultStateOptions,
  type SimLogRecord,
  type SimState,
} from './state.js';
import { runTool, type SimTool } from './tools.js';
import { ZmprovSession, type Injection, type ZmprovIO } from './zmprov.js';

export * from './state.js';
export { parseLine, readLogicalLine, LineReader, isJavaWhitespace } from './tokenize.js';
export { runZmprov, lookupCommand, ZmprovSession, jlineEcho, type Injection, type ZmprovIO, type CommandEvent } from './zmprov.js';
export { runTool, postconfValues, ldapLookup, zmcontrolVersion, SIM_TOOLS, isSimTool, type SimTool, type ToolIO } from './tools.js';
export { importSnapshot, type SnapshotText } from './import.js';
export type { RunResult } from './output.js';

export interface SimOptions {
  /** Persist here after every mutating command; invocations go to `<statePath>.log`. */
  statePath?: string;
  /** The simulated JVM start of each zmprov process (awaited by `run`, not by `runSync`). */
  startDelayMs?: number;
  /** Time per executed zmprov command. */
  cmdDelayMs?: number;
  inject?: Injection;
  soapDown?: boolean;
  now?: () => Date;
  newId?: () => string;
}

export interface RunExtras {
  stdin?: string;
  /** Files the tool may read (`zmprov -f PATH`): path → content. Others come from the real disk. */
  files?: Record<string, string>;
}

export class SimZimbra {
  /** Everything this instance would have written to the sidecar log, in order. */
  readonly log: SimLogRecord[] = [];
  private injectFired = 0;

  constructor(
    public state: SimState,
    readonly opts: SimOptions = {},
  ) {}

  /** Loads the state file, creating it with defaultState() when it does not exist. */
  static open(statePath: string, opts: Omit<SimOptions, 'statePath'> & DefaultStateOptions = {}): SimZimbra {
    let state: SimState;
    if (existsSync(statePath)) state = loadState(statePath);
    else {
      state = defaultState({ version: opts.version ?? process.env.ZSPLIT_SIM_VERSION, hostname: opts.hostname, domain: opts.domain });
      saveState(statePath, state);
    }
    return new SimZimbra(state, { ...opts, statePath });
  }

  get version(): string {
    return this.state.version;
  }

  /** Runs a tool and then waits out the simulated start and command time (timers, not blocking). */
  async run(tool: SimTool | string, argv: string[], extras: RunExtras = {}): Promise<RunResult> {
    let commands = 0;
    const r = this.exec(tool, argv, extras, () => commands++);
    const delay = tool === 'zmprov' ? (this.opts.startDelayMs ?? 0) + commands * (this.opts.cmdDelayMs ?? 0) : 0;
    if (delay > 0) await new Promise((res) => setTimeout(res, delay));
    return r;
  }

  /** The same without any delay. */
  runSync(tool: SimTool | string, argv: string[], extras: RunExtras = {}): RunResult {
    return this.exec(tool, argv, extras, () => undefined);
  }

  private record(rec: SimLogRecord): void {
    this.log.push(rec);
    if (this.opts.statePath) appendSidecar(this.opts.statePath, rec);
  }

  private exec(tool: string, argv: string[], extras: RunExtras, onCommand: () => void): RunResult {
    let mutated = false;
    const result = this.execInner(tool, argv, extras, onCommand, () => {
      mutated = true;
    });
    // Per-command saves skip fsync; the last one of the run is durable.
    if (mutated && this.opts.statePath) saveState(this.opts.statePath, this.state);
    return result;
  }

  /**
   * An interactive `zmprov [options]` held open and fed one line at a time: what the rehearsal
   * executor's session runs. One process start (one 'start' record, one simulated JVM start,
   * awaited here); each line then costs its commands' time only.
   */
  async session(argv: string[], opts: { lineEditing?: 'tty' } = {}): Promise<SimSession> {
    let mutated = false;
    let commands = 0;
    const io = this.toolIO('zmprov', argv, {}, () => commands++, () => (mutated = true));
    const zs = new ZmprovSession(this.state, argv, { ...io, lineEditing: opts.lineEditing });
    const wait = (ms: number) => (ms > 0 ? new Promise((res) => setTimeout(res, ms)) : Promise.resolve());
    await wait(this.opts.startDelayMs ?? 0);
    let saved = false;
    const finalSave = () => {
      if (saved || zs.exitCode === undefined) return;
      saved = true;
      if (mutated && this.opts.statePath) saveState(this.opts.statePath, this.state);
    };
    finalSave();
    return {
      greeting: zs.greeting,
      exitCode: () => zs.exitCode,
      send: async (line: string) => {
        commands = 0;
        const out = zs.send(line);
        await wait(commands * (this.opts.cmdDelayMs ?? 0));
        finalSave();
        return out;
      },
      close: () => {
        const code = zs.close();
        finalSave();
        return code;
      },
    };
  }

  private execInner(tool: string, argv: string[], extras: RunExtras, onCommand: () => void, onMutated: () => void): RunResult {
    return runTool(this.state, tool, argv, this.toolIO(tool, argv, extras, onCommand, onMutated));
  }

  /** Records the process start and builds the tool's I/O: files, injection, log, per-command persistence. */
  private toolIO(tool: string, argv: string[], extras: RunExtras, onCommand: () => void, onMutated: () => void): ZmprovIO {
    const now = this.opts.now ?? (() => new Date());
    const mode = tool !== 'zmprov' ? 'tool' : zmprovMode(argv);
    this.record({ type: 'start', tool, argv, mode, time: now().toISOString() });
    const files = extras.files ?? {};
    const inject = this.opts.inject ? { ...this.opts.inject, firedBefore: (this.opts.inject.firedBefore ?? 0) + this.injectFired } : undefined;
    return {
      stdin: extras.stdin ?? '',
      readFile: (p) => {
        if (p in files) return files[p];
        return readFileSync(p, 'utf8');
      },
      inject,
      soapDown: this.opts.soapDown,
      now,
      newId: this.opts.newId,
      onLog: (rec) => {
        if (rec.type === 'inject') this.injectFired++;
        this.record(rec);
      },
      onCommand: (ev) => {
        onCommand();
        if (ev.mutated) {
          onMutated();
          if (this.opts.statePath) {
            if (ev.touched?.length) appendWal(this.opts.statePath, this.state, ev.touched);
            else saveState(this.opts.statePath, this.state, { fsync: false });
          }
        }
      },
    };
  }
}

/** An in-process interactive zmprov (SimZimbra.session). */
export interface SimSession {
  /** Output before the first prompt, and the prompt. */
  readonly greeting: string;
  /** The exit code once the process has ended (exit, crash, abort, end of input). */
  exitCode(): number | undefined;
  /** One line in; all output up to the next prompt (or to the exit) out. */
  send(line: string): Promise<string>;
  /** Closes stdin: the process ends (0 at end of input). */
  close(): number;
}

/** How a zmprov argv runs: one command, a `-f` batch, or commands read from stdin. */
export function zmprovMode(argv: string[]): 'single' | 'file' | 'stdin' {
  let i = 0;
  let file = false;
  while (i < argv.length && argv[i].startsWith('-') && argv[i] !== '-') {
    const a = argv[i];
    if (['-f', '--file', '-s', '--server', '-a', '--account', '-p', '--password', '-P', '--passfile', '-L', '-y', '-Y'].includes(a)) {
      if (a === '-f' || a === '--file') file = true;
      i += 2;
      continue;
    }
    // A burst like -vf takes the next word as the file.
    if (/^-[a-zA-Z]*f$/.test(a) && !a.startsWith('--')) {
      file = true;
      i += 2;
      continue;
    }
    if (/^-[a-zA-Z]*f/.test(a) && !a.startsWith('--') && a !== '-fd') file = true;
    i++;
  }
  if (i < argv.length) return 'single';
  return file ? 'file' : 'stdin';
}
