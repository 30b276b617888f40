/**
 * The wizard's state machine: a pure function from (state, message) to the next state and the
 * effects to run (reading the server, planning, applying...). This file is the dispatcher: keys
 * and the messages every screen shares; a screen's own messages (`<screen>/...`) go to its
 * reducer in src/wizard/screens/. The controller runs the effects and sends their results back.
 */
import { domainFromHost } from './fields.js';
import { keyMsgs } from './keys.js';
import type { Effect, KeyPress, Msg, Update } from './msg.js';
import { none } from './msg.js';
import { back, exit, quit } from './nav.js';
import type { HostField, WizardState } from './state.js';
import { activeText, charKey, isChunk, takesText } from './text.js';
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

export type { Effect, Msg, Update } from './msg.js';

/** The reducer of each message prefix (`start/select` -> start). */
const REDUCERS: Record<string, (s: WizardState, msg: Msg) => Update> = {
  start: start.reduce,
  role: role.reduce,
  hosts: hosts.reduce,
  accounts: accounts.reduce,
  review: review.reduce,
  preview: preview.reduce,
  apply: apply.reduce,
  failure: failure.reduce,
  done: done.reduce,
  rollback: rollback.reduce,
  cutover: cutover.reduce,
  unsplit: unsplit.reduce,
  detail: detail.reduce,
};

export function update(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'key': {
      // Every key is read against the state as it is now, whatever the screen last drew.
      let st = s;
      const effects: Effect[] = [];
      const one = (k: KeyPress) => {
        const field = activeText(st)?.key;
        for (const m of keyMsgs(st, k)) {
          const u = update(st, m);
          st = u.state;
          effects.push(...u.effects);
        }
        // A field that gets the focus starts fresh: its caret is forgotten (typing replaces a pre-filled value).
        const now = activeText(st)?.key;
        if (st.caret && now !== field) st = { ...st, caret: undefined };
      };
      if (!isChunk(msg.key)) one(msg.key);
      else {
        let rest = msg.key.input;
        while (rest) {
          const taker = takesText(st);
          let part: string;
          if (taker === 'lines') part = rest;
          else if (taker === 'field') {
            const m = /[\r\n]/.exec(rest);
            part = m ? rest.slice(0, m.index + 1) : rest;
          } else part = rest[0];
          rest = rest.slice(part.length);
          one(taker ? { ...msg.key, input: part } : charKey(part));
        }
      }
      return { state: st, effects };
    }
    case 'caret':
      return none({ ...s, caret: { key: msg.key, pos: msg.pos } });
    case 'scroll-limit':
      if (s.limits[msg.view] === msg.max) return none(s);
      return none({ ...s, limits: { ...s.limits, [msg.view]: msg.max } });
    case 'resize':
      return none({ ...s, size: { cols: msg.cols, rows: msg.rows } });
    case 'env/detected': {
      const f = { ...s.fields };
      const detected: HostField[] = [];
      if (!f.zimbraHost && msg.hostname) (f.zimbraHost = msg.hostname), detected.push('zimbraHost');
      if (!f.zimbraVersion && msg.version) (f.zimbraVersion = msg.version), detected.push('zimbraVersion');
      const d = domainFromHost(msg.hostname);
      if (!f.domain && d) (f.domain = d), detected.push('domain');
      return none({ ...s, fields: f, env: { ...s.env, detecting: false, version: msg.version, hostname: msg.hostname }, hosts: { ...s.hosts, detected } });
    }
    case 'interrupt': {
      const a = s.apply;
      if (s.screen === 'apply' && a?.phase === 'running') {
        const n = s.ctrlC + 1;
        if (n >= 2) return exit({ ...s, ctrlC: n }, 130, 'zsplit: stopped at once (Ctrl+C twice). The journal holds every finished step: run zsplit again to resume or roll back.');
        return { state: { ...s, ctrlC: n, apply: { ...a, stopRequested: true, question: undefined, message: 'Stopping after the current step (the journal is saved). Ctrl+C again exits now.' } }, effects: [{ type: 'stop' }] };
      }
      return exit(s, 130);
    }
    case 'quit':
      return quit(s);
    case 'quit/answer': {
      const a = s.apply;
      if (!a) return none(s);
      if (!msg.yes) return none({ ...s, apply: { ...a, confirmQuit: false } });
      return { state: { ...s, apply: { ...a, confirmQuit: false, quitAfter: true, stopRequested: true, question: undefined, message: 'Stopping after the current step, then quitting (the journal is saved).' } }, effects: [{ type: 'stop' }] };
    }
    case 'back':
      return back(s);
    default: {
      const r = REDUCERS[msg.type.slice(0, msg.type.indexOf('/'))];
      return r ? r(s, msg) : none(s);
    }
  }
}
