/** Spawns an argv (never a shell string of ours) and captures its output. */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions, RunResult } from './types.js';

export function spawnCapture(argv: string[], opts: RunOptions & { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const started = performance.now();
  // Merged output goes to one file descriptor shared by stdout and stderr: the only way to
  // keep the exact order in which zmprov wrote its prompts and its ERROR lines.
  let mergeDir: string | undefined;
  let mergeFd: number | undefined;
  if (opts.merge) {
    mergeDir = mkdtempSync(join(tmpdir(), 'zsplit-out-'));
    mergeFd = openSync(join(mergeDir, 'out'), 'w', 0o600);
  }
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', mergeFd ?? 'pipe', mergeFd ?? 'pipe'],
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs,
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let combined = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => ((stdout += d), (combined += d)));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => ((stderr += d), (combined += d)));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (mergeFd !== undefined) {
        combined = readFileSync(join(mergeDir!, 'out'), 'utf8');
        stdout = combined;
      }
      cleanup();
      resolve({ exitCode: code ?? (signal ? 128 + 9 : 1), stdout, stderr, combined, durationMs: performance.now() - started, pid: child.pid });
    });
  });
  function cleanup() {
    if (mergeFd !== undefined) closeSync(mergeFd);
    if (mergeDir) rmSync(mergeDir, { recursive: true, force: true });
    mergeFd = undefined;
    mergeDir = undefined;
  }
}
