/**
 * The Cutover screen: pick users (search, file, all), the direction and the wave; the waves view.
 * Its reducer (messages `cutover/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { routesTo } from '../peers.js';
import { isQuitKey, listMove } from '../keymove.js';
import { cutoverRows } from '../layout.js';
import { back, forward } from '../nav.js';
import { filterNames, moveList } from '../list.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
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
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'cutover/loaded': {
      // A new wave gets the next free name; one the journal holds already is not reused.
      const used = new Set(msg.waves.map((w) => w.wave));
      let wave = s.cutover.wave;
      for (let n = msg.waves.length + 1; !wave || used.has(wave); n++) wave = `wave-${n}`;
      const c = { ...s.cutover, phase: 'pick' as const, busy: undefined, accounts: msg.accounts, waves: msg.waves, wave };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/error':
      return none({ ...s, cutover: { ...s.cutover, phase: 'pick', busy: undefined, error: msg.error } });
    case 'cutover/move':
      return none({ ...s, cutover: { ...s.cutover, list: moveList(s.cutover.list, s.cutover.shown.length, msg.height, msg.move) } });
    case 'cutover/toggle': {
      const c = s.cutover;
      const name = c.shown[c.list.cursor];
      if (!name) return none(s);
      const selected = c.selected.includes(name) ? c.selected.filter((x) => x !== name) : [...c.selected, name];
      return none({ ...s, cutover: { ...c, selected, message: undefined } });
    }
    case 'cutover/toggle-all': {
      const c = s.cutover;
      const all = c.shown.every((n) => c.selected.includes(n));
      const shown = new Set(c.shown);
      const selected = all ? c.selected.filter((n) => !shown.has(n)) : [...c.selected, ...c.shown.filter((n) => !c.selected.includes(n))];
      return none({ ...s, cutover: { ...c, selected, message: undefined } });
    }
    case 'cutover/direction': {
      const c = { ...s.cutover, direction: s.cutover.direction === 'to-zimbra' ? ('to-peer' as const) : ('to-zimbra' as const), selected: [], list: { cursor: 0, top: 0 } };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/mode':
      return none({ ...s, cutover: { ...s.cutover, phase: msg.phase, error: undefined, message: undefined } });
    case 'cutover/filter': {
      const c = { ...s.cutover, filter: msg.value, list: { cursor: 0, top: 0 } };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/wave':
      return none({ ...s, cutover: { ...s.cutover, wave: msg.value } });
    case 'cutover/path':
      return none({ ...s, cutover: { ...s.cutover, path: msg.value } });
    case 'cutover/file-loaded': {
      const c = s.cutover;
      const selected = [...c.selected, ...msg.users.filter((u) => !c.selected.includes(u))];
      return none({ ...s, cutover: { ...c, phase: 'pick', busy: undefined, selected, message: msg.message } });
    }
    case 'cutover/enter': {
      const c = s.cutover;
      switch (c.phase) {
        case 'pick':
          if (c.selected.length === 0) return none({ ...s, cutover: { ...c, message: 'Select at least one user (Space), or read them from a file (f).' } });
          if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(c.wave)) return none({ ...s, cutover: { ...c, message: 'Name the wave first (w): letters, digits, . _ -' } });
          return forward(s, 'review');
        case 'filter':
        case 'wave':
          return none({ ...s, cutover: { ...c, phase: 'pick' } });
        case 'file':
          if (!c.path.trim()) return none({ ...s, cutover: { ...c, error: 'Type the path of a file with one address per line.' } });
          return { state: { ...s, cutover: { ...c, busy: `Reading ${c.path.trim()}`, error: undefined } }, effects: [{ type: 'read-users-file', path: c.path.trim() }] };
        case 'waves':
          return reduce(s, { type: 'cutover/waves-select' });
      }
      return none(s);
    }
    case 'cutover/back': {
      const c = s.cutover;
      if (c.phase === 'filter') return none({ ...s, cutover: { ...c, phase: 'pick' } });
      if (c.phase === 'file' || c.phase === 'wave' || c.phase === 'waves') return none({ ...s, cutover: { ...c, phase: 'pick', error: undefined } });
      return back(s);
    }
    case 'cutover/waves-move':
      return none({ ...s, cutover: { ...s.cutover, wavesList: moveList(s.cutover.wavesList, s.cutover.waves.length, msg.height, msg.move) } });
    case 'cutover/waves-select': {
      const w = s.cutover.waves[s.cutover.wavesList.cursor];
      if (!w) return none(s);
      if (w.kind !== 'apply' || w.status === 'rolled-back' || w.applied === 0)
        return none({ ...s, cutover: { ...s.cutover, message: w.status === 'rolled-back' ? `${w.wave} was rolled back already.` : `${w.wave ?? w.runId} changed nothing that needs undoing.` } });
      return {
        state: { ...s, history: [...s.history, 'cutover'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback of the wave', error: undefined, runId: w.runId, returnTo: 'cutover' } },
        effects: [{ type: 'load-rollback', runId: w.runId }],
      };
    }

    default:
      return none(s);
  }
}

function cutoverShown(s: WizardState['cutover'], peerHost: string): string[] {
  const toPeer = (t: string) => routesTo(t, peerHost);
  const names = s.accounts.filter((a) => (s.direction === 'to-zimbra' ? toPeer(a.transport) : !toPeer(a.transport))).map((a) => a.name);
  return filterNames(names, s.filter);
}
