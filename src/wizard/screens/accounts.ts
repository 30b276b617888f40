/**
 * The Accounts screen: the peer users typed, pasted, read from a file or live (placeholders only), single entries dropped;
 * recipient source files of the peer (src/wizard/recipients.ts) loaded and shown by class before the plan.
 * Its reducer (messages `accounts/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import type { WizardState } from '../state.js';
import { isQuitKey, listMove } from '../keymove.js';
import { accountsEditRows } from '../layout.js';
import { back, forward, nextScreen } from '../nav.js';
import { domainsOf, dropBadLines, summarizeAccounts } from '../fields.js';
import { moveList } from '../list.js';
import { accountEntries, accountsItems, firstEnabled, moveMenu, preferredAccountsItem } from '../menus.js';
import { printable } from '../text.js';
import { EMPTY_LDAP, LDAP_FIELDS, addSource, inventoryView, ldapPasswordSource, nextFormat } from '../recipients.js';
import { screenHeight, screenWidth } from '../layout.js';

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
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
      if (a.mode === 'inventory') {
        if (k.up || k.down) return [{ type: 'accounts/scroll', delta: k.up ? -1 : 1 }];
        if (k.pageUp || k.pageDown) return [{ type: 'accounts/scroll', delta: (k.pageUp ? -1 : 1) * Math.max(1, h - 6) }];
        if (k.enter || k.escape) return [{ type: 'accounts/back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.mode === 'source' && k.tab) return [{ type: 'accounts/format', delta: k.shift ? -1 : 1 }];
      if (a.mode === 'ldap') {
        if (k.up || (k.tab && k.shift)) return [{ type: 'accounts/ldap-focus', delta: -1 }];
        if (k.down || k.tab) return [{ type: 'accounts/ldap-focus', delta: 1 }];
        if (LDAP_FIELDS[a.ldapFocus ?? 0]?.toggle && (k.input === ' ' || k.left || k.right)) return [{ type: 'accounts/ldap-toggle' }];
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
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'accounts/move':
      return none({ ...s, accounts: { ...s.accounts, cursor: moveMenu(accountsItems(s), s.accounts.cursor, msg.delta) } });
    case 'accounts/select': {
      const item = accountsItems(s)[s.accounts.cursor];
      if (!item || item.disabled || s.accounts.busy) return none(s);
      const acc = { ...s.accounts, message: undefined, error: undefined };
      switch (item.id) {
        case 'type':
          return none({ ...s, accounts: { ...acc, mode: 'type', draft: '' } });
        case 'file':
          return none({ ...s, accounts: { ...acc, mode: 'file' } });
        case 'source':
          return none({ ...s, accounts: { ...acc, mode: 'source' } });
        case 'ldap':
          return none({ ...s, accounts: { ...acc, mode: 'ldap', ldap: acc.ldap ?? s.fields.ldapSource ?? EMPTY_LDAP, ldapFocus: 0 } });
        case 'inventory':
          return none({ ...s, accounts: { ...acc, mode: 'inventory', top: 0 } });
        case 'live':
          return { state: { ...s, accounts: { ...acc, busy: `Reading the accounts of ${domainsOf(s.fields).join(', ')} (one zmprov -l gaa)` } }, effects: [{ type: 'read-accounts-live' }] };
        case 'drop':
          return setAccounts(s, dropBadLines(s.fields.peerAccounts, s.accounts.summary), 'Removed the invalid and duplicate lines.');
        case 'edit':
          return none({ ...s, accounts: { ...acc, mode: 'edit', entry: { cursor: 0, top: 0 } } });
        case 'clear': {
          const cleared = { ...s, fields: { ...s.fields, recipientSources: [], ldapSource: undefined }, accounts: { ...s.accounts, loaded: undefined } };
          return setAccounts(cleared, '', 'The list is empty.');
        }
        case 'continue':
          return forward(s, nextScreen(s) ?? 'review');
      }
      return none(s);
    }
    case 'accounts/input': {
      if (s.accounts.mode === 'file' || s.accounts.mode === 'source') return none({ ...s, accounts: { ...s.accounts, path: s.accounts.path + msg.text.replace(/[\r\n]/g, '') } });
      const text = s.accounts.draft + msg.text;
      const parts = text.split(/\r\n|\r|\n/);
      const draft = parts.pop() ?? '';
      if (parts.length === 0) return none({ ...s, accounts: { ...s.accounts, draft } });
      const added = parts.filter((l) => l.trim() !== '');
      const st = appendAccounts(s, added);
      return none({ ...st, accounts: { ...st.accounts, draft } });
    }
    case 'accounts/backspace':
      if (s.accounts.mode === 'file' || s.accounts.mode === 'source') return none({ ...s, accounts: { ...s.accounts, path: s.accounts.path.slice(0, -1) } });
      return none({ ...s, accounts: { ...s.accounts, draft: s.accounts.draft.slice(0, -1) } });
    case 'accounts/path':
      return none({ ...s, accounts: { ...s.accounts, path: msg.value } });
    case 'accounts/enter': {
      const a = s.accounts;
      if (a.mode === 'file') {
        if (!a.path.trim()) return none({ ...s, accounts: { ...a, error: 'Type the path of a file with one address per line.' } });
        return { state: { ...s, accounts: { ...a, busy: `Reading ${a.path.trim()}`, error: undefined } }, effects: [{ type: 'read-accounts-file', path: a.path.trim() }] };
      }
      if (a.mode === 'source') {
        if (!a.path.trim()) return none({ ...s, accounts: { ...a, error: 'Type the path of the recipient source file.' } });
        const sources = addSource(s.fields.recipientSources ?? [], { path: a.path.trim(), format: a.sourceFormat });
        return { state: { ...s, accounts: { ...a, busy: `Reading ${a.path.trim()}`, error: undefined } }, effects: [{ type: 'read-recipient-sources', sources, ldap: s.fields.ldapSource, show: true }] };
      }
      if (a.mode === 'ldap') {
        const ldap = a.ldap ?? EMPTY_LDAP;
        const from = ldapPasswordSource(ldap);
        const missing = !ldap.url.trim() ? 'Directory URL' : !ldap.base.trim() ? 'Base DN' : undefined;
        const error = missing ? `${missing}: required.` : 'error' in from ? `${from.error}.` : undefined;
        if (error) return none({ ...s, accounts: { ...a, error } });
        return { state: { ...s, accounts: { ...a, busy: `Reading ${ldap.url.trim()} (LDAP)`, error: undefined } }, effects: [{ type: 'read-recipient-sources', sources: s.fields.recipientSources ?? [], ldap, show: true }] };
      }
      if (a.mode === 'type') {
        if (a.draft.trim() === '') {
          const st = { ...s, accounts: { ...a, mode: 'menu' as const } };
          return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
        }
        const st = appendAccounts(s, [a.draft]);
        return none({ ...st, accounts: { ...st.accounts, draft: '' } });
      }
      return reduce(s, { type: 'accounts/select' });
    }
    case 'accounts/back': {
      const a = s.accounts;
      if (a.mode === 'menu') return back(s);
      const st = a.mode === 'type' && a.draft.trim() ? appendAccounts(s, [a.draft]) : s;
      const m = { ...st, accounts: { ...st.accounts, mode: 'menu' as const, draft: '', error: undefined } };
      return none({ ...m, accounts: { ...m.accounts, cursor: firstEnabled(accountsItems(m), preferredAccountsItem(m)) } });
    }
    case 'accounts/loaded': {
      const u = setAccounts(s, msg.text, msg.message);
      const st = { ...u.state, accounts: { ...u.state.accounts, busy: undefined, mode: 'menu' as const } };
      return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
    }
    case 'accounts/entry-move':
      return none({ ...s, accounts: { ...s.accounts, entry: moveList(s.accounts.entry, accountEntries(s.fields.peerAccounts).length, msg.height, msg.move) } });
    case 'accounts/entry-drop': {
      const entries = accountEntries(s.fields.peerAccounts);
      const e = entries[s.accounts.entry.cursor];
      if (!e || s.accounts.mode !== 'edit') return none(s);
      const text = s.fields.peerAccounts
        .split(/\r?\n/)
        .filter((_l, i) => i !== e.index)
        .join('\n');
      const u = setAccounts(s, text, `Removed ${e.text.trim().split(/\s+/)[0]}.`);
      const left = Math.max(0, entries.length - 2);
      return none({ ...u.state, accounts: { ...u.state.accounts, mode: 'edit', entry: { ...s.accounts.entry, cursor: Math.min(s.accounts.entry.cursor, left) } } });
    }
    case 'accounts/format':
      return none({ ...s, accounts: { ...s.accounts, sourceFormat: nextFormat(s.accounts.sourceFormat, msg.delta) } });
    case 'accounts/sources-loaded': {
      const { inventory, labels, sources, ldap, show } = msg;
      const st: WizardState = {
        ...s,
        fields: { ...s.fields, recipientSources: sources, ldapSource: ldap },
        accounts: { ...s.accounts, busy: undefined, error: undefined, path: '', loaded: { inventory, labels }, mode: show ? 'inventory' : 'menu', top: 0, message: `Read ${sources.length} recipient source(s): ${inventory.recipients.length} recipient(s).` },
      };
      return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
    }
    case 'accounts/ldap-set':
      return none({ ...s, accounts: { ...s.accounts, ldap: { ...(s.accounts.ldap ?? EMPTY_LDAP), [msg.field]: msg.value } } });
    case 'accounts/ldap-toggle': {
      const l = s.accounts.ldap ?? EMPTY_LDAP;
      return none({ ...s, accounts: { ...s.accounts, ldap: { ...l, startTls: !l.startTls } } });
    }
    case 'accounts/ldap-focus':
      return none({ ...s, accounts: { ...s.accounts, ldapFocus: Math.min(LDAP_FIELDS.length - 1, Math.max(0, (s.accounts.ldapFocus ?? 0) + msg.delta)) } });
    case 'accounts/scroll': {
      const l = s.accounts.loaded;
      if (!l) return none(s);
      // the same lines and rows as the 'by class' view (screens/Accounts.tsx ByClass)
      const lines = inventoryView(l.inventory, l.labels, domainsOf(s.fields), screenWidth(s) - 2).length;
      const max = Math.max(0, lines - Math.max(1, screenHeight(s) - 4));
      return none({ ...s, accounts: { ...s.accounts, top: Math.min(max, Math.max(0, (s.accounts.top ?? 0) + msg.delta)) } });
    }
    case 'accounts/failed':
      return none({ ...s, accounts: { ...s.accounts, busy: undefined, error: msg.error } });

    default:
      return none(s);
  }
}

function setAccounts(s: WizardState, text: string, message?: string): Update {
  const summary = summarizeAccounts(text, domainsOf(s.fields));
  const st = { ...s, fields: { ...s.fields, peerAccounts: text }, accounts: { ...s.accounts, summary, message, error: undefined } };
  return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
}

function appendAccounts(s: WizardState, lines: string[]): WizardState {
  if (lines.length === 0) return s;
  const cur = s.fields.peerAccounts.replace(/\s+$/, '');
  return setAccounts(s, (cur ? `${cur}\n` : '') + lines.join('\n')).state;
}
