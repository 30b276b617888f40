/**
 * The Preview screen: every step of the plan, scrolling, filter, export to .sh and .json.
 * Its reducer (messages `preview/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey, listMove } from '../keymove.js';
import { previewListHeight } from '../layout.js';
import { newApply } from '../nav.js';
import { moveList, setFilter } from '../list.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'preview': {
      const pv = s.preview;
      const lh = previewListHeight(h);
      if (pv.filtering) {
        if (k.enter) return [{ type: 'preview/filter-end', keep: true }];
        if (k.escape) return [{ type: 'preview/filter-end', keep: false }];
        const m = k.up || k.down || k.pageUp || k.pageDown ? listMove(k, lh) : undefined;
        return m !== undefined ? [{ type: 'preview/move', move: m, height: lh }] : [];
      }
      if (pv.exporting) {
        if (k.enter) return [{ type: 'preview/export-end', write: true }];
        if (k.escape) return [{ type: 'preview/export-end', write: false }];
        return [];
      }
      const m = listMove(k, lh);
      if (m !== undefined) return [{ type: 'preview/move', move: m, height: lh }];
      if (k.input === 'g') return [{ type: 'preview/move', move: 'home', height: lh }];
      if (k.input === 'G') return [{ type: 'preview/move', move: 'end', height: lh }];
      if (k.input === '/') return [{ type: 'preview/filter-start' }];
      if (k.input === 'd') return [{ type: 'detail/open' }];
      if (k.input === 'e') return [{ type: 'preview/export-start' }];
      if (k.enter) return [{ type: 'preview/continue' }];
      if (k.escape) return [pv.filter ? { type: 'preview/filter-end', keep: false } : { type: 'back' }];
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
    case 'preview/move': {
      const p = s.review.plan;
      if (!p) return none(s);
      const count = s.preview.matches ? s.preview.matches.length : p.steps.length;
      return none({ ...s, preview: { ...moveList(s.preview, count, msg.height, msg.move), message: undefined } });
    }
    case 'preview/filter-start':
      return none({ ...s, preview: { ...s.preview, filtering: true, message: undefined } });
    case 'preview/filter':
      return none({ ...s, preview: { ...s.preview, ...setFilter(s.preview, s.review.plan, msg.value) } });
    case 'preview/filter-end':
      if (msg.keep) return none({ ...s, preview: { ...s.preview, filtering: false } });
      return none({ ...s, preview: { ...s.preview, ...setFilter(s.preview, s.review.plan, ''), filtering: false } });
    case 'preview/export-start': {
      const p = s.review.plan;
      const base = s.preview.exportPath || `zsplit-${p?.job ?? 'plan'}-${p?.answers.domains[0] ?? 'domain'}`;
      return none({ ...s, preview: { ...s.preview, exporting: true, exportPath: base, message: undefined } });
    }
    case 'preview/export-path':
      return none({ ...s, preview: { ...s.preview, exportPath: msg.value } });
    case 'preview/export-end':
      if (!msg.write || !s.preview.exportPath.trim()) return none({ ...s, preview: { ...s.preview, exporting: false, overwrite: undefined, message: undefined } });
      return {
        state: { ...s, preview: { ...s.preview, exporting: false, message: 'Writing...' } },
        effects: [{ type: 'export', base: s.preview.exportPath.trim(), overwrite: s.preview.overwrite === s.preview.exportPath.trim() }],
      };
    case 'preview/exported':
      return none({ ...s, preview: { ...s.preview, overwrite: undefined, message: msg.message } });
    case 'preview/export-exists':
      // Nothing written: the name stays open to edit; Enter on the same name replaces the files.
      // The name the operator typed stays to be edited (not replaced by typing): the caret at its end.
      return none({ ...s, caret: { key: 'preview:export', pos: s.preview.exportPath.length }, preview: { ...s.preview, exporting: true, overwrite: msg.base, message: `${msg.files.join(' and ')} already exist${msg.files.length === 1 ? 's' : ''}: Enter again replaces, or change the name (Esc cancels).` } });
    case 'preview/continue': {
      const p = s.review.plan;
      if (!p) return none(s);
      return none({ ...s, history: [...s.history, s.screen], screen: 'apply', apply: newApply({ type: 'plan', plan: p }, p.job, 'choose') });
    }

    default:
      return none(s);
  }
}
