/**
 * The whole-step view over a screen (d): which steps it shows (the selected one, a question's
 * batch, the manual or failed steps), scrolling and closing. Its text is src/wizard/detail.ts.
 */
import type { DetailEntry, RestoreValues } from '../detail.js';
import { detailLines, detailTitle } from '../detail.js';
import { listMove } from '../keymove.js';
import { detailRows, screenHeight, screenWidth } from '../layout.js';
import { rowCount, rowIndex, visible } from '../list.js';
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import { scrolled } from '../nav.js';
import type { Step } from '../../plan/step.js';
import type { WizardState } from '../state.js';

/** While the view is open it takes every key: it scrolls and closes, and answers nothing. */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const m = listMove(k, detailRows(h));
  if (m !== undefined) return [{ type: 'detail/scroll', move: m }];
  if (k.input === 'g') return [{ type: 'detail/scroll', move: 'home' }];
  if (k.input === 'G') return [{ type: 'detail/scroll', move: 'end' }];
  if (k.escape || k.enter || k.input === 'd' || k.input === 'q') return [{ type: 'detail/close' }];
  return [];
}

export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'detail/open': {
      const d = detailOf(s);
      return d ? none({ ...s, detail: d }) : none(s);
    }
    case 'detail/scroll': {
      const d = s.detail;
      if (!d) return none(s);
      const max = Math.max(0, detailLines(d, screenWidth(s) - 1).length - detailRows(screenHeight(s)));
      return none({ ...s, detail: { ...d, top: scrolled(d.top, msg.move, max) } });
    }
    case 'detail/close':
      return none({ ...s, detail: undefined });

    default:
      return none(s);
  }
}

/** What the whole-step view shows on the current screen: the selected step, a question's batch, manual or failed steps. */
export function detailOf(s: WizardState): WizardState['detail'] {
  const of = (steps: Step[], first: number, total: number): DetailEntry[] => steps.map((step, k) => ({ n: first + k, total, step }));
  let entries: DetailEntry[] = [];
  let values: Record<string, RestoreValues> | undefined;
  switch (s.screen) {
    case 'preview': {
      const p = s.review.plan;
      if (!p) return undefined;
      const count = rowCount(s.preview, p.steps);
      if (!count) return undefined;
      const i = rowIndex(s.preview, visible(s.preview, count, 1).cursor);
      entries = of([p.steps[i]], i + 1, p.steps.length);
      break;
    }
    case 'apply': {
      const q = s.apply?.question;
      if (!q || q.steps.length === 0) return undefined;
      entries = of(q.steps, q.index, q.total);
      break;
    }
    case 'rollback': {
      const r = s.rollback;
      if (!r.plan || r.plan.steps.length === 0) return undefined;
      const i = visible(r.steps, r.plan.steps.length, 1).cursor;
      entries = of([r.plan.steps[i]], i + 1, r.plan.steps.length);
      values = r.values;
      break;
    }
    case 'done': {
      const m = s.done?.manual ?? [];
      if (!m.length || s.done?.kind !== 'apply') return undefined;
      entries = of(m, 1, m.length);
      break;
    }
    case 'failure': {
      const f = s.failure?.summary.failures ?? [];
      if (!f.length) return undefined;
      entries = of(
        f.map((x) => x.step),
        1,
        f.length,
      );
      break;
    }
    default:
      return undefined;
  }
  const title = s.screen === 'done' ? `Still to do by hand: ${entries.length} step(s)` : s.screen === 'failure' ? `Failed: ${entries.length} step(s)` : detailTitle(entries);
  return { title, entries, top: 0, values };
}
