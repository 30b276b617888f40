/** Accounts: typed or pasted, from a file, or read live (one zmprov -l gaa); counts, duplicates, invalid lines. */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { activeText, caretOf, isFresh } from '../src/wizard/text.js';
import { accountEntries, accountsItems } from '../src/wizard/menus.js';
import { accountsEditRows } from '../src/wizard/layout.js';
import { visible } from '../src/wizard/list.js';
import { domainsOf } from '../src/wizard/fields.js';
import { EMPTY_LDAP, FORMAT_LABEL, LDAP_FIELDS, inventoryLine, inventoryView } from '../src/wizard/recipients.js';
import { Footer, Line, Menu, TextField, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export function AccountsScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const a = state.accounts;
  if (a.mode === 'edit') return <EditEntries state={state} width={width} height={height} />;
  if (a.mode === 'inventory' && a.loaded) return <ByClass state={state} width={width} height={height} />;
  if (a.mode === 'ldap') return <LdapForm state={state} width={width} />;
  const sum = a.summary;
  const editing = activeText(state);

  const peer = state.fields.peerHost || 'the peer';
  const lines = state.fields.peerAccounts.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#'));
  const problems = [...sum.invalid, ...sum.duplicates].sort((x, y) => x.lineNo - y.lineNo);
  const items = accountsItems(state);
  const bottom = a.mode === 'menu' ? items.length : 3;
  // header 3, blank 1, footer 1, message 1, problems <= 3, bottom block
  const problemRows = Math.min(3, problems.length ? problems.length + 1 : 0);
  const inv = a.loaded?.inventory;
  const sourceRows = inv ? 1 : 0;
  const msg = a.busy ? [] : wrapped(a.error ?? a.message ?? '', width - 2, 2);
  const listRows = Math.max(1, height - 8 - problemRows - bottom - sourceRows);
  const tail = lines.slice(-listRows);
  return (
    <Box flexDirection="column">
      <Line bold>{`Accounts that live on ${peer}: each gets a locked placeholder on Zimbra`}</Line>
      <Line color={problems.length ? tone('red') : tone('green')}>
        {`  ${sum.accounts} account(s), ${sum.aliases} alias(es), ${sum.duplicates.length} duplicate(s), ${sum.invalid.length} invalid line(s)`}
      </Line>
      {inv ? (
        <Line color={inv.errors.length ? tone('red') : tone('green')}>{`  From the peer: ${inventoryLine(inv, domainsOf(state.fields))}${inv.errors.length ? `; ${inv.errors.length} problem(s)` : ''}`}</Line>
      ) : null}
      <Line dim>{lines.length > tail.length ? `  last ${tail.length} of ${lines.length} lines:` : lines.length ? '  the list:' : '  the list is empty'}</Line>
      {Array.from({ length: listRows }, (_, i) => (
        <Line key={`l${i}`}>{tail[i] !== undefined ? `    ${tail[i]}` : ''}</Line>
      ))}
      {problemRows ? (
        <Box flexDirection="column">
          <Line color={tone('red')}>{`  Problems (${problems.length}):`}</Line>
          {problems.slice(0, problemRows - 1).map((p) => (
            <Line key={`p${p.lineNo}${p.message}`} color={tone('red')}>{`    line ${p.lineNo}: ${p.message}`}</Line>
          ))}
        </Box>
      ) : null}
      <Lines lines={msg} rows={2} color={a.error ? tone('red') : tone('green')} />
      {a.busy ? (
        <Busy text={a.busy} />
      ) : a.mode === 'menu' ? (
        <Menu items={items} cursor={a.cursor} width={width} tone={tone} />
      ) : a.mode === 'source' ? (
        <Box flexDirection="column">
          <Line>A recipient export of the peer (every mailbox, list, room, contact and alias):</Line>
          <Box height={1} overflowY="hidden">
            <Line>{'  path: '}</Line>
            {editing ? <TextField value={a.path} caret={caretOf(state, editing)} fresh={isFresh(state, editing)} /> : <Line>{a.path}</Line>}
          </Box>
          <Line color={tone('cyan')}>{`  format: ${a.sourceFormat} (${FORMAT_LABEL[a.sourceFormat]})`}</Line>
        </Box>
      ) : a.mode === 'file' ? (
        <Box flexDirection="column">
          <Line>File with one address per line (address [alias ...]; # comments):</Line>
          <Box height={1} overflowY="hidden">
            <Line>{'  path: '}</Line>
            {editing ? <TextField value={a.path} caret={caretOf(state, editing)} fresh={isFresh(state, editing)} /> : <Line>{a.path}</Line>}
          </Box>
          <Line dim>  Enter reads it, Esc cancels</Line>
        </Box>
      ) : (
        <Box flexDirection="column">
          <Line>Type an address and Enter (aliases after it, space-separated), or paste many lines.</Line>
          <Line color={tone('cyan')}>{`  > ${a.draft}_`}</Line>
          <Line dim>  An empty line or Esc ends the typing</Line>
        </Box>
      )}
      <Line />
      <Footer>{a.mode === 'menu' ? 'Up/Down move  Enter choose  Esc back  q quit' : a.mode === 'file' ? 'Enter read  Esc cancel' : a.mode === 'source' ? 'Enter read  Tab format  Esc cancel' : 'Enter add the line  empty Enter or Esc done  Backspace erase'}</Footer>
    </Box>
  );
}

/** Removing single entries: the whole list with a cursor; d (or Space, Delete) removes the entry under it. */
function EditEntries({ state, width, height }: { state: ScreenProps['state']; width: number; height: number }): React.JSX.Element {
  const tone = useTone(state);
  const a = state.accounts;
  const entries = accountEntries(state.fields.peerAccounts);
  const rows = accountsEditRows(height);
  const v = visible(a.entry, entries.length, rows);
  const msg = wrapped(a.message ?? '', width - 2, 2);
  const sum = a.summary;
  return (
    <Box flexDirection="column">
      <Line bold>{`Remove single entries: ${entries.length} in the list`}</Line>
      <Line>{`  ${sum.accounts} account(s), ${sum.aliases} alias(es), ${sum.duplicates.length} duplicate(s), ${sum.invalid.length} invalid line(s)`}</Line>
      <Line dim>{entries.length > rows ? `  entries ${v.start + 1}-${v.end} of ${entries.length}:` : '  the list:'}</Line>
      {Array.from({ length: rows }, (_, i) => {
        const r = v.start + i;
        const e = r < v.end ? entries[r] : undefined;
        const sel = r === v.cursor && e !== undefined;
        return (
          <Line key={`e${i}`} bold={sel} color={sel ? tone('cyan') : undefined}>
            {e ? `${sel ? '>' : ' '} ${e.text}` : i === 0 ? '  (the list is empty)' : ''}
          </Line>
        );
      })}
      {[0, 1].map((i) => (
        <Line key={`m${i}`} color={tone('green')}>
          {msg[i] ?? ''}
        </Line>
      ))}
      <Line />
      <Footer>Up/Down move  d (Space, Delete) remove the entry  Enter/Esc done</Footer>
    </Box>
  );
}

/** The recipients the sources gave, by class with counts, and their problems: seen before the plan is made. */
function ByClass({ state, width, height }: { state: ScreenProps['state']; width: number; height: number }): React.JSX.Element {
  const tone = useTone(state);
  const a = state.accounts;
  const { inventory, labels } = a.loaded!;
  const lines = inventoryView(inventory, labels, domainsOf(state.fields), width - 2);
  const rows = Math.max(1, height - 4);
  const top = Math.min(a.top ?? 0, Math.max(0, lines.length - rows));
  const shown = lines.slice(top, top + rows);
  return (
    <Box flexDirection="column">
      <Line bold>{`Recipients of the peer by class${lines.length > rows ? ` (lines ${top + 1}-${top + shown.length} of ${lines.length})` : ''}`}</Line>
      {Array.from({ length: rows }, (_, i) => {
        const l = shown[i];
        return (
          <Line key={`v${i}`} color={l?.tone ? tone(l.tone) : undefined} dim={l?.dim}>
            {l ? `  ${l.text}` : ''}
          </Line>
        );
      })}
      <Line />
      <Footer>{lines.length > rows ? 'Up/Down, PgUp/PgDn scroll  Enter/Esc back to the list' : 'Enter/Esc back to the list'}</Footer>
    </Box>
  );
}

/** A live LDAP / AD source: where the bind password is (a file, $NAME), never the password. */
function LdapForm({ state, width }: { state: ScreenProps['state']; width: number }): React.JSX.Element {
  const tone = useTone(state);
  const a = state.accounts;
  const l = a.ldap ?? EMPTY_LDAP;
  const focus = a.ldapFocus ?? 0;
  const editing = activeText(state);
  const hint = wrapped(LDAP_FIELDS[focus]?.hint ?? '', width - 2, 2, '  ');
  const msg = a.busy ? [] : wrapped(a.error ?? '', width - 2, 3);
  return (
    <Box flexDirection="column">
      <Line bold>Recipients read live from LDAP / Active Directory (mail, proxyAddresses, objectClass)</Line>
      <Line />
      {LDAP_FIELDS.map((f, i) => {
        const sel = i === focus;
        const value = f.toggle ? (l.startTls ? '[x]' : '[ ]') : l[f.name as Exclude<keyof typeof l, 'startTls'>];
        const label = `${sel ? '>' : ' '} ${f.label} `.padEnd(20, '.') + ' ';
        return (
          <Box key={f.name} height={1} overflowY="hidden">
            <Line bold={sel} color={sel ? tone('cyan') : undefined}>{label}</Line>
            {sel && editing ? <TextField value={String(value)} caret={caretOf(state, editing)} fresh={isFresh(state, editing)} /> : <Line>{String(value)}</Line>}
          </Box>
        );
      })}
      <Line />
      {[0, 1].map((i) => (
        <Line key={`h${i}`} dim>
          {hint[i] ?? ''}
        </Line>
      ))}
      <Lines lines={msg} rows={3} color={tone('red')} />
      {a.busy ? <Busy text={a.busy} /> : <Line />}
      <Footer>Up/Down field  Space toggles  Enter read  Esc cancel</Footer>
    </Box>
  );
}

/** A message in a fixed number of rows: the frame's height does not depend on it. */
function Lines({ lines, rows, color }: { lines: string[]; rows: number; color?: ReturnType<ReturnType<typeof useTone>> }): React.JSX.Element {
  return (
    <>
      {Array.from({ length: rows }, (_, i) => (
        <Line key={`m${i}`} color={color}>
          {lines[i] ?? ''}
        </Line>
      ))}
    </>
  );
}

function Busy({ text }: { text: string }): React.JSX.Element {
  return (
    <Line>
      <Spinner type="line" /> {text}
    </Line>
  );
}
