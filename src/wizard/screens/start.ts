/**
 * The Start screen: what to do (setup, cutover, unsplit, resume, abandon, roll back, continue saved answers).
 * Its reducer (messages `start/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey } from '../keymove.js';
import { enter, exit, forward, newApply } from '../nav.js';
import { domainsOf } from '../fields.js';
import { firstEnabled, moveMenu, startItems } from '../menus.js';
import { EMPTY_FIELDS, flowPath } from '../state.js';
import type { Fields, HostField, Task } from '../state.js';
import type { Job } from '../../model/types.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
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
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'start/loaded': {
      const st = { ...s, start: { ...s.start, loading: false, saved: msg.saved, interrupted: msg.interrupted, rollbackable: msg.rollbackable } };
      return none({ ...st, start: { ...st.start, cursor: firstEnabled(startItems(st)) } });
    }
    case 'start/move':
      return none({ ...s, start: { ...s.start, cursor: moveMenu(startItems(s), s.start.cursor, msg.delta) } });

    case 'start/select': {
      const item = startItems(s)[s.start.cursor];
      if (!item || item.disabled || s.start.loading) return none(s);
      if (item.id === 'quit') return exit(s, 0);
      if (item.id === 'abandon') return none({ ...s, start: { ...s.start, confirmAbandon: true, message: undefined } });
      if (item.id.startsWith('continue:')) {
        const e = s.start.saved.find((x) => `continue:${x.domain}` === item.id)!;
        const st: WizardState = { ...s, task: e.task, fields: { ...e.fields, force: false } };
        const path = flowPath(e.task, e.fields.role);
        const target = path.includes(e.screen) && ['role', 'hosts', 'accounts', 'cutover', 'unsplit'].includes(e.screen) ? e.screen : 'role';
        const u = enter({ ...st, history: path.slice(0, path.indexOf(target)) }, target);
        return u;
      }
      return startTask(s, item.id as Task);
    }

    case 'start/abandon': {
      const run = s.start.interrupted;
      if (!msg.yes || !run) return none({ ...s, start: { ...s.start, confirmAbandon: false } });
      return { state: { ...s, start: { ...s.start, confirmAbandon: false, loading: true } }, effects: [{ type: 'abandon', runId: run.runId }] };
    }
    case 'start/abandoned':
      return { state: { ...s, start: { ...s.start, message: msg.message } }, effects: [{ type: 'load-start' }] };

    default:
      return none(s);
  }
}

function startTask(s: WizardState, task: Task): Update {
  let st: WizardState = { ...s, task };
  // A new wave starts with nobody picked and the next free name.
  if (task === 'cutover') st = { ...st, cutover: { ...st.cutover, selected: [], wave: '', path: '', direction: 'to-zimbra' } };
  // A new task starts from the answers saved for the domain (or the last saved, on an empty form):
  // what is blank, a default or only detected is filled in, so nothing saved is lost to blanks.
  const domain = domainsOf(st.fields)[0];
  const saved = st.start.saved.find((e) => e.domain === domain) ?? (!st.fields.domain && !st.fields.peerHost ? st.start.saved[0] : undefined);
  if (saved) st = { ...st, fields: fillFromSaved(st.fields, saved.fields, st.hosts.detected) };
  if (task === 'rollback') {
    st = { ...st, rollback: { ...st.rollback, phase: 'loading', busy: 'Reading the journal', error: undefined, runId: undefined, plan: undefined, returnTo: undefined } };
    return { state: { ...st, history: [...st.history, st.screen], screen: 'rollback' }, effects: [{ type: 'load-runs' }] };
  }
  if (task === 'resume') {
    const run = st.start.interrupted!;
    const apply = newApply({ type: 'resume', runId: run.runId }, run.job as Job, 'choose');
    return none({ ...st, history: [...st.history, st.screen], screen: 'apply', apply });
  }
  return forward(st, 'role');
}

/** The form with what is blank, a default, or only detected taken from saved answers. */
function fillFromSaved(f: Fields, saved: Fields, detected: HostField[]): Fields {
  const out = { ...f };
  for (const k of Object.keys(EMPTY_FIELDS) as (keyof Fields)[]) {
    if (k === 'force') continue;
    const cur = f[k];
    const keep = cur !== EMPTY_FIELDS[k] && cur !== '' && !detected.includes(k as HostField);
    if (!keep && saved[k] !== undefined && saved[k] !== '') (out as Record<string, unknown>)[k] = saved[k];
  }
  return out;
}
