/**
 * The key map's dispatcher: what a key means, decided against the current state (never against
 * what a screen last rendered), so keys typed faster than the screen redraws land where they
 * belong. Ctrl+C, a too-small terminal, the whole-step view and text fields first; then the
 * key map of the current screen (src/wizard/screens/<screen>.ts).
 */
import { screenHeight, tooSmall } from './layout.js';
import type { KeyPress, Msg } from './msg.js';
import type { ScreenId, WizardState } from './state.js';
import { activeText, editText, enterOf } from './text.js';
import * as accounts from './screens/accounts.js';
import * as apply from './screens/apply.js';
import * as cutover from './screens/cutover.js';
import * as detail from './screens/detail.js';
import * as done from './screens/done.js';
import * as failure from './screens/failure.js';
import * as hosts from './screens/hosts.js';
import * as preview from './screens/preview.js';
import * as review from './screens/review.js';
import * as role from './screens/role.js';
import * as rollback from './screens/rollback.js';
import * as start from './screens/start.js';
import * as unsplit from './screens/unsplit.js';

export type { KeyPress } from './msg.js';
export { activeText, caretOf, isFresh } from './text.js';

const KEYMAPS: Record<ScreenId, (s: WizardState, k: KeyPress, h: number) => Msg[]> = {
  start: start.keys,
  role: role.keys,
  hosts: hosts.keys,
  accounts: accounts.keys,
  review: review.keys,
  preview: preview.keys,
  apply: apply.keys,
  failure: failure.keys,
  done: done.keys,
  rollback: rollback.keys,
  cutover: cutover.keys,
  unsplit: unsplit.keys,
};

/** The messages a key stands for now (none: the key means nothing here). */
export function keyMsgs(s: WizardState, k: KeyPress): Msg[] {
  if (k.ctrl && k.input === 'c') return [{ type: 'interrupt' }];
  // Too small to show what a key would answer: nothing is answered blind, only q works.
  if (tooSmall(s)) return k.input === 'q' && !k.ctrl && !k.meta && !activeText(s) ? [{ type: 'quit' }] : [];
  const h = screenHeight(s);
  if (s.detail) return detail.keys(s, k, h);
  const text = activeText(s);
  if (text) {
    const e = editText(s, text, k);
    if (e) return e.enter ? [...e.msgs, enterOf(s)] : e.msgs;
  }
  return KEYMAPS[s.screen](s, k, h);
}
