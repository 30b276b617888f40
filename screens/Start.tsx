/** Start: what to do, and what zsplit found (Zimbra or REHEARSAL, version, host, user). */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { startItems } from '../src/wizard/menus.js';
import { Footer, Line, Menu, useTone } from './ui.js';
import type { ScreenProps } from './ui.js';

export function StartScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const env = state.env;
  const items = startItems(state);
  const user = env.user === 'root' ? 'root' : env.user === 'zimbra' ? 'zimbra' : `${env.user} (neither root nor zimbra)`;
  const found = env.rehearsal
    ? `REHEARSAL on the simulated Zimbra${env.version ? ` ${env.version}` : ''}: nothing real is changed`
    : `Zimbra${env.version ? ` ${env.version}` : ' (version not detected)'}, ${env.label}`;
  const lines: React.JSX.Element[] = [
    <Line key="t" bold>
      What do you want to do?
    </Line>,
    <Line key="b1" />,
    <Line key="z" color={env.rehearsal ? tone('yellow') : undefined}>{`  Found:   ${found}`}</Line>,
    <Line key="h">{`  Host:    ${env.hostname ?? (env.detecting ? '...' : 'not detected (zmhostname)')}    Running as: ${user}`}</Line>,
  ];
  if (env.notice) lines.push(<Line key="n" dim>{`  ${env.notice}`}</Line>);
  lines.push(<Line key="b2" />);
  const room = height - lines.length - 2;
  return (
    <Box flexDirection="column">
      {lines}
      {env.detecting || state.start.loading ? (
        <Line>
          <Spinner type="line" /> Looking for Zimbra and reading the journal...
        </Line>
      ) : (
        <Menu items={items.slice(0, Math.max(1, room))} cursor={state.start.cursor} width={width} labelWidth={30} tone={tone} />
      )}
      {state.start.confirmAbandon ? (
        <Line color={tone('yellow')} bold>{`y = abandon, n = keep run ${state.start.interrupted?.runId ?? ''} (never resumed; its changes stay)`}</Line>
      ) : (
        <Line color={tone('green')}>{state.start.message ?? ''}</Line>
      )}
      <Footer>{state.start.confirmAbandon ? 'y abandon  n keep it' : 'Up/Down move  Enter choose  q quit'}</Footer>
    </Box>
  );
}
