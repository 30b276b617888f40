/**
 * The Done screen: counts, the manual steps the run reached, what comes next, r rolls back.
 * Its reducer (messages `done/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey, listMove } from '../keymove.js';
import { textPage } from '../layout.js';
import { home, scrolled } from '../nav.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'done': {
      const m = listMove(k, textPage(h));
      if (m !== undefined) return [{ type: 'done/scroll', move: m, height: textPage(h) }];
      if (k.enter || k.escape) return [{ type: 'done/home' }];
      if (k.input === 'r') return [{ type: 'done/rollback' }];
      if (k.input === 'd') return [{ type: 'detail/open' }];
      if (q) return [{ type: 'quit' }];
      return [];
    }
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'done/scroll':
      if (!s.done) return none(s);
      return none({ ...s, done: { ...s.done, top: scrolled(s.done.top, msg.move, s.limits.done) } });
    case 'done/home':
      return home(s);
    case 'done/rollback': {
      const d = s.done;
      if (!d?.summary || d.kind !== 'apply' || d.summary.counts.applied === 0) return none(s);
      const runId = d.summary.runId;
      return {
        state: { ...s, history: ['done'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback from the journal', error: undefined, runId, returnTo: 'done' } },
        effects: [{ type: 'load-rollback', runId }],
      };
    }

    default:
      return none(s);
  }
}
