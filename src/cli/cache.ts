// The program cache of the one-file build (src/cli/onefile.ts): the bundled program and its lazily
// loaded libraries as ES module files that only this user can change, written once per build and
// verified at each start.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Files of the cache: the program (program-<hash>.mjs) and its libraries (lib-<name>-<hash>.mjs). */
const OURS = /^(program|lib)-.*\.mjs$/;
const HOUR_MS = 3_600_000;
/** A file unused this long is removed (a wizard left open for days may still import its libraries). */
const UNUSED_MS = 7 * 24 * HOUR_MS;

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

/** Written whole under a name of its own, then renamed: a concurrent start never reads half a file. */
function writeWhole(file: string, bytes: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * The files in the cache, each verified byte for byte before each use and written when absent or
 * different; returns the path of the first (the program). Their modification time says when they
 * were last used.
 */
export function cachedProgram(files: readonly (readonly [name: string, bytes: Buffer])[], dir = cacheDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!privateTo(dir, 'dir')) throw new Error(`${dir} can be written by other users`);
  const now = Date.now();
  let wrote = false;
  for (const [name, bytes] of files) {
    const file = join(dir, name);
    let same = false;
    try {
      same = privateTo(file, 'file') && readFileSync(file).equals(bytes);
      if (same && now - statSync(file).mtimeMs > HOUR_MS) utimesSync(file, now / 1000, now / 1000);
    } catch {
      // absent: written below
    }
    if (!same) {
      writeWhole(file, bytes);
      wrote = true;
    }
  }
  // A new build: files of earlier ones that no run used for a week go.
  if (wrote) {
    const current = new Set(files.map(([name]) => name));
    for (const name of readdirSync(dir)) {
      const old = join(dir, name);
      if (OURS.test(name) && !current.has(name) && now - statSync(old).mtimeMs > UNUSED_MS) rmSync(old, { force: true });
    }
  }
  return join(dir, files[0][0]);
}
