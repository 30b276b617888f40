/** The process streams a command writes to, injectable for tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where typed answers come from (default process.stdin). */
  input?: NodeJS.ReadableStream;
}

export const EXIT = { ok: 0, failure: 1, invalid: 2, refused: 2, changesPending: 3 } as const;

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}
