/**
 * What zsplit's children share: the error for a command that cannot start, and killing the
 * children still running when zsplit exits (execa's own `cleanup` is off: its signal-exit hook
 * re-raised SIGINT/SIGTERM/SIGHUP and killed zsplit mid-run through its own stop handler).
 */

/**
 * The most output kept of one run or one session answer: all of it, up to nearly V8's longest
 * string (2^29 characters). execa's default (100 MB) cut the output of a 300,000-line `zmprov -f`
 * batch, and every line after the cut read as never run.
 */
export const MAX_OUTPUT = 2 ** 29 - 2 ** 20;

/** A command that could not start; `code` is the system's (ENOENT: no such program). */
export class SpawnError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Kill functions of the children now running. */
const running = new Set<() => void>();
let hooked = false;

/**
 * `kill` runs if zsplit exits (process.exit after a second signal included) while the child is
 * still running; the function returned forgets it (call it when the child has ended).
 */
export function killOnExit(kill: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const k of running) k();
    });
  }
  running.add(kill);
  return () => running.delete(kill);
}
