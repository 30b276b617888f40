// The one-file build's program cache: zsplit runs as root, so the file it loads code from must be
// private and must be exactly the program it carries.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir, cachedProgram } from '../../src/cli/cache.js';

const PROGRAM = Buffer.from('process.stdout.write("the program\\n");\n');
const LIB = Buffer.from('export const lib = 1;\n');
/** The files of one build: its program and a library it loads lazily. */
const build = (id: string, lib = 'lib-x-1.mjs') =>
  [
    [`program-${id}.mjs`, PROGRAM],
    [lib, LIB],
  ] as const;
const fresh = () => join(mkdtempSync(join(tmpdir(), 'zsplit-cache-')), 'zsplit');

describe('the program cache', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/var/cache/x' })).toBe('/var/cache/x/zsplit');
    expect(cacheDir({})).toMatch(/\/\.cache\/zsplit$/);
  });

  it('writes the program once, private to this user, and reuses it untouched', () => {
    const dir = fresh();
    const file = cachedProgram(build('abc'), dir);
    expect(file).toBe(join(dir, 'program-abc.mjs'));
    expect(readFileSync(file)).toEqual(PROGRAM);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = statSync(file);
    expect(cachedProgram(build('abc'), dir)).toBe(file);
    expect(statSync(file).ino).toBe(before.ino);
    expect(readdirSync(dir).sort()).toEqual(['lib-x-1.mjs', 'program-abc.mjs']);
    expect(readFileSync(join(dir, 'lib-x-1.mjs'))).toEqual(LIB);
    expect(statSync(join(dir, 'lib-x-1.mjs')).mode & 0o777).toBe(0o600);
  });

  it('replaces a file whose bytes differ from the program (tampered or cut short)', () => {
    const dir = fresh();
    const file = cachedProgram(build('abc'), dir);
    writeFileSync(file, 'process.stdout.write("not the program")');
    expect(readFileSync(cachedProgram(build('abc'), dir))).toEqual(PROGRAM);
    writeFileSync(file, PROGRAM.subarray(0, 10));
    expect(readFileSync(cachedProgram(build('abc'), dir))).toEqual(PROGRAM);
  });

  it('replaces a file others can write, and a symbolic link, by a private file', () => {
    const dir = fresh();
    const file = cachedProgram(build('abc'), dir);
    chmodSync(file, 0o666);
    cachedProgram(build('abc'), dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const elsewhere = join(dir, '..', 'elsewhere.mjs');
    writeFileSync(elsewhere, PROGRAM);
    const linked = join(dir, 'program-def.mjs');
    symlinkSync(elsewhere, linked);
    expect(cachedProgram(build('def'), dir)).toBe(linked);
    expect(lstatSync(linked).isSymbolicLink()).toBe(false);
  });

  it('refuses a cache folder that other users can write', () => {
    const dir = fresh();
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    expect(() => cachedProgram(build('abc'), dir)).toThrow(/can be written by other users/);
    expect(existsSync(join(dir, 'program-abc.mjs'))).toBe(false);
  });

  it('replaces a library whose bytes differ, as the program', () => {
    const dir = fresh();
    cachedProgram(build('abc'), dir);
    writeFileSync(join(dir, 'lib-x-1.mjs'), 'export const lib = "not ours";');
    cachedProgram(build('abc'), dir);
    expect(readFileSync(join(dir, 'lib-x-1.mjs'))).toEqual(LIB);
  });

  it('removes the files of earlier builds unused for a week, keeps recent ones and those in use', () => {
    const dir = fresh();
    const old = cachedProgram(build('old', 'lib-x-old.mjs'), dir);
    const recent = cachedProgram(build('recent', 'lib-x-recent.mjs'), dir);
    const shared = join(dir, 'lib-x-1.mjs');
    writeFileSync(shared, LIB, { mode: 0o600 });
    const eightDaysAgo = (Date.now() - 8 * 86_400_000) / 1000;
    for (const f of [old, join(dir, 'lib-x-old.mjs'), shared]) utimesSync(f, eightDaysAgo, eightDaysAgo);
    // the new build shares lib-x-1.mjs: its use refreshes it
    cachedProgram(build('new'), dir);
    expect(readdirSync(dir).sort()).toEqual(['lib-x-1.mjs', 'lib-x-recent.mjs', 'program-new.mjs', 'program-recent.mjs']);
    expect(existsSync(recent)).toBe(true);
    expect(Date.now() - statSync(shared).mtimeMs).toBeLessThan(86_400_000);
  });
});
