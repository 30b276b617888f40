/** Rehearsal: the simulated Zimbra, in-process, with its state in a JSON file. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { injectionFromEnv } from '../sim/cli.js';
import { SimZimbra } from '../sim/index.js';
import type { Injection, SimSession } from '../sim/index.js';
import { answerText, cleanTerminal } from './session.js';
import type { Executor, RunOptions, RunResult, SendOptions, Session, SessionAnswer, SessionOptions, ZimbraTool } from './types.js';
import { FILE_ARG, SessionEnded } from './types.js';

export class RehearsalExecutor implements Executor {
  readonly rehearsal = true;
  readonly targetId = 'rehearsal';
  readonly sim: SimZimbra;

  /**
   * `inject` fails matching zmprov commands; without it, the ZSPLIT_SIM_FAIL* variables of `env`
   * (as for the simulator's executables) are honoured, so a rehearsal can rehearse a failure.
   */
  constructor(readonly statePath: string, private readonly opts: { startDelayMs?: number; cmdDelayMs?: number; inject?: Injection; env?: NodeJS.ProcessEnv } = {}) {
    if (!existsSync(dirname(statePath))) mkdirSync(dirname(statePath), { recursive: true });
    this.sim = SimZimbra.open(statePath, { startDelayMs: opts.startDelayMs ?? 0, cmdDelayMs: opts.cmdDelayMs, inject: opts.inject ?? injectionFromEnv(opts.env ?? process.env, statePath) });
  }

  /** The simulated interactive zmprov, in-process: the JVM start is paid once, here. */
  async openSession(tool: ZimbraTool, args: string[], opts: SessionOptions): Promise<Session> {
    if (tool !== 'zmprov') throw new Error(`no session for ${tool}`);
    const starting = this.sim.session(args, { lineEditing: (this.opts.env ?? process.env).ZSPLIT_SIM_JLINE === 'tty' ? 'tty' : undefined });
    opts.onLaunch?.();
    return new RehearsalSession(await starting, opts.prompt);
  }

  get label(): string {
    return `REHEARSAL (simulated Zimbra ${this.sim.version})`;
  }

  async run(tool: ZimbraTool, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(tool, args, undefined, opts);
  }

  async runWithFile(tool: ZimbraTool, args: string[], content: string, opts: RunOptions = {}): Promise<RunResult> {
    const path = '/tmp/zsplit-rehearsal.zmp';
    return this.exec(tool, args.map((a) => (a === FILE_ARG ? path : a)), { [path]: content }, opts);
  }

  private async exec(tool: ZimbraTool, args: string[], files: Record<string, string> | undefined, opts: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const r = await this.sim.run(tool, args, { files });
    return { exitCode: r.exitCode, stdout: opts.merge ? r.combined : r.stdout, stderr: opts.merge ? '' : r.stderr, combined: r.combined, durationMs: performance.now() - started };
  }
}

class RehearsalSession implements Session {
  readonly pid = undefined;
  readonly greeting: string;
  private killed = false;

  constructor(private readonly sim: SimSession, private readonly prompt: string) {
    const g = cleanTerminal(sim.greeting);
    this.greeting = g.endsWith(prompt) ? g.slice(0, g.length - prompt.length) : g;
  }

  get ended(): boolean {
    return this.killed || this.sim.exitCode() !== undefined;
  }

  /** Lines sent ahead wait their turn, as in a pipe. */
  private turn: Promise<unknown> = Promise.resolve();

  send(line: string, opts: SendOptions = {}): Promise<SessionAnswer> {
    const mine = this.turn.then(() => this.answer(line, opts.onText));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async answer(line: string, onText?: (text: string) => void): Promise<SessionAnswer> {
    const started = performance.now();
    if (this.ended) throw new SessionEnded(`the tool has ended (exit ${this.sim.exitCode() ?? 137})`, '', this.sim.exitCode(), false, true);
    const out = answerText(cleanTerminal(await this.sim.send(line)), line, this.prompt);
    const code = this.sim.exitCode();
    if (code !== undefined) throw new SessionEnded(`the tool ended on: ${line} (exit ${code})`, out, code, false);
    // In-process, the answer is already one string: handed over whole.
    if (onText) {
      if (out) onText(out);
      return { output: '', durationMs: performance.now() - started };
    }
    return { output: out, durationMs: performance.now() - started };
  }

  async close(opts: { lastLine?: string } = {}): Promise<{ exitCode: number; output: string }> {
    let output = '';
    if (!this.ended && opts.lastLine !== undefined) output = answerText(cleanTerminal(await this.sim.send(opts.lastLine)), opts.lastLine, this.prompt);
    const exitCode = this.killed ? 137 : (this.sim.exitCode() ?? this.sim.close());
    return { exitCode, output };
  }

  kill(): void {
    if (!this.ended) this.sim.close();
    this.killed = true;
  }
}
