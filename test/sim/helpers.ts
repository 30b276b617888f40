import { defaultState, type SimState } from '../../src/sim/state.js';
import type { SimLogRecord } from '../../src/sim/state.js';
import { runZmprov, type ZmprovIO } from '../../src/sim/zmprov.js';

export const FIXED_NOW = new Date('2025-03-01T10:00:00Z');

/** A fresh default state and a runner with deterministic ids and clock. */
export function sim(version?: string): {
  state: SimState;
  log: SimLogRecord[];
  zm: (argv: string[], io?: ZmprovIO) => ReturnType<typeof runZmprov>;
  batch: (lines: string[], opts?: string[], io?: ZmprovIO) => ReturnType<typeof runZmprov>;
} {
  const state = defaultState({ version });
  const log: SimLogRecord[] = [];
  let n = 0;
  const base: ZmprovIO = {
    now: () => FIXED_NOW,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    onLog: (r) => log.push(r),
  };
  const zm = (argv: string[], io: ZmprovIO = {}) => runZmprov(state, argv, { ...base, ...io });
  const batch = (lines: string[], opts: string[] = ['-v'], io: ZmprovIO = {}) =>
    zm([...opts, '-f', '/tmp/batch.zmp'], { readFile: () => lines.join('\n') + '\n', ...io });
  return { state, log, zm, batch };
}
