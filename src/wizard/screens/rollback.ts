/**
 * The Rollback screen: pick a run, preview its inverse steps with the values restored, confirm.
 * Its reducer (messages `rollback/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey, listMove } from '../keymove.js';
import { rollbackListHeight, rollbackPickRows } from '../layout.js';
import { back, runApply } from '../nav.js';
import { moveList } from '../list.js';
import { ROLLBACK_CONFIRM } from '../menus.js';
import { EMPTY_LIST } from '../state.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'rollback': {
      const r = s.rollback;
      if (r.busy || r.phase === 'loading') return k.escape ? [{ type: 'rollback/back' }] : [];
      if (r.phase === 'confirm') {
        if (k.up) return [{ type: 'rollback/confirm-move', delta: -1 }];
        if (k.down) return [{ type: 'rollback/confirm-move', delta: 1 }];
        if (k.enter) return [{ type: 'rollback/enter' }];
        if (k.escape) return [{ type: 'rollback/back' }];
        return [];
      }
      const page = r.phase === 'pick' ? rollbackPickRows(h) : rollbackListHeight(h, false, r.error ? 2 : 0);
      const m = listMove(k, page);
      if (m !== undefined) return [r.phase === 'pick' ? { type: 'rollback/move', move: m, height: page } : { type: 'rollback/steps-move', move: m, height: page }];
      if (k.input === 'd' && r.phase === 'preview') return [{ type: 'detail/open' }];
      if (k.enter) return [{ type: 'rollback/enter' }];
      if (k.escape) return [{ type: 'rollback/back' }];
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
    case 'rollback/runs':
      return none({ ...s, rollback: { ...s.rollback, phase: 'pick', busy: undefined, runs: msg.runs, list: { cursor: Math.max(0, msg.runs.length - 1), top: Math.max(0, msg.runs.length - 5) } } });
    case 'rollback/move':
      return none({ ...s, rollback: { ...s.rollback, list: moveList(s.rollback.list, s.rollback.runs.length, msg.height, msg.move) } });
    case 'rollback/select': {
      const r = s.rollback.runs[s.rollback.list.cursor];
      if (!r || s.rollback.busy) return none(s);
      return { state: { ...s, rollback: { ...s.rollback, busy: 'Planning the rollback from the journal', error: undefined, runId: r.runId } }, effects: [{ type: 'load-rollback', runId: r.runId }] };
    }
    case 'rollback/plan':
      return none({ ...s, rollback: { ...s.rollback, phase: 'preview', busy: undefined, runId: msg.runId, plan: msg.plan, values: msg.values, steps: { ...EMPTY_LIST }, cursor: 0 } });
    case 'rollback/error':
      return none({ ...s, rollback: { ...s.rollback, phase: s.rollback.phase === 'loading' ? (s.rollback.returnTo ? 'preview' : 'pick') : s.rollback.phase, busy: undefined, error: msg.error } });
    case 'rollback/steps-move': {
      const p = s.rollback.plan;
      if (!p) return none(s);
      return none({ ...s, rollback: { ...s.rollback, steps: moveList(s.rollback.steps, p.steps.length, msg.height, msg.move) } });
    }
    case 'rollback/confirm-move':
      return none({ ...s, rollback: { ...s.rollback, cursor: Math.max(0, Math.min(ROLLBACK_CONFIRM.length - 1, s.rollback.cursor + msg.delta)) } });
    case 'rollback/enter': {
      const r = s.rollback;
      if (r.phase === 'pick') return reduce(s, { type: 'rollback/select' });
      if (r.phase === 'preview') {
        if (!r.plan || r.plan.steps.length === 0 || r.error) return none(s);
        return none({ ...s, rollback: { ...r, phase: 'confirm', cursor: 0 } });
      }
      if (r.phase === 'confirm') {
        const c = ROLLBACK_CONFIRM[r.cursor].id;
        if (c === 'no') return none({ ...s, rollback: { ...r, phase: 'preview' } });
        const u = runApply({ ...s, history: [...s.history, 'rollback'] }, { type: 'rollback', runId: r.runId!, plan: r.plan! }, r.plan!.job, c);
        return u;
      }
      return none(s);
    }
    case 'rollback/back': {
      const r = s.rollback;
      if (r.phase === 'confirm') return none({ ...s, rollback: { ...r, phase: 'preview' } });
      if (r.phase === 'preview' && r.runs.length && !r.returnTo) return none({ ...s, rollback: { ...r, phase: 'pick', error: undefined } });
      if (r.busy) return none(s);
      return back(s);
    }

    default:
      return none(s);
  }
}
