/**
 * The Review screen: the mail-flow table of the plan; Continue only when nothing is refused.
 * Its reducer (messages `review/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey, listMove } from '../keymove.js';
import { textPage } from '../layout.js';
import { forward, scrolled } from '../nav.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'review': {
      const m = listMove(k, textPage(h));
      if (m !== undefined) return [{ type: 'review/scroll', move: m, height: textPage(h) }];
      if (k.enter) return [{ type: 'review/continue' }];
      if (k.escape) return [{ type: 'back' }];
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
    case 'review/result':
      return none({
        ...s,
        review: { busy: undefined, error: msg.error, plan: msg.plan, observed: msg.observed, refused: msg.refused, findings: msg.findings, rows: msg.rows, stats: msg.stats, warnings: msg.warnings, top: 0 },
      });
    case 'review/scroll':
      return none({ ...s, review: { ...s.review, top: scrolled(s.review.top, msg.move, s.limits.review) } });
    case 'review/continue': {
      const r = s.review;
      if (r.busy || r.error || r.refused.length || !r.plan) return none(s);
      return forward(s, 'preview');
    }

    default:
      return none(s);
  }
}
