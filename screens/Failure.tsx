/** Failure: zmprov's own error text; retry, skip, roll back this step, roll back the run, quit. */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { countsText, splitFailure } from '../src/wizard/format.js';
import { failureItems } from '../src/wizard/menus.js';
import { Footer, Line, Menu, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export function FailureScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const f = state.failure;
  if (!f) return <Line>No failure.</Line>;
  const s = f.summary;
  const first = s.failures[0];
  const items = failureItems(state);
  const err = first ? splitFailure(first.error) : { text: 'failed' };
  const out: { text: string; color?: 'red' | 'yellow' | 'green'; bold?: boolean }[] = [];
  if (first) out.push({ text: `FAILED: ${first.step.title}`, color: 'red', bold: true });
  out.push({ text: 'zmprov said:' });
  const room = Math.max(2, height - items.length - 9);
  for (const l of wrapped(err.text, width - 4, Math.min(4, room), '  ', '  ')) out.push({ text: l, color: 'red' });
  if (err.command) out.push({ text: `  command: zmprov ${err.command}` });
  if (s.failures.length > 1) out.push({ text: `  and ${s.failures.length - 1} more failed step(s): ${s.failures.slice(1, 4).map((x) => x.step.id).join(', ')}${s.failures.length > 4 ? ', ...' : ''}` });
  out.push({ text: `${countsText(s.counts)}.` });
  out.push({ text: `Run ${s.runId}; the journal is saved.` });
  if (s.reloadPending) out.push({ text: 'MTA-level changes are not reloaded yet (zmconfigd applies them within about a minute).', color: 'yellow' });
  if (f.note) out.push({ text: f.note, color: 'green' });
  return (
    <Box flexDirection="column">
      {out.map((x, i) => (
        <Line key={i} color={x.color ? tone(x.color) : undefined} bold={x.bold}>
          {x.text}
        </Line>
      ))}
      <Line />
      <Line bold>What now?</Line>
      {f.busy ? (
        <Line>
          <Spinner type="line" /> {`${f.busy}...`}
        </Line>
      ) : (
        <Menu items={items} cursor={f.cursor} width={width} tone={tone} />
      )}
      <Line />
      <Footer>Up/Down move  Enter choose  d whole step  q quit (the journal is saved)</Footer>
    </Box>
  );
}
