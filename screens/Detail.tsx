/** The whole-step view (d): every line of the step or batch, scrollable, nothing cut; Esc goes back. */
import React from 'react';
import { Box } from 'ink';
import { detailLines } from '../src/wizard/detail.js';
import { detailRows } from '../src/wizard/layout.js';
import { Footer, Line } from './ui.js';
import type { ScreenProps } from './ui.js';

export function DetailView({ state, width, height }: ScreenProps): React.JSX.Element {
  const d = state.detail!;
  const lines = detailLines(d, width - 1);
  const rows = detailRows(height);
  const top = Math.max(0, Math.min(d.top, lines.length - rows));
  const shown = lines.slice(top, top + rows);
  const where = lines.length > rows ? `lines ${top + 1}-${top + shown.length} of ${lines.length}  ` : '';
  return (
    <Box flexDirection="column">
      <Line bold>{d.title}</Line>
      <Line dim>{'-'.repeat(Math.max(1, width - 1))}</Line>
      {Array.from({ length: rows }, (_, i) => (
        <Line key={i}>{shown[i] ?? ''}</Line>
      ))}
      <Line />
      <Footer>{`${where}${lines.length > rows ? 'Up/Down PgUp/PgDn scroll  ' : ''}Esc back (nothing is answered here)`}</Footer>
    </Box>
  );
}
