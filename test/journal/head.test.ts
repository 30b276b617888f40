// A run listed without its plan (readRunHead) is the run read whole, for any field values; a
// first line that is not a complete run record is read whole and judged as before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runInfo } from '../../src/journal/journal.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-head-'));
const path = join(dir, 'run.jsonl');

function header(fields: { runId: string; operator: string; executor: string; domains: string[] }) {
  return {
    t: 'run',
    runId: fields.runId,
    kind: 'apply',
    job: 'setup',
    target: 'local',
    executor: fields.executor,
    planHash: 'h',
    operator: fields.operator,
    host: 'h',
    version: 'v',
    time: '2026-01-01T00:00:00.000Z',
    plan: { schema: 1, job: 'setup', answers: { domains: fields.domains, role: 'primary' }, steps: [{ id: 's1', kind: 'zmprov', argv: ['ma', 'x'] }], warnings: [], notes: ['n'], observed: false },
  };
}

const RESULTS = ['{"t":"intent","step":"s1","before":null,"time":"t"}', '{"t":"result","step":"s1","status":"applied","time":"t"}', '{"t":"end","status":"completed","time":"t"}'];

function both(text: string) {
  writeFileSync(path, text);
  const lazy = runInfo(path, { lazyPlan: true });
  const whole = runInfo(path);
  return { lazy, whole };
}

describe('a run listed without its plan', () => {
  it('has the fields, domains, results and (when used) the plan of the run read whole, whatever its strings hold', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const tricky = fc.oneof(text, fc.constantFrom(',"plan":{', '"}}\n', '\\', 'a\\",\\"plan\\":{'));
    fc.assert(
      fc.property(tricky, tricky, fc.array(fc.constantFrom('example.com', 'b.example', 'c-d.example.org'), { maxLength: 3 }), (operator, executor, domains) => {
        const h = header({ runId: 'r1', operator, executor, domains });
        const { lazy, whole } = both(`${JSON.stringify(h)}\n${RESULTS.join('\n')}\n`);
        expect(whole).toBeDefined();
        expect(lazy!.domains).toEqual(domains);
        // Listed without its plan: the plan is read at first use.
        expect(Object.getOwnPropertyDescriptor(lazy!.header, 'plan')?.get).toBeTypeOf('function');
        expect({ ...lazy!, header: undefined }).toEqual({ ...whole!, header: undefined });
        expect(JSON.parse(JSON.stringify(lazy!.header))).toEqual(h);
      }),
      { numRuns: 300 },
    );
  });

  it('a first line cut short, not closed, or not a run is read whole: no run, as before', () => {
    const line = JSON.stringify(header({ runId: 'r1', operator: 'o', executor: 'x', domains: ['example.com'] }));
    for (const first of [line.slice(0, -1), line.slice(0, line.length / 2), line.replace('"t":"run"', '"t":"runs"'), `${line.slice(0, -2)}]}`]) {
      const { lazy, whole } = both(`${first}\n${RESULTS.join('\n')}\n`);
      expect(whole, first.slice(-20)).toBeUndefined();
      expect(lazy, first.slice(-20)).toBeUndefined();
    }
    // Cut by a crash while its first line was written: no newline at all.
    const { lazy } = both(line.slice(0, 200));
    expect(lazy).toBeUndefined();
  });
});
