/**
 * Scrolling and filtering of long lists (the preview of 10,000 steps): cursor and window
 * arithmetic, and a filter over a search text computed once per plan. Only the visible window
 * is ever turned into screen rows.
 */
import type { Plan, Step } from '../plan/step.js';
import { stepCommand } from '../plan/render.js';
import type { FilterList, ListState } from './state.js';

export type Move = number | 'home' | 'end';

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** Moves the cursor and keeps it inside a window of `height` rows. */
export function moveList<T extends ListState>(l: T, count: number, height: number, move: Move): T {
  if (count <= 0) return { ...l, cursor: 0, top: 0 };
  const cursor = move === 'home' ? 0 : move === 'end' ? count - 1 : clamp(l.cursor + move, 0, count - 1);
  return { ...l, cursor, top: windowTop(l.top, cursor, count, height) };
}

/** The first visible row for a cursor, keeping the previous window when it still shows the cursor. */
export function windowTop(top: number, cursor: number, count: number, height: number): number {
  const h = Math.max(1, height);
  let t = top;
  if (cursor < t) t = cursor;
  if (cursor >= t + h) t = cursor - h + 1;
  return clamp(t, 0, Math.max(0, count - h));
}

/** The visible slice [start, end) of a list; safe after a resize or a filter change. */
export function visible(l: ListState, count: number, height: number): { start: number; end: number; cursor: number } {
  const cursor = clamp(l.cursor, 0, Math.max(0, count - 1));
  const start = windowTop(l.top, cursor, count, height);
  return { start, end: Math.min(count, start + Math.max(1, height)), cursor };
}

const haystacks = new WeakMap<Plan, string[]>();

/** Lower-case search text per step (id, title, command), computed once per plan. */
function haystack(p: Plan): string[] {
  let h = haystacks.get(p);
  if (!h) {
    h = p.steps.map((s) => `${s.id}\n${s.title}\n${stepCommand(s)}\n${s.kind === 'manual' ? `manual ${s.manual!.system}` : s.kind}`.toLowerCase());
    haystacks.set(p, h);
  }
  return h;
}

/** Indexes of the steps matching every word of the filter; null when there is no filter. */
export function filterSteps(p: Plan, filter: string): number[] | null {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const h = haystack(p);
  const out: number[] = [];
  for (let i = 0; i < h.length; i++) if (words.every((w) => h[i].includes(w))) out.push(i);
  return out;
}

/** Sets a filter list's filter text and recomputes its matches (cursor back to the top). */
export function setFilter(l: FilterList, p: Plan | undefined, filter: string): FilterList {
  return { ...l, filter, matches: p ? filterSteps(p, filter) : null, cursor: 0, top: 0 };
}

/** The number of rows of a filter list over `steps`. */
export function rowCount(l: FilterList, steps: Step[]): number {
  return l.matches ? l.matches.length : steps.length;
}

/** The step index of a row. */
export function rowIndex(l: FilterList, row: number): number {
  return l.matches ? l.matches[row] : row;
}

/** Case-insensitive "every word appears" filter over names. */
export function filterNames(names: string[], filter: string): string[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return names;
  return names.filter((n) => words.every((w) => n.toLowerCase().includes(w)));
}
