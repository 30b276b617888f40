/**
 * Cutover: pick users (search the placeholders read live, or a file), name the wave; the waves
 * view shows who moved in which run and rolls one wave back.
 */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { shortTime } from '../src/wizard/format.js';
import { activeText, caretOf, isFresh } from '../src/wizard/text.js';
import { cutoverRows } from '../src/wizard/layout.js';
import { visible } from '../src/wizard/list.js';
import { Footer, Line, TextField, useTone } from './ui.js';
import type { ScreenProps } from './ui.js';

export function CutoverScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const c = state.cutover;
  const peer = state.fields.peerHost || 'the peer';
  const rows = cutoverRows(height);
  const editing = activeText(state);

  if (c.phase === 'loading' || (c.busy && c.phase !== 'file')) {
    return (
      <Box flexDirection="column">
        <Line bold>Cut over users</Line>
        <Line>
          <Spinner type="line" /> {`${c.busy ?? 'Reading the accounts'}...`}
        </Line>
        <Footer>Esc back</Footer>
      </Box>
    );
  }

  if (c.phase === 'waves') {
    const v = visible(c.wavesList, c.waves.length, rows);
    return (
      <Box flexDirection="column">
        <Line bold>Waves in the journal (newest last)</Line>
        <Line dim>{`${'wave'.padEnd(12)}${'direction'.padEnd(11)}${'users'.padEnd(7)}${'status'.padEnd(13)}${'started'.padEnd(18)}who`}</Line>
        {c.waves.length === 0 ? <Line>No cutover wave has run yet.</Line> : null}
        {c.waves.slice(v.start, v.end).map((w, k) => {
          const sel = v.start + k === v.cursor;
          const who = (w.users ?? []).slice(0, 4).join(', ') + ((w.users?.length ?? 0) > 4 ? ', ...' : '');
          return (
            <Line key={w.runId} bold={sel} color={sel ? tone('cyan') : w.status === 'rolled-back' ? tone('gray') : undefined}>
              {`${sel ? '>' : ' '} ${(w.wave ?? '?').padEnd(10)}${(w.direction ?? '').padEnd(11)}${String(w.users?.length ?? 0).padEnd(7)}${w.status.toUpperCase().padEnd(13)}${shortTime(w.time).padEnd(18)}${who}`}
            </Line>
          );
        })}
        <Line color={tone('yellow')}>{c.message ?? ''}</Line>
        <Footer>Up/Down move  Enter roll back this wave  Esc/v back to picking  q quit</Footer>
      </Box>
    );
  }

  const v = visible(c.list, c.shown.length, rows);
  const dir = c.direction === 'to-zimbra' ? `to Zimbra (placeholders routed to ${peer})` : `back to ${peer} (accounts living on Zimbra)`;
  let top: React.JSX.Element;
  if (c.phase === 'filter' || c.phase === 'wave' || c.phase === 'file') {
    const label = c.phase === 'filter' ? 'Search: ' : c.phase === 'wave' ? 'Wave name: ' : 'File with one address per line: ';
    const value = c.phase === 'filter' ? c.filter : c.phase === 'wave' ? c.wave : c.path;
    top = (
      <Box height={1} overflowY="hidden" width={width}>
        <Line color={tone('cyan')}>{label}</Line>
        <TextField value={value} caret={editing ? caretOf(state, editing) : value.length} fresh={editing ? isFresh(state, editing) : false} />
        <Line dim>{c.busy ? '  reading...' : '  (Enter done, Esc back)'}</Line>
      </Box>
    );
  } else top = <Line bold>{`Cut over users ${dir}`}</Line>;
  return (
    <Box flexDirection="column">
      {top}
      <Line>{`Wave: ${c.wave || '(unnamed)'}   shown ${c.shown.length} of ${c.accounts.length} account(s)${c.filter ? ` matching "${c.filter}"` : ''}   selected ${c.selected.length}`}</Line>
      {c.shown.length === 0 ? (
        <Line dim>{c.accounts.length ? '  nobody to move in this direction (Left/Right switches it)' : '  no account read'}</Line>
      ) : null}
      {c.shown.slice(v.start, v.end).map((name, k) => {
        const sel = v.start + k === v.cursor;
        const on = c.selected.includes(name);
        return (
          <Line key={name} bold={sel} color={sel ? tone('cyan') : undefined}>
            {`${sel ? '>' : ' '} [${on ? 'x' : ' '}] ${name}`}
          </Line>
        );
      })}
      {Array.from({ length: Math.max(0, rows - (v.end - v.start) - (c.shown.length === 0 ? 1 : 0)) }, (_, i) => (
        <Line key={`pad${i}`} />
      ))}
      <Line color={c.error ? tone('red') : tone('yellow')}>{c.error ?? c.message ?? (c.selected.length ? `selected: ${c.selected.slice(0, 6).join(', ')}${c.selected.length > 6 ? ', ...' : ''}` : '')}</Line>
      <Footer>Space pick  a all shown  / search  f from a file  w wave name  v waves</Footer>
      <Footer>Left/Right direction  Enter review  Esc back  q quit</Footer>
    </Box>
  );
}
