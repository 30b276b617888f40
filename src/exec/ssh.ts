/** Runs the Zimbra tools on a remote host through the system's OpenSSH (BatchMode: never prompts). */
import { crypto } from '../model/crypto.js';
import { shJoin, shQuote } from '../zimbra/quote.js';
import type { ToolPaths } from './paths.js';
import { toolPath } from './paths.js';
import { ProcessSession } from './session.js';
import { spawnCapture } from './spawn.js';
import type { Executor, RunOptions, RunResult, Session, SessionOptions, ZimbraTool } from './types.js';
import { FILE_ARG } from './types.js';

export interface SshTarget {
  user: string;
  host: string;
  port?: number;
}

/** `ssh://user@host[:port]`. A user or host starting with `-` would be read by ssh as an option (`-oProxyCommand=...`): refused. */
export function parseSshTarget(url: string): SshTarget | undefined {
  const m = /^ssh:\/\/(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(url);
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { user: m[1] ?? 'root', host: m[2].replace(/^\[|\]$/g, ''), port };
}

/** ssh exits 255 for its own failures (connection, host key, authentication): said as such, not as a Zimbra error. */
function sshFailure(target: SshTarget, r: RunResult): RunResult {
  if (r.exitCode !== 255) return r;
  const why = `ssh to ${target.user}@${target.host}${target.port ? `:${target.port}` : ''} failed (exit 255): ${(r.stderr || r.combined).trim().split('\n').slice(-2).join(' / ') || 'no message'}\n`;
  return { ...r, stderr: why + r.stderr, combined: why + r.combined };
}

export class SshExecutor implements Executor {
  readonly rehearsal = false;

  constructor(private readonly target: SshTarget, private readonly opts: ToolPaths & { runAs: 'zimbra' | 'current'; ssh?: string }) {}

  get label(): string {
    return `ssh ${this.target.user}@${this.target.host}${this.opts.runAs === 'zimbra' && this.target.user !== 'zimbra' ? ', su - zimbra' : ''}`;
  }

  get targetId(): string {
    return `ssh-${this.target.user}@${this.target.host}`;
  }

  /** The remote shell command: the only place a string is built, by shJoin/shQuote. */
  remoteCommand(argv: string[]): string {
    const cmd = shJoin(argv);
    return this.opts.runAs === 'zimbra' && this.target.user !== 'zimbra' ? `su - zimbra -c ${shQuote(cmd)}` : cmd;
  }

  sshArgv(remote: string): string[] {
    const port = this.target.port ? ['-p', String(this.target.port)] : [];
    return [this.opts.ssh ?? 'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', ...port, `${this.target.user}@${this.target.host}`, '--', remote];
  }

  run(tool: ZimbraTool, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    let remote = this.remoteCommand([toolPath(tool, this.opts), ...args]);
    // Ordering of stdout/stderr survives only if the remote side merges them.
    if (opts.merge) remote = `{ ${remote} ; } 2>&1`;
    return spawnCapture(this.sshArgv(remote), opts).then((r) => sshFailure(this.target, r));
  }

  /**
   * One remote zmprov held open over one ssh connection (no -t: stdin stays a pipe), stderr
   * merged into stdout on the remote side so its order survives.
   */
  sessionRemote(tool: ZimbraTool, args: string[]): string {
    return `exec 2>&1; ${this.remoteCommand([toolPath(tool, this.opts), ...args])}`;
  }

  openSession(tool: ZimbraTool, args: string[], opts: SessionOptions): Promise<Session> {
    return ProcessSession.open(this.sshArgv(this.sessionRemote(tool, args)), opts);
  }

  runWithFile(tool: ZimbraTool, args: string[], content: string, opts: RunOptions = {}): Promise<RunResult> {
    // An unguessable name, created with noclobber, read by zimbra, removed whatever happens.
    const file = `/tmp/zsplit-${crypto().randomBytes(16).toString('hex')}.zmp`;
    const inner = this.remoteCommand([toolPath(tool, this.opts), ...args.map((a) => (a === FILE_ARG ? file : a))]);
    const remote = `set -C; umask 022; cat > ${file} || exit 1; { ${inner} ; } ${opts.merge ? '2>&1' : ''}; rc=$?; rm -f ${file}; exit $rc`;
    return spawnCapture(this.sshArgv(remote), { ...opts, input: content }).then((r) => sshFailure(this.target, r));
  }
}
