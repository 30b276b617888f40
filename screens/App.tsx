/** The wizard's frame: a header on every screen (REHEARSAL said plainly), the current screen, Ctrl+C. */
import React, { useEffect, useSyncExternalStore } from 'react';
import { Box, Static, Text, useInput, useStdin, useStdout } from 'ink';
import type { WizardController } from '../src/wizard/controller.js';
import type { WizardState } from '../src/wizard/state.js';
import { SCREEN_TITLE, TASK_TITLE } from '../src/wizard/state.js';
import { MIN_COLS, MIN_ROWS, screenHeight, screenWidth, tooSmall } from '../src/wizard/layout.js';
import { Line, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';
import { StartScreen } from './Start.js';
import { RoleScreen } from './Role.js';
import { HostsScreen } from './Hosts.js';
import { AccountsScreen } from './Accounts.js';
import { ReviewScreen } from './Review.js';
import { PreviewScreen } from './Preview.js';
import { ApplyScreen } from './Apply.js';
import { FailureScreen } from './Failure.js';
import { DoneScreen } from './Done.js';
import { RollbackScreen } from './Rollback.js';
import { CutoverScreen } from './Cutover.js';
import { UnsplitScreen } from './Unsplit.js';
import { DetailView } from './Detail.js';

const SCREENS: Record<WizardState['screen'], (p: ScreenProps) => React.JSX.Element> = {
  start: StartScreen,
  role: RoleScreen,
  hosts: HostsScreen,
  accounts: AccountsScreen,
  review: ReviewScreen,
  preview: PreviewScreen,
  apply: ApplyScreen,
  failure: FailureScreen,
  done: DoneScreen,
  rollback: RollbackScreen,
  cutover: CutoverScreen,
  unsplit: UnsplitScreen,
};

export function headerText(s: WizardState): string {
  const where = s.screen === 'start' ? 'zsplit' : `zsplit ${TASK_TITLE[s.task]} > ${SCREEN_TITLE[s.screen]}`;
  if (s.env.rehearsal) return `REHEARSAL: simulated Zimbra, nothing real is changed | ${where}`;
  const host = s.env.hostname ?? s.env.targetId;
  return `${where} | ${host}${s.env.version ? ` ${s.env.version}` : ''} | ${s.env.label} | as ${s.env.user}`;
}

export function App({ controller }: { controller: WizardController }): React.JSX.Element {
  const state = useSyncExternalStore(controller.subscribe, controller.getState, controller.getState);
  const send = controller.send;
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const raw = Boolean(isRawModeSupported);
  const tone = useTone(state);

  useEffect(() => {
    const onResize = () => send({ type: 'resize', cols: stdout.columns || 80, rows: stdout.rows || 24 });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, send]);

  // One key handler for the whole wizard: the state machine reads each key against the current state.
  useInput(
    (input, key) => {
      // Esc and the next key read together (a slow SSH link, a loaded machine) arrive as Alt+key.
      // The wizard has no Alt shortcuts, so that is the two keys, in order.
      const late = key.meta && !key.escape && !key.ctrl && input.length === 1 && input >= ' ';
      if (late) send({ type: 'key', key: { input: '', escape: true } });
      send({
        type: 'key',
        key: {
          input,
          up: key.upArrow,
          down: key.downArrow,
          left: key.leftArrow,
          right: key.rightArrow,
          pageUp: key.pageUp,
          pageDown: key.pageDown,
          home: key.home,
          end: key.end,
          enter: key.return,
          escape: key.escape,
          tab: key.tab,
          shift: key.shift,
          ctrl: key.ctrl,
          meta: key.meta && !key.escape && !late,
          backspace: key.backspace,
          delete: key.delete,
        },
      });
    },
    { isActive: raw && !state.exit },
  );

  const width = screenWidth(state);
  // The frame stays shorter than the terminal: Ink clears the whole screen when it is not.
  const height = screenHeight(state);
  const Screen = state.detail ? DetailView : SCREENS[state.screen];
  if (tooSmall(state)) {
    // Never a cut-off frame: a hidden command cannot be answered. Redraws as soon as the window grows.
    const cols = state.size.cols;
    const text = `The terminal is too small: ${cols}x${state.size.rows}; the wizard needs at least ${MIN_COLS}x${MIN_ROWS} so that no command it asks about is hidden. Enlarge the window (the wizard redraws at once), or press q to quit.${state.apply?.phase === 'running' ? ' The run goes on; a question waits.' : ''}`;
    return (
      <Box flexDirection="column" width={cols}>
        <Static items={state.log}>{(b) => <Text key={b.id}>{b.text}</Text>}</Static>
        <Line color={state.env.rehearsal ? tone('yellow') : tone('cyan')} bold inverse={!state.noColor}>
          {headerText(state)}
        </Line>
        {wrapped(text, Math.max(20, cols - 1), Math.max(2, state.size.rows - 3)).map((l, i) => (
          <Line key={i} color={tone('yellow')}>
            {l}
          </Line>
        ))}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      {/* Finished steps: written once above the frame. Mounted for the whole session on purpose. */}
      <Static items={state.log}>{(b) => <Text key={b.id}>{b.text}</Text>}</Static>
      <Line color={state.env.rehearsal ? tone('yellow') : tone('cyan')} bold inverse={!state.noColor}>
        {headerText(state)}
      </Line>
      <Screen state={state} send={send} width={width} height={height} />
    </Box>
  );
}
