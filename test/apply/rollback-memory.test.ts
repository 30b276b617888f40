// A rollback reads the run it undoes (at 100,000 accounts: 356 MB of heap for its plan and
// results) to plan, then lets it go before it sends and verifies its own changes.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JournalStore, type RunInfo } from '../../src/journal/journal.js';
import { replanOnce, rollbackPlan } from '../../src/journal/rollback.js';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('the rollback of a run', () => {
  it("reads the undone run once, in the engine's replan, and holds it no longer", async () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(8))), '--yes']);
    expect(a.code, a.err + a.out).toBe(0);
    const store = new JournalStore(w.stateDir);
    const id = readdirSync(store.runsDir)[0].replace(/\.jsonl$/, '');
    let run: RunInfo | undefined = store.run(id)!;
    const base = rollbackPlan(run);
    const ref = new WeakRef(run);
    const replan = replanOnce(run, base, true);
    run = undefined;
    // deref() keeps its target until the current job ends: collect in a later one.
    const collected = async () => {
      await new Promise((r) => setTimeout(r, 0));
      gc();
      return ref.deref() === undefined;
    };
    expect(await collected()).toBe(false); // the replan still needs it
    const p = replan({ entries: {} });
    expect(p.steps.map((s) => s.id)).toEqual(base.steps.map((s) => s.id));
    expect(await collected()).toBe(true);
    expect(() => replan({ entries: {} })).toThrow(/once/);
  });
});
