/**
 * The state dir (journals, locks) is trusted like the program cache: it must be a directory of
 * the user running zsplit that nobody else can write. A journal another user can edit could make a
 * rollback "restore" values of their choosing.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class StateDirError extends Error {
  override readonly name = 'StateDirError';
  /** true: refused by policy (exit 2); false: the system would not let it be created (exit 1). */
  constructor(message: string, readonly refused = true) {
    super(message);
  }
}

const REASONS: Record<string, string> = { EROFS: 'read-only file system', EACCES: 'permission denied', ENOSPC: 'no space left on device', ENOTDIR: 'a part of the path is not a directory' };

/** Creates `dir` (0700) if needed and checks it: a directory, not a symlink when `noLink`, owned by us, not group/other-writable. */
export function privateDir(dir: string, what: string, noLink: boolean): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
        mkdirSync(dir, { mode: 0o700 });
      } catch (e2) {
        const c2 = (e2 as NodeJS.ErrnoException).code ?? '';
        if (c2 !== 'EEXIST') throw new StateDirError(`${what} ${dir}: cannot create it: ${REASONS[c2] ?? c2}`, false);
      }
    } else if (code !== 'EEXIST') throw new StateDirError(`${what} ${dir}: cannot create it: ${REASONS[code ?? ''] ?? code}`, false);
  }
  const link = lstatSync(dir);
  if (noLink && link.isSymbolicLink()) throw new StateDirError(`${what} ${dir} is a symbolic link: refused (replace it with a directory)`);
  const st = statSync(dir);
  if (!st.isDirectory()) throw new StateDirError(`${what} ${dir} is not a directory`);
  const uid = process.geteuid?.();
  if (uid !== undefined && st.uid !== uid) throw new StateDirError(`${what} ${dir} belongs to uid ${st.uid}, not to the user running zsplit (uid ${uid}): refused; use a directory of your own (--state-dir)`);
  if ((st.mode & 0o022) !== 0)
    throw new StateDirError(`${what} ${dir} can be written by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)}): refused; run chmod go-w ${dir}`);
}
