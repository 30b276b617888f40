// What an apply of a long batch prints: 500 placeholders are 1,000 changes, and the terminal got a
// line for each. Now: the first three of a run of one status, a count of the rest; every failure
// still listed where it happened; --verbose and --json every step; the journal every result.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';

const N = 500;

function stepLines(out: string): string[] {
  return out.split('\n\n')[0].split('\n').filter((l) => l !== '');
}

describe(`an apply of ${N} placeholders (${2 * N} changes in one batch)`, () => {
  it('prints the first three results and a count of the rest, not a line per change', () => {
    const w = simWorld();
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(N))), '--yes']);
    expect(r.code, r.err).toBe(0);
    const lines = stepLines(r.out);
    expect(lines.slice(0, 4)).toEqual([
      expect.stringMatching(/^APPLIED\s+Placeholder for user0@example.com \(locked\)/),
      expect.stringMatching(/^APPLIED\s+Route user0@example.com to/),
      expect.stringMatching(/^APPLIED\s+Placeholder for user1@example.com \(locked\)/),
      `...             and ${(2 * N - 3).toLocaleString('en')} more APPLIED in the placeholders batch (--verbose lists each; the journal holds every result)`,
    ]);
    expect(lines.length).toBeLessThan(12);
    expect(r.out).toContain(`COMPLETED: ${2 * N + 2} applied`);
    // The journal has every result.
    const [run] = readdirSync(join(w.stateDir, 'runs'));
    expect(readFileSync(join(w.stateDir, 'runs', run), 'utf8').match(/"t":"result"/g)).toHaveLength(2 * N + 2 + 2);
  });

  it('a failure in the middle of the batch is listed where it happened, the runs around it counted', () => {
    const w = simWorld({ ZSPLIT_SIM_FAIL: '^ma user250@example.com zimbraMailTransport' });
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(N))), '--yes']);
    expect(r.code).not.toBe(0);
    const lines = stepLines(r.out);
    const failed = lines.findIndex((l) => /^FAILED\s+Route user250@example.com/.test(l));
    expect(failed, r.out.slice(0, 3000)).toBeGreaterThan(3);
    expect(lines[failed - 1]).toMatch(/^\.\.\.\s+and [\d,]+ more APPLIED in the placeholders batch/);
    expect(lines[failed + 1]).toMatch(/^\s+line \d+ \(ma user250@example.com .*ERROR: service\.FAILURE/);
    expect(lines.length).toBeLessThan(20);
  });

  it('--verbose prints every result', () => {
    const w = simWorld();
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(N))), '--yes', '--verbose']);
    expect(r.code, r.err).toBe(0);
    expect(stepLines(r.out).filter((l) => l.startsWith('APPLIED'))).toHaveLength(2 * N + 2);
    expect(r.out).not.toContain('more APPLIED');
  });
});

describe(`a run of ${N} placeholders cut off after its intents (every change in flight)`, () => {
  it('status and the resume count the steps in flight and what was found done, not a list of 1,000', () => {
    const w = simWorld();
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(N))), '--yes']);
    expect(a.code, a.err).toBe(0);
    // As a kill -9 after the batch was sent and before its results were journaled leaves it.
    const [run] = readdirSync(join(w.stateDir, 'runs'));
    const path = join(w.stateDir, 'runs', run);
    writeFileSync(path, readFileSync(path, 'utf8').split('\n').filter((l) => !/^\{"t":"(result|end)"/.test(l)).join('\n'));
    const status = w.zsplit(['status']);
    expect(status.out).toMatch(new RegExp(`in flight when it stopped: ${(2 * N + 2).toLocaleString('en')} steps \\(placeholder\\.create:user0@example\\.com; placeholder\\.transport:user0@example\\.com; placeholder\\.create:user1@example\\.com; and ${2 * N - 1} more\\)\\n`));
    const r = w.zsplit(['apply', '--resume', '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(new RegExp(`in flight: ${(2 * N + 2).toLocaleString('en')} steps \\(`));
    expect(r.err.length).toBeLessThan(2000);
    const lines = stepLines(r.out);
    expect(lines[3]).toBe(`...             and ${(2 * N - 3).toLocaleString('en')} more APPLIED (found done after the interruption) in the placeholders batch (--verbose lists each; the journal holds every result)`);
    expect(lines.length).toBeLessThan(12);
  });
});
