// The program cache of the one-file build (src/cli/onefile.ts): the bundled program as an ES module
// file that only this user can change, written once per build and verified at each start.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'program-';
const DAY_MS = 86_400_000;

/** $XDG_CACHE_HOME/zsplit, else ~/.cache/zsplit. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zsplit');
}

/**
 * True when only this user (or root) can change the path. zsplit runs as root: code loaded from a
 * file that someone else can write would run as root.
 */
function privateTo(path: string, kind: 'dir' | 'file'): boolean {
  const st = lstatSync(path);
  const uid = process.geteuid?.();
  return (kind === 'dir' ? st.isDirectory() : st.isFile()) && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** The program as a file in the cache, verified byte for byte before each use; written when absent or different. */
export function cachedProgram(program: Buffer, id: string, dir = cacheDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!privateTo(dir, 'dir')) throw new Error(`${dir} can be written by other users`);
  const file = join(dir, `${PREFIX}${id}.mjs`);
  try {
    if (privateTo(file, 'file') && readFileSync(file).equals(program)) return file;
  } catch {
    // absent: written below
  }
  // Written whole under a name of its own, then renamed: a concurrent start never reads half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, program);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // Earlier builds, left a day so that a run of another version starting just now still finds its own.
  for (const name of readdirSync(dir)) {
    const old = join(dir, name);
    if (name.startsWith(PREFIX) && name.endsWith('.mjs') && old !== file && Date.now() - statSync(old).mtimeMs > DAY_MS) rmSync(old, { force: true });
  }
  return file;
}
