// `--format json --out FILE` encodes the plan piece by piece into one reused buffer (src/cli/output.ts):
// the file must hold exactly the JSON of the plan, also where multi-byte characters, escapes, a
// lone surrogate, a piece larger than the buffer and undefined members meet the buffer's edges.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePlan } from '../../src/cli/output.js';
import type { CliIO } from '../../src/cli/io.js';
import { redactPlan } from '../../src/journal/journal.js';
import { plan } from '../../src/plan/index.js';
import type { Observed, Plan } from '../../src/plan/index.js';
import { JSON_MEMBER_SENTINEL, PLAN_SCHEMA } from '../../src/plan/render.js';
import { entryKey } from '../../src/zimbra/commands.js';
import { primaryPlanAnswers } from '../helpers/answers.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-plan-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(sink: string[] = []): CliIO {
  return { out: (t) => void sink.push(t), err: () => {}, isTTY: false, env: {}, cwd: dir };
}

/**
 * The documented layout, built from JSON.stringify alone: `JSON.stringify(_, null, 2)`, except that
 * an array of 64 or more members has each member compact on a line of its own (render.ts emitJson).
 */
function expectedJson(v: unknown, pad = '', depth = 0): string {
  if (Array.isArray(v) && v.length >= 64) return `[\n${v.map((m) => `${pad}  ${JSON.stringify(m) ?? 'null'}`).join(',\n')}\n${pad}]`;
  if (depth < 2 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const members = Object.entries(v).filter(([, e]) => e !== undefined && typeof e !== 'function');
    if (members.length === 0) return '{}';
    return `{\n${members.map(([k, e]) => `${pad}  ${JSON.stringify(k)}: ${expectedJson(e, pad + '  ', depth + 1)}`).join(',\n')}\n${pad}}`;
  }
  return JSON.stringify(v, null, 2).replaceAll('\n', `\n${pad}`);
}

/** A primary plan of 1,000+ steps, journal-redacted, with text that needs escaping or more than one byte. */
function awkwardPlan(opts: { sentinels: boolean }): Plan {
  const accounts = Array.from({ length: 700 }, (_, i) => ({ address: `user${i}@example.com`, aliases: i % 5 === 0 ? [`alias${i}@example.com`] : [] }));
  const observed: Observed = { entries: { [entryKey({ kind: 'account', name: 'user1@example.com' })]: { zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[old]:25'] } } };
  const p = redactPlan(plan('setup', primaryPlanAnswers(accounts), observed));
  const odd = ['Café ☃ «straße»', 'emoji 😀 and 𝄞', 'quote " backslash \\ tab \t newline \n nul \u0000 del \u007f', 'lone \ud800 surrogate', '\u2028 line separator'];
  const steps = p.steps.map((s, i) => ({ ...s, title: `${s.title} ${odd[i % odd.length]}`, ...(i === 5 ? { why: '€'.repeat(600_000) } : {}) }));
  // A password-bearing argv as the journal keeps it: the secret masked.
  steps.push({ ...steps[0], id: 'secret.ca', argv: ['ca', 'user0@example.com', 'hunter2-secret', 'zimbraAccountStatus', 'locked'] });
  // Long arrays are stringified in batches split at a sentinel string: members holding it, or being
  // it, and members whose toJSON sees its key must come out as JSON.stringify writes each alone.
  if (!opts.sentinels) return redactPlan({ ...p, steps, notes: [...p.notes, 'noté ✓'], warnings: ['⚠ warning "quoted"'] });
  steps[40] = { ...steps[40], argv: ['ma', JSON_MEMBER_SENTINEL, 'x', JSON_MEMBER_SENTINEL, 'y'] };
  steps[300] = { ...steps[300], title: `a ${JSON_MEMBER_SENTINEL} title` };
  const sentinelAt = new Set([3, 4, 70, 127, 128]);
  const warnings: unknown[] = Array.from({ length: 200 }, (_, i) => (sentinelAt.has(i) ? JSON_MEMBER_SENTINEL : `⚠ warning ${i} "quoted"`));
  warnings[10] = { toJSON: (key: string) => `toJSON saw key "${key}"` };
  warnings[11] = new Date(0);
  warnings[12] = undefined;
  warnings[140] = ['nested', JSON_MEMBER_SENTINEL, 'array'];
  const redacted = redactPlan({ ...p, steps, notes: [...p.notes, 'noté ✓'], warnings: warnings as string[] });
  expect(redacted.steps.length).toBeGreaterThan(1000);
  return redacted;
}

describe('zsplit plan --format json --out FILE', () => {
  it('writes the JSON of the plan byte for byte: unicode, escapes, redacted secrets, 1,000+ steps', () => {
    const p = awkwardPlan({ sentinels: true });
    const out = join(dir, 'plan.json');
    writePlan(p, 'json', { runAs: 'zimbra', out, io: io() });
    const bytes = readFileSync(out);
    const value = { format: PLAN_SCHEMA, ...p };
    expect(bytes.equals(Buffer.from(expectedJson(value) + '\n', 'utf8'))).toBe(true);
    const text = bytes.toString('utf8');
    // As JSON.stringify of the whole plan, but for the toJSON that reads its key: each member of a long array is stringified alone.
    expect(text).toContain('"toJSON saw key \\"\\""');
    const whole = { ...value, warnings: value.warnings.map((w, i) => (i === 10 ? 'toJSON saw key ""' : w)) };
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(whole)));
    expect(text).not.toContain('hunter2-secret');
    expect(text).toContain('"argv":["ca","user0@example.com","*****","zimbraAccountStatus","locked"]');
    expect(text).toContain('\\ud800 surrogate');
    // Written to stdout instead: the same bytes.
    const chunks: string[] = [];
    writePlan(p, 'json', { runAs: 'zimbra', io: io(chunks) });
    expect(Buffer.from(chunks.join(''), 'utf8').equals(bytes)).toBe(true);
  });

  it('text and sh files equal what stdout gets; the script is executable, the others not', () => {
    const p = awkwardPlan({ sentinels: false });
    for (const format of ['text', 'sh', 'json'] as const) {
      const out = join(dir, `plan-${format}`);
      writePlan(p, format, { runAs: 'zimbra', out, io: io() });
      const chunks: string[] = [];
      writePlan(p, format, { runAs: 'zimbra', io: io(chunks) });
      expect(readFileSync(out).equals(Buffer.from(chunks.join(''), 'utf8')), format).toBe(true);
      expect(statSync(out).mode & 0o777, format).toBe(format === 'sh' ? 0o755 : 0o644);
    }
  });

  it('a rendering that fails half way leaves no partial plan: a file it created is removed, one it overwrote is emptied', () => {
    // More than the 1 MB buffer is written before the step that cannot be quoted (validation refuses
    // control characters earlier; this is the renderer's own last line of defence).
    const p = plan('setup', primaryPlanAnswers(Array.from({ length: 20_000 }, (_, i) => ({ address: `user${i}@example.com`, aliases: [] }))));
    const bad = { ...p, steps: [...p.steps, { ...p.steps[0], id: 'bad', bulk: undefined, argv: ['ma', 'user0@example.com', 'description', 'line\nbreak'] }] };
    const created = join(dir, 'half.sh');
    expect(() => writePlan(bad, 'sh', { runAs: 'zimbra', out: created, io: io() })).toThrow(/control character/);
    expect(existsSync(created)).toBe(false);
    const overwritten = join(dir, 'old-plan.sh');
    writeFileSync(overwritten, '#!/bin/sh\necho an older plan\n');
    expect(() => writePlan(bad, 'sh', { runAs: 'zimbra', out: overwritten, io: io() })).toThrow(/control character/);
    expect(readFileSync(overwritten, 'utf8')).toBe('');
  });
});
