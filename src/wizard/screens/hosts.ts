/**
 * The Hosts screen: the domain, Zimbra and peer hosts, relay networks; validation on Continue.
 * Its reducer (messages `hosts/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey } from '../keymove.js';
import { forward, nextScreen } from '../nav.js';
import { HOST_FIELDS, hostErrors } from '../fields.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
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
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'hosts/set':
      return none({ ...s, fields: { ...s.fields, [msg.field]: msg.value }, hosts: { ...s.hosts, detected: s.hosts.detected.filter((d) => d !== msg.field) } });
    case 'hosts/toggle': {
      const def = HOST_FIELDS[s.hosts.focus];
      if (!def?.toggle) return none(s);
      return none({ ...s, fields: { ...s.fields, allowWideNetwork: !s.fields.allowWideNetwork } });
    }
    case 'hosts/focus': {
      const cur = HOST_FIELDS[s.hosts.focus]?.name;
      const touched = cur && !s.hosts.touched.includes(cur) ? [...s.hosts.touched, cur] : s.hosts.touched;
      const focus = Math.max(0, Math.min(HOST_FIELDS.length, s.hosts.focus + msg.delta));
      return none({ ...s, hosts: { ...s.hosts, focus, touched } });
    }
    case 'hosts/enter': {
      if (s.hosts.focus < HOST_FIELDS.length) return reduce(s, { type: 'hosts/focus', delta: 1 });
      const errors = hostErrors(s.fields);
      const bad = HOST_FIELDS.findIndex((f) => errors[f.name]);
      const touched = HOST_FIELDS.map((f) => f.name);
      if (bad >= 0) return none({ ...s, hosts: { ...s.hosts, submitted: true, touched, focus: bad } });
      return forward({ ...s, hosts: { ...s.hosts, submitted: true, touched } }, nextScreen(s) ?? 'review');
    }

    default:
      return none(s);
  }
}
