// The one-file build's program cache: zsplit runs as root, so the file it loads code from must be
// private and must be exactly the program it carries.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir, cachedProgram } from '../../src/cli/cache.js';

const PROGRAM = Buffer.from('process.stdout.write("the program\\n");\n');
const fresh = () => join(mkdtempSync(join(tmpdir(), 'zsplit-cache-')), 'zsplit');

describe('the program cache', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/var/cache/x' })).toBe('/var/cache/x/zsplit');
    expect(cacheDir({})).toMatch(/\/\.cache\/zsplit$/);
  });

  it('writes the program once, private to this user, and reuses it untouched', () => {
    const dir = fresh();
    const file = cachedProgram(PROGRAM, 'abc', dir);
    expect(file).toBe(join(dir, 'program-abc.mjs'));
    expect(readFileSync(file)).toEqual(PROGRAM);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = statSync(file);
    expect(cachedProgram(PROGRAM, 'abc', dir)).toBe(file);
    expect(statSync(file).ino).toBe(before.ino);
    expect(readdirSync(dir)).toEqual(['program-abc.mjs']);
  });

  it('replaces a file whose bytes differ from the program (tampered or cut short)', () => {
    const dir = fresh();
    const file = cachedProgram(PROGRAM, 'abc', dir);
    writeFileSync(file, 'process.stdout.write("not the program")');
    expect(readFileSync(cachedProgram(PROGRAM, 'abc', dir))).toEqual(PROGRAM);
    writeFileSync(file, PROGRAM.subarray(0, 10));
    expect(readFileSync(cachedProgram(PROGRAM, 'abc', dir))).toEqual(PROGRAM);
  });

  it('replaces a file others can write, and a symbolic link, by a private file', () => {
    const dir = fresh();
    const file = cachedProgram(PROGRAM, 'abc', dir);
    chmodSync(file, 0o666);
    cachedProgram(PROGRAM, 'abc', dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const elsewhere = join(dir, '..', 'elsewhere.mjs');
    writeFileSync(elsewhere, PROGRAM);
    const linked = join(dir, 'program-def.mjs');
    symlinkSync(elsewhere, linked);
    expect(cachedProgram(PROGRAM, 'def', dir)).toBe(linked);
    expect(lstatSync(linked).isSymbolicLink()).toBe(false);
  });

  it('refuses a cache folder that other users can write', () => {
    const dir = fresh();
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    expect(() => cachedProgram(PROGRAM, 'abc', dir)).toThrow(/can be written by other users/);
    expect(existsSync(join(dir, 'program-abc.mjs'))).toBe(false);
  });

  it('removes earlier builds after a day, keeps recent ones', () => {
    const dir = fresh();
    const old = cachedProgram(PROGRAM, 'old', dir);
    const recent = cachedProgram(PROGRAM, 'recent', dir);
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    cachedProgram(PROGRAM, 'new', dir);
    expect(readdirSync(dir).sort()).toEqual(['program-new.mjs', 'program-recent.mjs']);
    expect(existsSync(recent)).toBe(true);
  });
});
