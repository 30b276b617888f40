/**
 * The Unsplit screen: who is still routed to the peer, cut them over first or force.
 * Its reducer (messages `unsplit/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey } from '../keymove.js';
import { textPage } from '../layout.js';
import { back, forward, scrolled } from '../nav.js';
import { firstEnabled, moveMenu, unsplitItems } from '../menus.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'unsplit': {
      const u = s.unsplit;
      if (u.busy) return k.escape ? [{ type: 'back' }] : [];
      if (k.up) return [{ type: 'unsplit/move', delta: -1 }];
      if (k.down) return [{ type: 'unsplit/move', delta: 1 }];
      if (k.pageDown) return [{ type: 'unsplit/scroll', move: textPage(h), height: textPage(h) }];
      if (k.pageUp) return [{ type: 'unsplit/scroll', move: -textPage(h), height: textPage(h) }];
      if (k.enter) return [{ type: 'unsplit/select' }];
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
    case 'unsplit/result': {
      const st = { ...s, unsplit: { ...s.unsplit, busy: undefined, routed: msg.routed } };
      return none({ ...st, unsplit: { ...st.unsplit, cursor: firstEnabled(unsplitItems(st), msg.routed.length ? 'cutover' : 'continue') } });
    }
    case 'unsplit/error':
      return none({ ...s, unsplit: { ...s.unsplit, busy: undefined, error: msg.error, routed: undefined } });
    case 'unsplit/move':
      return none({ ...s, unsplit: { ...s.unsplit, cursor: moveMenu(unsplitItems(s), s.unsplit.cursor, msg.delta) } });
    case 'unsplit/scroll':
      return none({ ...s, unsplit: { ...s.unsplit, top: scrolled(s.unsplit.top, msg.move, s.limits.unsplit) } });
    case 'unsplit/select': {
      const item = unsplitItems(s)[s.unsplit.cursor];
      if (!item || item.disabled || s.unsplit.busy) return none(s);
      switch (item.id) {
        case 'continue':
          return forward(s, 'review');
        case 'cutover': {
          const st: WizardState = { ...s, task: 'cutover', cutover: { ...s.cutover, direction: 'to-zimbra', selected: [...(s.unsplit.routed ?? [])] } };
          return forward(st, 'cutover');
        }
        case 'force':
          return none({ ...s, fields: { ...s.fields, force: !s.fields.force } });
        case 'back':
          return back(s);
      }
      return none(s);
    }
    default:
      return none(s);
  }
}
