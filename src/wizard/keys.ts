/**
 * The key map: what a key means on the current screen, decided against the current state
 * (never against what a screen last rendered), so keys typed faster than the screen redraws
 * land where they belong. Text fields are edited here too, with a caret.
 */
import { HOST_FIELDS } from './fields.js';
import { accountsEditRows, cutoverRows, detailRows, previewListHeight, rollbackListHeight, rollbackPickRows, screenHeight, textPage, tooSmall } from './layout.js';
import type { Move } from './list.js';
import type { WizardState } from './state.js';
import type { Msg } from './update.js';
import type { Decision } from '../apply/engine.js';

/** A key as the terminal reported it (Ink's Key, without Ink). */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  left?: boolean;
  right?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  enter?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

/** The text field that takes typing now, if any: its identity, value and how to set it. */
export interface ActiveText {
  key: string;
  value: string;
  set: (value: string) => Msg;
}

export function activeText(s: WizardState): ActiveText | undefined {
  switch (s.screen) {
    case 'hosts': {
      const def = HOST_FIELDS[s.hosts.focus];
      if (!def || def.toggle) return undefined;
      return { key: `hosts:${def.name}`, value: String(s.fields[def.name] ?? ''), set: (value) => ({ type: 'hosts/set', field: def.name, value }) };
    }
    case 'accounts':
      if (s.accounts.mode !== 'file' || s.accounts.busy) return undefined;
      return { key: 'accounts:path', value: s.accounts.path, set: (value) => ({ type: 'accounts/path', value }) };
    case 'apply':
      if (s.apply?.confirmAll) return { key: 'apply:confirm', value: s.apply.confirmAll.text, set: (value) => ({ type: 'apply/confirm-text', value }) };
      return undefined;
    case 'preview':
      if (s.preview.filtering) return { key: 'preview:filter', value: s.preview.filter, set: (value) => ({ type: 'preview/filter', value }) };
      if (s.preview.exporting) return { key: 'preview:export', value: s.preview.exportPath, set: (value) => ({ type: 'preview/export-path', value }) };
      return undefined;
    case 'cutover': {
      const c = s.cutover;
      if (c.busy) return undefined;
      if (c.phase === 'filter') return { key: 'cutover:filter', value: c.filter, set: (value) => ({ type: 'cutover/filter', value }) };
      if (c.phase === 'wave') return { key: 'cutover:wave', value: c.wave, set: (value) => ({ type: 'cutover/wave', value }) };
      if (c.phase === 'file') return { key: 'cutover:path', value: c.path, set: (value) => ({ type: 'cutover/path', value }) };
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A pre-filled value not yet touched since the field got the focus: typing replaces it (as a
 * selected default does), arrows, Home/End and Backspace edit it in place.
 */
export function isFresh(s: WizardState, t: ActiveText): boolean {
  return t.value !== '' && (!s.caret || s.caret.key !== t.key);
}

/** The screen takes a chunk of typed text as a whole (a field, or the accounts list being typed). */
export function takesText(s: WizardState): 'field' | 'lines' | undefined {
  if (activeText(s)) return 'field';
  if (s.screen === 'accounts' && s.accounts.mode === 'type' && !s.accounts.busy) return 'lines';
  return undefined;
}

/**
 * Keys that arrived in one read as one chunk ("y\r" from `tmux send-keys y Enter`, a fast
 * typist, a pasted answer): one key per character, except where a field takes the text
 * (there a chunk is a paste, up to its first line break). Ink splits escape sequences itself.
 */
export function isChunk(k: KeyPress): boolean {
  return k.input.length > 1 && !k.ctrl && !k.meta && !k.escape && !k.input.includes('\u001b');
}

export function charKey(ch: string): KeyPress {
  if (ch === '\r' || ch === '\n') return { input: '\r', enter: true };
  if (ch === '\t') return { input: '', tab: true };
  if (ch === '\u007f' || ch === '\u0008') return { input: '', delete: true };
  const code = ch.charCodeAt(0);
  if (code > 0 && code < 27) return { input: String.fromCharCode(code + 96), ctrl: true };
  return { input: ch };
}

/** Where the caret of the active field is (the end, unless it was moved in this field). */
export function caretOf(s: WizardState, t: ActiveText): number {
  return s.caret && s.caret.key === t.key ? Math.max(0, Math.min(t.value.length, s.caret.pos)) : t.value.length;
}

function printable(k: KeyPress): boolean {
  return k.input !== '' && !k.ctrl && !k.meta && !k.escape && !k.up && !k.down && !k.left && !k.right && !k.tab;
}

/**
 * Edits a text field: typing, Backspace (Ink 6 reports the Backspace key as delete), arrows,
 * Home/End, Ctrl+A/E/U. A paste with a line break ends the field as Enter would.
 */
function editText(s: WizardState, t: ActiveText, k: KeyPress): { msgs: Msg[]; enter: boolean } | undefined {
  const fresh = isFresh(s, t);
  const v = t.value;
  const c = caretOf(s, t);
  const out = (value: string, pos: number, enter = false) => ({ msgs: [...(value !== v ? [t.set(value)] : []), { type: 'caret', key: t.key, pos } as Msg], enter });
  if (k.left) return out(v, Math.max(0, c - 1));
  if (k.right) return out(v, Math.min(v.length, c + 1));
  if (k.home || (k.ctrl && k.input === 'a')) return out(v, 0);
  if (k.end || (k.ctrl && k.input === 'e')) return out(v, v.length);
  if (k.ctrl && k.input === 'u') return out(v.slice(c), 0);
  if ((k.backspace || k.delete) && k.input.length <= 1) return c > 0 ? out(v.slice(0, c - 1) + v.slice(c), c - 1) : out(v, c);
  if (printable(k) || /^[\u0008\u007f]/.test(k.input)) {
    // Fast typing, key repeat and pastes arrive as one chunk that can mix text with DEL/BS
    // bytes (Ink 6 reports it as plain input): apply it character by character, in order.
    const m = /[\r\n]/.exec(k.input);
    // Typing over a pre-filled value replaces it (port 25, typed 587: 587, not 25587).
    const replace = fresh && m?.index !== 0 && !/^[\u0008\u007f]/.test(k.input);
    let value = replace ? '' : v;
    let pos = replace ? 0 : c;
    for (const ch of m ? k.input.slice(0, m.index) : k.input) {
      if (ch === '\u007f' || ch === '\u0008') {
        if (pos > 0) (value = value.slice(0, pos - 1) + value.slice(pos)), pos--;
      } else if (!/[\u0000-\u001f]/.test(ch)) (value = value.slice(0, pos) + ch + value.slice(pos)), pos++;
    }
    return out(value, pos, Boolean(m));
  }
  return undefined;
}

function listMove(k: KeyPress, page: number): Move | undefined {
  if (k.up) return -1;
  if (k.down) return 1;
  if (k.pageUp) return -Math.max(1, page);
  if (k.pageDown) return Math.max(1, page);
  if (k.home) return 'home';
  if (k.end) return 'end';
  return undefined;
}

const PICK: Record<string, Decision> = { y: 'yes', n: 'skip', s: 'skip', a: 'all', r: 'rollback', q: 'quit' };

/** The messages a key stands for on the current screen (none: the key means nothing here). */
export function keyMsgs(s: WizardState, k: KeyPress): Msg[] {
  if (k.ctrl && k.input === 'c') return [{ type: 'interrupt' }];
  // Too small to show what a key would answer: nothing is answered blind, only q works.
  if (tooSmall(s)) return k.input === 'q' && !k.ctrl && !k.meta && !activeText(s) ? [{ type: 'quit' }] : [];
  const h = screenHeight(s);
  if (s.detail) {
    // The whole-step view is over the screen: it scrolls and closes, nothing else (no answer is given from it).
    const m = listMove(k, detailRows(h));
    if (m !== undefined) return [{ type: 'detail/scroll', move: m }];
    if (k.input === 'g') return [{ type: 'detail/scroll', move: 'home' }];
    if (k.input === 'G') return [{ type: 'detail/scroll', move: 'end' }];
    if (k.escape || k.enter || k.input === 'd' || k.input === 'q') return [{ type: 'detail/close' }];
    return [];
  }
  const text = activeText(s);
  if (text) {
    const e = editText(s, text, k);
    if (e) return e.enter ? [...e.msgs, enterOf(s)] : e.msgs;
  }
  const q = k.input === 'q' && !k.ctrl && !k.meta;
  switch (s.screen) {
    case 'start':
      if (s.start.confirmAbandon) {
        if (k.input.toLowerCase() === 'y') return [{ type: 'start/abandon', yes: true }];
        if (k.input.toLowerCase() === 'n' || k.escape || k.enter) return [{ type: 'start/abandon', yes: false }];
        return [];
      }
      if (k.up) return [{ type: 'start/move', delta: -1 }];
      if (k.down) return [{ type: 'start/move', delta: 1 }];
      if (k.enter) return [{ type: 'start/select' }];
      if (q) return [{ type: 'quit' }];
      return [];
    case 'role':
      if (k.up) return [{ type: 'role/move', delta: -1 }];
      if (k.down) return [{ type: 'role/move', delta: 1 }];
      if (k.enter) return [{ type: 'role/enter' }];
      if (k.escape) return [{ type: 'role/back' }];
      if (q) return [{ type: 'quit' }];
      return [];
    case 'hosts': {
      const def = HOST_FIELDS[s.hosts.focus];
      if (k.up || (k.tab && k.shift)) return [{ type: 'hosts/focus', delta: -1 }];
      if (k.down || k.tab) return [{ type: 'hosts/focus', delta: 1 }];
      if (k.enter) return [{ type: 'hosts/enter' }];
      if (k.escape) return [{ type: 'back' }];
      if (def?.toggle && (k.input === ' ' || k.left || k.right)) return [{ type: 'hosts/toggle' }];
      if (!def && q) return [{ type: 'quit' }];
      return [];
    }
    case 'accounts': {
      const a = s.accounts;
      if (a.busy) return [];
      if (a.mode === 'menu') {
        if (k.up) return [{ type: 'accounts/move', delta: -1 }];
        if (k.down) return [{ type: 'accounts/move', delta: 1 }];
        if (k.enter) return [{ type: 'accounts/select' }];
        if (k.escape) return [{ type: 'accounts/back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.mode === 'edit') {
        const rows = accountsEditRows(h);
        const m = listMove(k, rows);
        if (m !== undefined) return [{ type: 'accounts/entry-move', move: m, height: rows }];
        if (k.input === 'd' || k.input === 'x' || k.input === ' ' || k.delete || k.backspace) return [{ type: 'accounts/entry-drop' }];
        if (k.enter || k.escape) return [{ type: 'accounts/back' }];
        return [];
      }
      if (k.enter) return [{ type: 'accounts/enter' }];
      if (k.escape) return [{ type: 'accounts/back' }];
      if (a.mode === 'type') {
        if (k.backspace || k.delete) return [{ type: 'accounts/backspace' }];
        // a paste arrives as one chunk with its line breaks: one account per line
        if (printable(k)) return [{ type: 'accounts/input', text: k.input }];
      }
      return [];
    }
    case 'review': {
      const m = listMove(k, textPage(h));
      if (m !== undefined) return [{ type: 'review/scroll', move: m, height: textPage(h) }];
      if (k.enter) return [{ type: 'review/continue' }];
      if (k.escape) return [{ type: 'back' }];
      if (q) return [{ type: 'quit' }];
      return [];
    }
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
    case 'apply': {
      const a = s.apply;
      if (!a) return [];
      if (a.confirmAll) {
        if (k.enter) return [{ type: 'apply/confirm-end', ok: true }];
        if (k.escape) return [{ type: 'apply/confirm-end', ok: false }];
        return [];
      }
      if (a.confirmQuit) {
        if (k.input.toLowerCase() === 'y') return [{ type: 'quit/answer', yes: true }];
        if (k.input.toLowerCase() === 'n' || k.escape || k.enter) return [{ type: 'quit/answer', yes: false }];
        return [];
      }
      if (a.phase === 'choose') {
        if (k.up) return [{ type: 'apply/move', delta: -1 }];
        if (k.down) return [{ type: 'apply/move', delta: 1 }];
        if (k.enter) return [{ type: 'apply/choose' }];
        if (k.escape) return [{ type: 'back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.phase === 'finished') {
        if (k.escape) return [{ type: 'back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.question) {
        if (k.up) return [{ type: 'apply/q-move', delta: -1 }];
        if (k.down) return [{ type: 'apply/q-move', delta: 1 }];
        if (k.enter) return [{ type: 'apply/decide' }];
        if (k.input === 'd') return [{ type: 'detail/open' }];
        const d = PICK[k.input.toLowerCase()];
        return d ? [{ type: 'apply/q-pick', decision: d }] : [];
      }
      return q ? [{ type: 'quit' }] : [];
    }
    case 'failure':
      if (!s.failure || s.failure.busy) return [];
      if (k.up) return [{ type: 'failure/move', delta: -1 }];
      if (k.down) return [{ type: 'failure/move', delta: 1 }];
      if (k.enter) return [{ type: 'failure/select' }];
      if (k.input === 'd') return [{ type: 'detail/open' }];
      if (q) return [{ type: 'quit' }];
      return [];
    case 'done': {
      const m = listMove(k, textPage(h));
      if (m !== undefined) return [{ type: 'done/scroll', move: m, height: textPage(h) }];
      if (k.enter || k.escape) return [{ type: 'done/home' }];
      if (k.input === 'r') return [{ type: 'done/rollback' }];
      if (k.input === 'd') return [{ type: 'detail/open' }];
      if (q) return [{ type: 'quit' }];
      return [];
    }
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
    case 'cutover': {
      const c = s.cutover;
      const rows = cutoverRows(h);
      if (c.busy || c.phase === 'loading') return k.escape ? [{ type: 'cutover/back' }] : [];
      if (c.phase === 'filter' || c.phase === 'wave' || c.phase === 'file') {
        if (k.enter) return [{ type: 'cutover/enter' }];
        if (k.escape) return [{ type: 'cutover/back' }];
        return [];
      }
      if (c.phase === 'waves') {
        const m = listMove(k, rows);
        if (m !== undefined) return [{ type: 'cutover/waves-move', move: m, height: rows }];
        if (k.enter) return [{ type: 'cutover/waves-select' }];
        if (k.escape || k.input === 'v') return [{ type: 'cutover/back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      const m = listMove(k, rows);
      if (m !== undefined) return [{ type: 'cutover/move', move: m, height: rows }];
      if (k.input === ' ') return [{ type: 'cutover/toggle' }];
      if (k.input === 'a') return [{ type: 'cutover/toggle-all' }];
      if (k.left || k.right || k.input === 'd') return [{ type: 'cutover/direction' }];
      if (k.input === '/') return [{ type: 'cutover/mode', phase: 'filter' }];
      if (k.input === 'f') return [{ type: 'cutover/mode', phase: 'file' }];
      if (k.input === 'w') return [{ type: 'cutover/mode', phase: 'wave' }];
      if (k.input === 'v') return [{ type: 'cutover/mode', phase: 'waves' }];
      if (k.enter) return [{ type: 'cutover/enter' }];
      if (k.escape) return [{ type: 'cutover/back' }];
      if (q) return [{ type: 'quit' }];
      return [];
    }
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
  }
}

/** What Enter does where a text field is active (a paste ending in a line break). */
function enterOf(s: WizardState): Msg {
  switch (s.screen) {
    case 'hosts':
      return { type: 'hosts/enter' };
    case 'accounts':
      return { type: 'accounts/enter' };
    case 'preview':
      return s.preview.filtering ? { type: 'preview/filter-end', keep: true } : { type: 'preview/export-end', write: true };
    case 'apply':
      return { type: 'apply/confirm-end', ok: true };
    default:
      return { type: 'cutover/enter' };
  }
}
