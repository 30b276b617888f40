// The renderings written piece by piece are the same bytes as the whole-string ones, and the
// preview folds a bulk group the way the script batches it.
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/model/types.js';
import { primaryPlanAnswers } from '../helpers/answers.js';
import { plan } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import { renderJson, renderSh, renderText, streamPlan } from '../../src/plan/render.js';
import { entryKey } from '../../src/zimbra/commands.js';

function primary(n: number): Answers {
  return primaryPlanAnswers(Array.from({ length: n }, (_, i) => ({ address: i === 3 ? "o'brien@example.com" : `user${i}@example.com`, aliases: i % 7 === 0 ? [`alias${i}@example.com`] : [] })));
}

function streamed(p: ReturnType<typeof plan>, format: 'text' | 'sh' | 'json'): { text: string; chunks: number } {
  const chunks: string[] = [];
  streamPlan(p, format, (c) => void chunks.push(c), { runAs: 'zimbra' });
  return { text: chunks.join(''), chunks: chunks.length };
}

describe('streamed plan output', () => {
  it('json parses to the plan, pretty as JSON.stringify(_, null, 2) except one compact line per member of a long array', () => {
    for (const n of [0, 2, 31, 32, 3000]) {
      const observed: Observed = { entries: { [entryKey({ kind: 'account', name: 'user1@example.com' })]: null, [entryKey({ kind: 'account', name: 'user2@example.com' })]: { zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[old]:25'] } } };
      for (const p of [plan('setup', primary(n)), plan('setup', primary(n), observed)]) {
        const value = { format: 'zsplit.plan/1', ...p };
        const text = streamed(p, 'json').text;
        expect(renderJson(p)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const lines = text.split('\n');
        if (p.steps.length < 64) expect(text).toBe(JSON.stringify(value, null, 2) + '\n');
        else {
          // each step on a line of its own, in order
          const stepLines = lines.filter((l) => l.startsWith('    {"id":'));
          expect(stepLines.map((l) => JSON.parse(l.replace(/,$/, '')).id)).toEqual(p.steps.map((s) => s.id));
        }
        if (n === 3000) expect(lines.filter((l) => l.startsWith('      {"address":')).length).toBe(n);
      }
    }
  });

  it('sh and text streamed equal their whole-string renderings, in chunks of bounded size', () => {
    const p = plan('setup', primary(3000));
    const sh = streamed(p, 'sh');
    expect(sh.text).toBe(renderSh(p, { runAs: 'zimbra' }));
    expect(sh.chunks).toBeGreaterThan(2);
    expect(streamed(p, 'text').text).toBe(renderText(p, { runAs: 'zimbra' }));
  });

  it('the preview folds a bulk group into one batch: each line once, each why once, one rollback summary', () => {
    const n = 50;
    const observed: Observed = { entries: { [entryKey({ kind: 'account', name: 'user1@example.com' })]: null } };
    const text = renderText(plan('setup', primary(n), observed), { runAs: 'zimbra' });
    expect(text).toMatch(/^\[\d+-\d+\/\d+\] 108 placeholders steps in one zmprov batch {2}\(zimbra, placeholder.create:<name>, placeholder.transport:<name>, placeholder.alias:<name>\)$/m);
    expect(text).toContain(`    $ su - zimbra -c 'zmprov -f '\\''<batch file>'\\'''   with these 108 lines:`);
    expect(text.match(/why: The authoritative side must know every address/g)).toHaveLength(1);
    expect(text).toContain("      ca user1@example.com '' zimbraAccountStatus locked zimbraHideInGal TRUE   # before: (no such entry)");
    expect(text).toContain("      ca 'o\\'brien@example.com' '' zimbraAccountStatus locked zimbraHideInGal TRUE\n");
    expect(text).toContain('      aaa user7@example.com alias7@example.com\n');
    expect(text).toContain('    rollback: deletes (zmprov da) only the accounts zsplit created; restores every other value recorded when applied');
    expect(text).not.toContain('Placeholder for user1@example.com');
    // Steps outside the group keep their own entry.
    expect(text).toMatch(/^\[\d+\/\d+\] .*\(MANUAL on /m);
  });

  it('a group below the batch size is shown step by step, as in the script', () => {
    const text = renderText(plan('setup', primary(4)));
    expect(text).toContain('Placeholder for user1@example.com (locked)');
    expect(text).not.toContain('in one zmprov batch');
  });
});
