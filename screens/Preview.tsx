/**
 * Preview: every step, scrollable and filterable; per step the command, before -> after and the
 * rollback command; export to .sh and .json. Only the visible window of the list is rendered.
 */
import React from 'react';
import { Box } from 'ink';
import { activeText, caretOf, isFresh } from '../src/wizard/text.js';
import { PREVIEW_DETAIL as DETAIL_LINES, previewListHeight } from '../src/wizard/layout.js';
import { Footer, Line, planCounts, StepList, TextField, useTone } from './ui.js';
import type { ScreenProps } from './ui.js';

export function PreviewScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const p = state.review.plan;
  const pv = state.preview;
  const listHeight = previewListHeight(height);
  const editing = activeText(state);
  if (!p) {
    return (
      <Box flexDirection="column">
        <Line>Nothing to preview: go back to the review.</Line>
        <Footer>Esc back  q quit</Footer>
      </Box>
    );
  }
  const c = planCounts(p);
  const matches = pv.matches ? pv.matches.length : p.steps.length;
  let top: React.JSX.Element;
  if (pv.filtering) {
    top = (
      <Box height={1} overflowY="hidden" width={width}>
        <Line color={tone('cyan')}>{'Filter: '}</Line>
        <TextField value={pv.filter} caret={editing ? caretOf(state, editing) : pv.filter.length} fresh={editing ? isFresh(state, editing) : false} />
        <Line dim>{`  ${matches} of ${p.steps.length} match (Enter keeps, Esc clears)`}</Line>
      </Box>
    );
  } else if (pv.exporting) {
    top = (
      <Box height={1} overflowY="hidden" width={width}>
        <Line color={tone('cyan')}>{'Export to (.sh and .json are added): '}</Line>
        <TextField value={pv.exportPath} caret={editing ? caretOf(state, editing) : pv.exportPath.length} fresh={editing ? isFresh(state, editing) : false} />
      </Box>
    );
  } else {
    top = (
      <Line bold>
        {`Preview: ${p.steps.length} steps (${c.zmprov} zmprov, ${c.reload} reload, ${c.manual} manual)${pv.filter ? `  filter "${pv.filter}": ${matches} match` : ''}${p.observed ? '' : '  [not read from the server]'}`}
      </Line>
    );
  }
  return (
    <Box flexDirection="column">
      {top}
      <StepList plan={p} list={pv} width={width} listHeight={listHeight} detailHeight={DETAIL_LINES} tone={tone} />
      <Line color={tone(pv.overwrite ? 'yellow' : 'green')}>{pv.message ?? ''}</Line>
      <Footer>{pv.filtering || pv.exporting ? 'Type, then Enter; Esc cancels' : 'Up/Dn/PgUp/PgDn move  d whole step  / filter  e export  Enter apply  Esc back  q quit'}</Footer>
    </Box>
  );
}
