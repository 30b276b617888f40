/**
 * The Role screen: Zimbra's role (primary/secondary) and the peer's kind.
 * Its reducer (messages `role/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey } from '../keymove.js';
import { back, forward, nextScreen } from '../nav.js';
import { PEER_KINDS } from '../../model/types.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'role':
      if (k.up) return [{ type: 'role/move', delta: -1 }];
      if (k.down) return [{ type: 'role/move', delta: 1 }];
      if (k.enter) return [{ type: 'role/enter' }];
      if (k.escape) return [{ type: 'role/back' }];
      if (q) return [{ type: 'quit' }];
      return [];
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'role/move': {
      if (s.role.focus === 'role') return none({ ...s, fields: { ...s.fields, role: s.fields.role === 'primary' ? (msg.delta > 0 ? 'secondary' : 'primary') : msg.delta < 0 ? 'primary' : 'secondary' } });
      const i = PEER_KINDS.indexOf(s.fields.peerKind);
      const n = Math.max(0, Math.min(PEER_KINDS.length - 1, i + msg.delta));
      return none({ ...s, fields: { ...s.fields, peerKind: PEER_KINDS[n] } });
    }
    case 'role/enter':
      if (s.role.focus === 'role') return none({ ...s, fields: { ...s.fields, role: s.fields.role || 'primary' }, role: { focus: 'peer' } });
      return forward(s, nextScreen(s) ?? 'hosts');
    case 'role/back':
      if (s.role.focus === 'peer') return none({ ...s, role: { focus: 'role' } });
      return back(s);

    default:
      return none(s);
  }
}
