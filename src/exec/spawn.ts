/**
 * Spawns an argv (never a shell string of ours) and captures its output, through execa: a
 * timeout ends the child with SIGTERM and, after a grace period, SIGKILL; a child still running
 * when zsplit exits is killed with it; a command that cannot start fails with its name.
 */
import { killOnExit, MAX_OUTPUT, SpawnError } from './children.js';
import { MERGE_WRAPPER } from './session.js';
import type { RunOptions, RunResult } from './types.js';

/** After a timeout's SIGTERM, how long a child may take to end before it is killed. */
export const KILL_GRACE_MS = 5_000;

export { MAX_OUTPUT, SpawnError };

export async function spawnCapture(argv: string[], opts: RunOptions & { input?: string; env?: NodeJS.ProcessEnv; killGraceMs?: number } = {}): Promise<RunResult> {
  const started = performance.now();
  // Merged output: stdout and stderr are one pipe, shared through `sh -c 'exec "$0" "$@" 2>&1'`
  // (the argv stays positional parameters): the only way to keep the exact order in which zmprov
  // wrote its prompts and its ERROR lines.
  const run = opts.merge ? ['/bin/sh', '-c', MERGE_WRAPPER, ...argv] : argv;
  // Loaded at the first run, not when the program starts (the wizard's first frame does not wait for it).
  const { execa } = await import('execa');
  const child = execa(run[0], run.slice(1), {
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    all: true,
    maxBuffer: MAX_OUTPUT,
    env: opts.env ?? process.env,
    extendEnv: false,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: opts.killGraceMs ?? KILL_GRACE_MS,
    // Not execa's cleanup: its signal-exit hook re-raises SIGINT/SIGTERM/SIGHUP when it counts
    // itself the only other listener, which killed zsplit mid-run through its own stop handler
    // (src/cli/apply.ts). Children still running are killed on exit by killOnExit instead.
    cleanup: false,
    reject: false,
    stripFinalNewline: false,
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  const forget = killOnExit(() => child.kill('SIGKILL'));
  const r = await child.finally(forget);
  // Not started at all (no such program, not executable): an error naming the command.
  if (r.exitCode === undefined && r.signal === undefined) throw new SpawnError(r.shortMessage ?? `${argv.join(' ')}: could not start`, 'code' in r ? (r.code as string | undefined) : undefined);
  // Through the wrapper, the shell reports it: `<name>: 1: exec: <name>: not found` (127) or `Permission denied` (126).
  if (opts.merge && r.exitCode === 127 && /: exec: .*: not found\s*$/.test(r.all ?? '')) throw new SpawnError(`Command failed with ENOENT: ${argv.join(' ')}`, 'ENOENT');
  if (opts.merge && r.exitCode === 126 && /: exec: .*: Permission denied\s*$/.test(r.all ?? '')) throw new SpawnError(`Command failed with EACCES: ${argv.join(' ')}`, 'EACCES');
  const combined = r.all ?? '';
  return {
    exitCode: r.exitCode ?? (r.signal ? 128 + 9 : 1),
    stdout: opts.merge ? combined : r.stdout,
    stderr: opts.merge ? '' : r.stderr,
    combined,
    durationMs: performance.now() - started,
    pid: child.pid,
  };
}
