/** Runs the Zimbra tools on this host: directly, or as zimbra through su/runuser when root. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { shJoin } from '../zimbra/quote.js';
import type { ToolPaths } from './paths.js';
import { toolPath } from './paths.js';
import { MERGE_WRAPPER, ProcessSession } from './session.js';
import { spawnCapture } from './spawn.js';
import type { Executor, RunOptions, RunResult, Session, SessionOptions, ZimbraTool } from './types.js';
import { FILE_ARG } from './types.js';

export type SwitchUser = 'su' | 'runuser' | 'none';

export interface LocalOptions extends ToolPaths {
  /** 'current' never switches user (tests, odd installs). */
  runAs: 'zimbra' | 'current';
  switchWith?: 'su' | 'runuser';
  env?: NodeJS.ProcessEnv;
}

/** How a command reaches the zimbra user from who we are. */
export function switchUser(opts: LocalOptions, user = userInfo().username): SwitchUser {
  if (opts.runAs === 'current' || user === 'zimbra') return 'none';
  return opts.switchWith ?? 'su';
}

/** The argv that runs `argv` as zimbra: su needs one shell string, quoted by shJoin. */
export function asZimbra(argv: string[], how: SwitchUser): string[] {
  if (how === 'none') return argv;
  if (how === 'runuser') return ['runuser', '-u', 'zimbra', '--', ...argv];
  return ['su', '-', 'zimbra', '-c', shJoin(argv)];
}

/**
 * The argv of a session: `argv` with its stderr merged into stdout, as zimbra. The tool and its
 * arguments are positional parameters of a fixed `sh -c` string (never interpolated); through
 * `su -c`, whose one shell string is unavoidable, every word is quoted by shJoin.
 */
export function mergedAsZimbra(argv: string[], how: SwitchUser): string[] {
  if (how === 'su') return ['su', '-', 'zimbra', '-c', `exec ${shJoin(argv)} 2>&1`];
  return asZimbra(['sh', '-c', MERGE_WRAPPER, ...argv], how);
}

export class LocalExecutor implements Executor {
  readonly rehearsal = false;
  readonly targetId = 'local';
  private readonly how: SwitchUser;

  constructor(private readonly opts: LocalOptions) {
    this.how = switchUser(opts);
  }

  get label(): string {
    return this.how === 'none' ? `local, as ${userInfo().username}` : `local, ${this.how === 'su' ? 'su - zimbra' : 'runuser -u zimbra'}`;
  }

  run(tool: ZimbraTool, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return spawnCapture(asZimbra([toolPath(tool, this.opts), ...args], this.how), { ...opts, env: this.opts.env });
  }

  openSession(tool: ZimbraTool, args: string[], opts: SessionOptions): Promise<Session> {
    return ProcessSession.open(mergedAsZimbra([toolPath(tool, this.opts), ...args], this.how), { ...opts, env: this.opts.env });
  }

  async runWithFile(tool: ZimbraTool, args: string[], content: string, opts: RunOptions = {}): Promise<RunResult> {
    // A private directory the zimbra user may enter; the file holds commands, never secrets.
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-batch-'));
    const file = join(dir, 'batch.zmp');
    try {
      chmodSync(dir, 0o755);
      writeFileSync(file, content, { mode: 0o644 });
      return await this.run(tool, args.map((a) => (a === FILE_ARG ? file : a)), opts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
