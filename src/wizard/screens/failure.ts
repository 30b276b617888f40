/**
 * The Failure screen: retry, skip, undo the failed steps, roll back the run, or quit.
 * Its reducer (messages `failure/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey } from '../keymove.js';
import { quit, runApply } from '../nav.js';
import { failureItems, moveMenu } from '../menus.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'failure':
      if (!s.failure || s.failure.busy) return [];
      if (k.up) return [{ type: 'failure/move', delta: -1 }];
      if (k.down) return [{ type: 'failure/move', delta: 1 }];
      if (k.enter) return [{ type: 'failure/select' }];
      if (k.input === 'd') return [{ type: 'detail/open' }];
      if (q) return [{ type: 'quit' }];
      return [];
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'failure/move':
      if (!s.failure) return none(s);
      return none({ ...s, failure: { ...s.failure, cursor: moveMenu(failureItems(s), s.failure.cursor, msg.delta) } });
    case 'failure/select': {
      const f = s.failure;
      if (!f || f.busy) return none(s);
      const item = failureItems(s)[f.cursor];
      if (!item || item.disabled) return none(s);
      const ids = f.summary.failures.map((x) => x.step.id);
      const runId = f.summary.runId;
      const mode = s.apply?.mode ?? 'step';
      switch (item.id) {
        case 'retry':
          return runApply(s, { type: 'resume', runId }, f.job, mode, { autoYes: ids });
        case 'skip':
          return runApply(s, { type: 'resume', runId }, f.job, mode, { autoSkip: ids });
        case 'undo-step':
          return { state: { ...s, failure: { ...f, busy: 'Restoring the recorded value' } }, effects: [{ type: 'undo-step', runId, stepIds: ids }] };
        case 'rollback-run':
          return {
            state: { ...s, history: ['failure'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback from the journal', error: undefined, runId, returnTo: 'failure' } },
            effects: [{ type: 'load-rollback', runId }],
          };
        case 'quit':
          return quit(s);
      }
      return none(s);
    }
    case 'failure/undone':
      if (!s.failure) return none(s);
      return none({ ...s, failure: { ...s.failure, busy: undefined, undone: true, note: msg.note, cursor: 1 } });

    default:
      return none(s);
  }
}
