/** Unsplit: first the check for accounts still routed to the peer, shown; then on to review, preview, apply. */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { unsplitItems } from '../src/wizard/menus.js';
import { Footer, Line, Menu, useScrollLimit, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export function UnsplitScreen({ state, send, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const u = state.unsplit;
  const peer = state.fields.peerHost || 'the peer';
  const items = unsplitItems(state);
  const routed = u.routed ?? [];
  const listRows = Math.max(1, height - items.length - 7);
  const maxTop = Math.max(0, routed.length - listRows);
  const top = Math.min(u.top, maxTop);
  useScrollLimit(send, 'unsplit', maxTop);
  const body: React.JSX.Element[] = [];
  if (u.busy) {
    body.push(
      <Line key="busy">
        <Spinner type="line" /> {`${u.busy}...`}
      </Line>,
    );
  } else if (u.error) {
    wrapped(`Could not check: ${u.error}`, width - 2, 3).forEach((l, i) => body.push(<Line key={`e${i}`} color={tone('red')}>{l}</Line>));
  } else if (routed.length === 0) {
    body.push(<Line key="ok" color={tone('green')}>{`No account is routed to ${peer} any more: nobody is left behind.`}</Line>);
  } else {
    body.push(<Line key="n" color={tone('red')} bold>{`${routed.length} account(s) are still routed to ${peer}:`}</Line>);
    routed.slice(top, top + listRows).forEach((a) => body.push(<Line key={a}>{`    ${a}`}</Line>));
    if (routed.length > listRows) body.push(<Line key="more" dim>{`    (${top + 1}-${Math.min(routed.length, top + listRows)} of ${routed.length}; PgUp/PgDn scroll)`}</Line>);
    body.push(<Line key="w" color={tone('yellow')}>After the unsplit Zimbra would reject their mail: move them first.</Line>);
  }
  return (
    <Box flexDirection="column">
      <Line bold>{`Unsplit: first, who is still routed to ${peer}?`}</Line>
      <Line dim>One zmprov -l gaa lists every account of the domain with its transport.</Line>
      {body}
      <Line />
      <Menu items={items} cursor={u.cursor} width={width} tone={tone} />
      <Footer>Up/Down move  Enter choose  Esc back  q quit</Footer>
    </Box>
  );
}
