// What an apply of a long batch prints: 500 placeholders are 1,000 changes, and the terminal got a
// line for each. Now: the first three of a run of one status, a count of the rest; every failure
// still listed where it happened; --verbose and --json every step; the journal every result.
import { readdirSync, readFileSync } from 'node:fs';
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
