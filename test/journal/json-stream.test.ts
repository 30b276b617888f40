// A run's first journal line is written in pieces (emitCompact) and read as its bytes go by
// (readFirstRecord): neither makes it one string, and both must agree with JSON.stringify and
// JSON.parse byte for byte and value for value, wherever a chunk of the file ends.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFirstRecord, readJsonStreamed } from '../../src/journal/json-stream.js';
import { emitJson } from '../../src/plan/render.js';
import type { Plan } from '../../src/plan/step.js';
import { Journal, journalText, type JournalRecord } from '../../src/journal/journal.js';
import { emitCompact } from '../../src/model/json-pieces.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-first-line-'));

/** Strings that stress a byte scanner: quotes, backslashes, brackets, commas, keys it looks for, any unicode. */
const tricky = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('"', '\\', '\\"', '[', ']', '{', '}', ',', ':', 'steps', 'plan', '"steps":[', '],"plan":{', 'é✓', '\ud83d\ude00', '\n'),
);
const step = fc.record(
  { id: tricky, title: tricky, why: tricky, argv: fc.array(tricky, { maxLength: 5 }), steps: fc.array(tricky, { maxLength: 2 }), n: fc.integer(), before: fc.option(fc.array(tricky, { maxLength: 2 })), deep: fc.jsonValue({ maxDepth: 3 }) },
  { requiredKeys: ['id', 'title', 'argv'] },
);

function runRecord(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    t: 'run',
    runId: 'r1',
    kind: 'apply',
    job: 'setup',
    plan: { schema: 1, job: 'setup', answers: { domains: ['example.com'], peerAccounts: Array.from({ length: 70 }, (_, i) => ({ address: `u${i}@example.com`, aliases: [] })) }, steps, warnings: ['w ]'], notes: [], observed: false },
    ...extra,
  };
}

function pieces(v: unknown): string {
  let out = '';
  emitCompact(v, (t) => void (out += t));
  return out;
}

function readBack(text: string, chunk: number, seen?: { steps: number }): unknown {
  const path = join(dir, 'line.jsonl');
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  try {
    return readFirstRecord(fd, chunk, seen);
  } finally {
    closeSync(fd);
  }
}

describe('a run record in pieces', () => {
  it('is written as JSON.stringify writes it, long arrays and all', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), fc.jsonValue({ maxDepth: 4 }), (steps, other) => {
        // Arrays, their members undefined or functions too: null, as JSON.stringify writes them.
        expect(pieces([undefined, () => 1, 1])).toBe('[null,null,1]');
        const r = runRecord(steps, { other, gone: undefined });
        expect(pieces(r)).toBe(JSON.stringify(r));
        expect(pieces(other)).toBe(JSON.stringify(other));
      }),
      { numRuns: 150 },
    );
  });

  it('is read back as JSON.parse reads it, whatever the chunk size, with the lines after it left alone', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), fc.integer({ min: 1, max: 300 }), (steps, chunk) => {
        const line = JSON.stringify(runRecord(steps));
        const text = `${line}\n{"t":"intent","step":"x","before":null,"time":"t"}\n`;
        const seen = { steps: 0 };
        expect(readBack(text, chunk, seen)).toEqual(JSON.parse(line));
        // The steps were parsed on their own, not as part of the line.
        expect(seen.steps).toBe(steps.length);
      }),
      { numRuns: 200 },
    );
  });

  it('any other first line is read as JSON.parse reads it; a line cut short or not JSON is undefined', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 64 }), (v, chunk) => {
        expect(readBack(`${JSON.stringify(v)}\nmore`, chunk)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 200 },
    );
    const line = JSON.stringify(runRecord([{ id: 'a' }, { id: 'b' }]));
    for (let cut = 1; cut < line.length; cut += 7) expect(readBack(line.slice(0, cut), 5)).toBeUndefined();
    expect(readBack(line.replace('{"id":"b"}', '{"id":b}'), 8)).toBeUndefined();
    expect(readBack('', 8)).toBeUndefined();
    // Its last line without a newline, complete: read, as JSON.parse would.
    expect(readBack(line, 3)).toEqual(JSON.parse(line));
  });

  it('the journal writes a run this way: the same bytes as one string, then fsynced', () => {
    const records = [runRecord(Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, title: `é "${i}"`, argv: ['ma', `u${i}`] }))) as JournalRecord, { t: 'spawn', steps: [], pid: 1, time: 't' } as JournalRecord];
    const path = join(dir, 'run.jsonl');
    const j = new Journal(path);
    j.create();
    j.appendStreamed(records);
    j.close();
    expect(readFileSync(path, 'utf8')).toBe(journalText(records));
  });

  it('a saved plan (--format json, one step a line) is read as JSON.parse reads it, its steps a run at a time', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), fc.integer({ min: 1, max: 300 }), (steps, chunk) => {
        const p = (runRecord(steps) as { plan: Plan }).plan;
        let text = '';
        emitJson(p, (t) => void (text += t));
        const path = join(dir, 'plan.json');
        writeFileSync(path, text);
        const fd = openSync(path, 'r');
        const seen = { steps: 0 };
        try {
          expect(readJsonStreamed(fd, { at: ['steps'], chunkSize: chunk, seen })).toEqual(JSON.parse(text));
        } finally {
          closeSync(fd);
        }
        expect(seen.steps).toBe(steps.length);
      }),
      { numRuns: 150 },
    );
  });
});
