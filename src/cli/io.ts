/** The process streams a command writes to, injectable for tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const EXIT = { ok: 0, failure: 1, invalid: 2, refused: 2, changesPending: 3 } as const;

/**
 * Writes to a stream whose reader may be gone (`zsplit apply ... | head`, a dropped SSH session):
 * EPIPE and the like end the output, never the run (an apply goes on and journals its end).
 */
function safeWriter(stream: NodeJS.WriteStream): (t: string) => void {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return (t) => {
    if (broken || stream.destroyed) return;
    try {
      stream.write(t);
    } catch {
      broken = true;
    }
  };
}

export function processIO(): CliIO {
  return {
    out: safeWriter(process.stdout),
    err: safeWriter(process.stderr),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Errors of the operator's environment (a full disk, a read-only or missing path): a message, not a stack trace. */
const ENV_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'a symbolic link where none is allowed',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ECONNREFUSED: 'connection refused',
};

export function operatorMessage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !ENV_ERRORS[err.code]) return undefined;
  const where = err.path ? ` (${err.path}${err.dest ? ` -> ${err.dest}` : ''})` : '';
  return `${err.syscall ? `${err.syscall}: ` : ''}${ENV_ERRORS[err.code]}${where} [${err.code}]`;
}
