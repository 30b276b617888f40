// --help lists every flag the README and zsplit's own messages mention, and every flag it parses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/cli/args.js';
import { HELP } from '../../src/cli/help.js';
import { ROOT } from '../helpers/sim.js';

/** Options of other programs that zsplit names: zmprov's (redacted or simulated), node's heap size (NODE_OPTIONS). */
const FOREIGN = new Set(['password', 'max-old-space-size']);
/** Options of `npm run bench` (scripts/bench.ts), which README names beside the bench. */
const BENCH = new Set(['start-ms', 'cmd-ms', 'list-account-us', 'line-us', 'quick', 'only']);
/** The simulator and the executors speak for zmprov, postfix and ssh, not for zsplit. */
const NOT_ZSPLIT = ['src/sim', 'src/exec'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return NOT_ZSPLIT.includes(relative(ROOT, p)) ? [] : sources(p);
    return /\.tsx?$/.test(n) ? [p] : [];
  });
}

function flagsIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/g)].map((m) => m[1]);
}

const listed = (flag: string) => new RegExp(`(?<![\\w-])--${flag}(?![\\w-])`).test(HELP);

describe('zsplit --help', () => {
  it('lists every --flag of README.md and of the messages in src/', () => {
    const mentioned = new Map<string, string>();
    for (const f of flagsIn(readFileSync(join(ROOT, 'README.md'), 'utf8'))) mentioned.set(f, 'README.md');
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'screens'))])
      for (const f of flagsIn(readFileSync(file, 'utf8'))) if (!mentioned.has(f)) mentioned.set(f, relative(ROOT, file));
    expect(mentioned.has('no-flow-check')).toBe(true);
    const missing = [...mentioned].filter(([f]) => !FOREIGN.has(f) && !BENCH.has(f) && !listed(f)).map(([f, where]) => `--${f} (${where})`);
    expect(missing).toEqual([]);
  });

  it('lists every flag it parses', () => {
    const missing = Object.keys(OPTIONS).filter((f) => !listed(f));
    expect(missing).toEqual([]);
  });
});
