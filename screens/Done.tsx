/** Done: counts; the manual steps still to do on the other system; what comes next. */
import React from 'react';
import { Box } from 'ink';
import { countsText } from '../src/wizard/format.js';
import { Footer, hardWrap, Line, useScrollLimit, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export function DoneScreen({ state, send, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const d = state.done;
  const s = d?.summary;
  const body: { text: string; color?: 'yellow' | 'green' | 'red'; bold?: boolean }[] = [];
  if (d && s) {
    for (const f of s.failures) wrapped(`failed: ${f.step.title}: ${f.error}`, width - 2, 3, '', '  ').forEach((t) => body.push({ text: t, color: 'red' }));
    if (s.reloadPending) body.push({ text: 'MTA-level changes are not reloaded yet: run zmmtactl reload (zmconfigd applies them within about a minute).', color: 'yellow' });
    if (d.kind === 'apply' && d.held)
      wrapped(
        `${d.held} manual step(s) held back: the Zimbra steps they depend on were not applied in this run (following them now could loop or lose mail). Resume the run first; they are listed when it gets there.`,
        width - 2,
        4,
      ).forEach((t) => body.push({ text: t, color: 'yellow' }));
    if (d.kind === 'apply' && d.manual.length) {
      body.push({ text: 'Still to do by hand (zsplit never runs these):', bold: true });
      d.manual.forEach((m, i) => {
        wrapped(`${i + 1}. ${m.title}`, width - 2, 2, '', '   ').forEach((t) => body.push({ text: t }));
        body.push({ text: `   on: ${m.manual!.system}` });
        if (m.requires?.length) wrapped(`after: ${m.requires.join(', ')} (applied)`, width - 2, 2, '   ', '   ').forEach((t) => body.push({ text: t }));
        for (const c of m.manual!.commands) hardWrap(c, width - 1, 8, '   $ ', '     ').forEach((t) => body.push({ text: t }));
      });
    }
    body.push({ text: 'What comes next:', bold: true });
    const next: string[] = [];
    if (s.status === 'stopped') next.push('Resume: start screen > Resume the interrupted run (or zsplit apply --resume).');
    if (d.kind === 'rollback') next.push('The changes of the run are undone and its journal says so. Check with zsplit status.');
    else if (d.job === 'setup') {
      next.push('Do the manual steps above on the other system; test the mail flow (zsplit trace ADDRESS).');
      next.push('Change the MX last, as the final manual step says.');
      next.push('Then move the first wave of users: start screen > Cut over users.');
    } else if (d.job === 'cutover') {
      next.push('Do the manual steps above on the peer for the moved users.');
      next.push('The next wave: start screen > Cut over users (v shows the waves and rolls one back).');
      next.push('When nobody is left on the peer: start screen > Unsplit cleanup.');
    } else {
      next.push('Do the manual steps above on the other system; the split is removed from Zimbra.');
    }
    if (d.kind === 'apply' && s.counts.applied) next.push('Changed your mind? r rolls this run back (restoring the recorded values).');
    for (const n of next) wrapped(`- ${n}`, width - 2, 2, '', '  ').forEach((t) => body.push({ text: t }));
  }
  const headerRows = 3;
  const bodyRows = Math.max(1, height - headerRows - 2);
  const maxTop = Math.max(0, body.length - bodyRows);
  const top = Math.min(d?.top ?? 0, maxTop);
  useScrollLimit(send, 'done', maxTop);
  if (!d) return <Line>Done.</Line>;
  const ok = s?.status === 'completed';
  return (
    <Box flexDirection="column">
      <Line bold color={ok ? tone('green') : tone('yellow')}>
        {d.title}
      </Line>
      <Line>{s ? `${countsText(s.counts)}` : ''}</Line>
      <Line dim>{s ? `run ${s.runId}; zmprov started ${s.zmprovStarts} time(s); journal ${s.journal}` : ''}</Line>
      {Array.from({ length: bodyRows }, (_, i) => {
        const x = body[top + i];
        return (
          <Line key={i} color={x?.color ? tone(x.color) : undefined} bold={x?.bold}>
            {x?.text ?? ''}
          </Line>
        );
      })}
      <Footer>{`${body.length > bodyRows ? 'Up/Down scroll  ' : ''}${d.kind === 'apply' && d.manual.length ? 'd whole steps  ' : ''}Enter start screen${d.kind === 'apply' && s?.counts.applied ? '  r roll back this run' : ''}  q quit`}</Footer>
    </Box>
  );
}
