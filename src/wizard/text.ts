/**
 * Text fields: which field takes typing on the current screen, the caret, typing over a
 * pre-filled value, pastes, and keys that arrive in one read. Pure.
 */
import { HOST_FIELDS } from './fields.js';
import type { LdapAnswers } from './recipients.js';
import { EMPTY_LDAP, LDAP_FIELDS } from './recipients.js';
import type { KeyPress, Msg } from './msg.js';
import type { WizardState } from './state.js';

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
      if (s.accounts.mode === 'ldap' && !s.accounts.busy) {
        const def = LDAP_FIELDS[s.accounts.ldapFocus ?? 0];
        if (!def || def.toggle) return undefined;
        const field = def.name as Exclude<keyof LdapAnswers, 'startTls'>;
        return { key: `accounts:ldap:${field}`, value: (s.accounts.ldap ?? EMPTY_LDAP)[field], set: (value) => ({ type: 'accounts/ldap-set', field, value }) };
      }
      if ((s.accounts.mode !== 'file' && s.accounts.mode !== 'source') || s.accounts.busy) return undefined;
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

export function printable(k: KeyPress): boolean {
  return k.input !== '' && !k.ctrl && !k.meta && !k.escape && !k.up && !k.down && !k.left && !k.right && !k.tab;
}

/**
 * Edits a text field: typing, Backspace (Ink 6 reports the Backspace key as delete), arrows,
 * Home/End, Ctrl+A/E/U. A paste with a line break ends the field as Enter would.
 */
export function editText(s: WizardState, t: ActiveText, k: KeyPress): { msgs: Msg[]; enter: boolean } | undefined {
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

/** What Enter does where a text field is active (a paste ending in a line break). */
export function enterOf(s: WizardState): Msg {
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
