/** Rollback: pick a run, preview its inverse steps (newest first), confirm, apply. */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { shortTime } from '../src/wizard/format.js';
import { visible } from '../src/wizard/list.js';
import { ROLLBACK_CONFIRM } from '../src/wizard/menus.js';
import { Choices, Footer, Line, StepList, useTone, wrapped } from './ui.js';
import { ROLLBACK_DETAIL as DETAIL, rollbackListHeight, rollbackPickRows } from '../src/wizard/layout.js';
import type { ScreenProps } from './ui.js';


export function RollbackScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const r = state.rollback;
  const pickRows = rollbackPickRows(height);
  const errLines = r.error ? Math.min(4, wrapped(r.error, width - 2, 4).length) : 0;
  const listHeight = rollbackListHeight(height, r.phase === 'confirm', errLines);

  const err = r.error ? wrapped(r.error, width - 2, 4) : [];
  if (r.busy || r.phase === 'loading') {
    return (
      <Box flexDirection="column">
        <Line bold>Roll back a run</Line>
        <Line>
          <Spinner type="line" /> {`${r.busy ?? 'Reading the journal'}...`}
        </Line>
        {err.map((l, i) => (
          <Line key={i} color={tone('red')}>
            {l}
          </Line>
        ))}
        <Footer>Esc back</Footer>
      </Box>
    );
  }
  if (r.phase === 'pick') {
    const v = visible(r.list, r.runs.length, pickRows - err.length);
    return (
      <Box flexDirection="column">
        <Line bold>Roll back a run: choose one (newest last)</Line>
        <Line dim>{`${'run'.padEnd(26)}${'job'.padEnd(9)}${'status'.padEnd(13)}${'applied'.padEnd(9)}started`}</Line>
        {r.runs.length === 0 ? <Line>No run on this target changed anything that is not rolled back already.</Line> : null}
        {r.runs.slice(v.start, v.end).map((run, k) => {
          const sel = v.start + k === v.cursor;
          const what = run.wave ? `${run.job} ${run.wave}` : run.job;
          return (
            <Line key={run.runId} bold={sel} color={sel ? tone('cyan') : undefined}>
              {`${sel ? '>' : ' '} ${run.runId.padEnd(24)}${what.padEnd(9)}${run.status.toUpperCase().padEnd(13)}${String(run.applied).padEnd(9)}${shortTime(run.time)}  ${run.domains.join(', ')}`}
            </Line>
          );
        })}
        {err.map((l, i) => (
          <Line key={`e${i}`} color={tone('red')}>
            {l}
          </Line>
        ))}
        <Line />
        <Footer>Up/Down move  Enter preview its rollback  Esc back  q quit</Footer>
      </Box>
    );
  }
  const p = r.plan;
  if (!p) {
    return (
      <Box flexDirection="column">
        <Line bold>Roll back a run</Line>
        {err.map((l, i) => (
          <Line key={i} color={tone('red')}>
            {l}
          </Line>
        ))}
        <Footer>Esc back  q quit</Footer>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Line bold>{`Roll back run ${r.runId}: ${p.steps.length} inverse step(s), newest first`}</Line>
      <Line dim>Each restores the value recorded in the journal before the run changed it.</Line>
      <StepList plan={p} list={r.steps} width={width} listHeight={listHeight} detailHeight={DETAIL} tone={tone} values={r.values} />
      {err.map((l, i) => (
        <Line key={`e${i}`} color={tone('red')}>
          {l}
        </Line>
      ))}
      {r.phase === 'confirm' ? (
        <Box flexDirection="column">
          <Line bold color={tone('yellow')}>{`Undo these changes on ${state.env.rehearsal ? 'REHEARSAL (the simulated Zimbra)' : state.env.label}?`}</Line>
          <Choices items={ROLLBACK_CONFIRM} cursor={r.cursor} tone={tone} />
        </Box>
      ) : null}
      <Footer>{r.phase === 'confirm' ? 'Up/Down choose  Enter confirm  Esc back' : 'Up/Down move  d whole step  Enter roll back...  Esc back  q quit'}</Footer>
    </Box>
  );
}
