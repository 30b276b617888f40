/** Rehearsal: the simulated Zimbra, in-process, with its state in a JSON file. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { injectionFromEnv } from '../sim/cli.js';
import { SimZimbra } from '../sim/index.js';
import type { Injection } from '../sim/index.js';
import type { Executor, RunOptions, RunResult, ZimbraTool } from './types.js';
import { FILE_ARG } from './types.js';

export class RehearsalExecutor implements Executor {
  readonly rehearsal = true;
  readonly targetId = 'rehearsal';
  readonly sim: SimZimbra;

  /**
   * `inject` fails matching zmprov commands; without it, the ZSPLIT_SIM_FAIL* variables of `env`
   * (as for the simulator's executables) are honoured, so a rehearsal can rehearse a failure.
   */
  constructor(readonly statePath: string, private readonly opts: { startDelayMs?: number; inject?: Injection; env?: NodeJS.ProcessEnv } = {}) {
    if (!existsSync(dirname(statePath))) mkdirSync(dirname(statePath), { recursive: true });
    this.sim = SimZimbra.open(statePath, { startDelayMs: opts.startDelayMs ?? 0, inject: opts.inject ?? injectionFromEnv(opts.env ?? process.env, statePath) });
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
