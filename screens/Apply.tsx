/**
 * Apply: the mode (step by step, the safe default, or all), then the engine at work: finished
 * steps go into <Static> (written once, above the frame), the frame keeps a progress bar, a
 * spinner, a short tail of output and the current question with a safe default.
 */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import type { Question } from '../src/apply/engine.js';
import { stepCommand, rollbackText } from '../src/plan/render.js';
import { showValues } from '../src/plan/step.js';
import { jobLabel } from '../src/wizard/fields.js';
import { bar, duration } from '../src/wizard/format.js';
import { APPLY_CHOICES, decisionChoices } from '../src/wizard/menus.js';
import { applyDomain } from '../src/wizard/nav.js';
import { activeText, caretOf, isFresh } from '../src/wizard/text.js';
import type { WizardState } from '../src/wizard/state.js';
import { Choices, Footer, hardWrap, Line, planCounts, TextField, useNow, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

function questionLines(q: Question, width: number, room: number, top = 0): string[] {
  if (q.kind === 'reload-after-failure') return wrapped('MTA-level changes were applied before the failure and the MTA was not reloaded. Reload it now?', width, 2);
  const out: string[] = [];
  const s = q.steps[0];
  if (q.kind === 'group') {
    out.push(`Steps ${q.index}-${q.index + q.steps.length - 1} of ${q.total}: ${q.steps.length} changes in one zmprov batch (${s.bulk})`);
    // Every command can be read before answering: PgUp/PgDn scroll them here, d shows each in full.
    const show = Math.max(1, Math.min(q.steps.length, room - 2));
    const from = Math.max(0, Math.min(top, q.steps.length - show));
    for (const g of q.steps.slice(from, from + show)) out.push(`  $ ${stepCommand(g)}`);
    if (q.steps.length > show) out.push(`  commands ${from + 1}-${from + show} of ${q.steps.length}: PgUp/PgDn scroll, d shows each in full`);
    return out.slice(0, room);
  }
  out.push(`Step ${q.index} of ${q.total}: ${s.title}`);
  out.push(...wrapped(`why: ${s.why}`, width, 1, '  '));
  out.push(...hardWrap(stepCommand(s), width, 2, '  $ ', '    '));
  if (s.kind === 'zmprov') {
    out.push(`  before: ${showValues(s.before)} -> after: ${s.desired}`);
    out.push(`  rollback: ${rollbackText(s)}`);
  }
  return out.slice(0, room);
}

/** "Apply all" on a real target: the domain name, typed, first. */
function ConfirmAll({ state, width }: { state: WizardState; width: number }): React.JSX.Element {
  const tone = useTone(state);
  const c = state.apply!.confirmAll!;
  const editing = activeText(state);
  const domain = applyDomain(state);
  return (
    <Box flexDirection="column">
      {wrapped(`${state.env.label} is a real server: every remaining change would be applied without asking. Type the domain name (${domain}) and Enter to go on; Esc goes back.`, width - 2, 3).map((l, i) => (
        <Line key={i} color={tone('yellow')} bold={i === 0}>
          {l}
        </Line>
      ))}
      <Box height={1} overflowY="hidden">
        <Line>{'  domain: '}</Line>
        {editing ? <TextField value={c.text} caret={caretOf(state, editing)} fresh={isFresh(state, editing)} /> : <Line>{c.text}</Line>}
      </Box>
      <Line color={tone('red')}>{c.error ?? ''}</Line>
    </Box>
  );
}

export function ApplyScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const a = state.apply;
  const running = a?.phase === 'running';
  const now = useNow(500, Boolean(running));

  if (!a) return <Line>Nothing to apply.</Line>;
  const source = a.source;
  const p = source.plan;
  const job = jobLabel(a.job);
  const domain = p?.answers.domains.join(', ') ?? '';
  const where = state.env.rehearsal ? 'REHEARSAL (the simulated Zimbra)' : state.env.label;

  if (a.phase === 'choose') {
    const c = p ? planCounts(p) : undefined;
    const intro =
      source.type === 'resume'
        ? `Resume run ${source.runId} (${job.toLowerCase()}): finished steps are kept, a step that was in flight is probed again, the rest is applied.`
        : `${c?.zmprov ?? 0} zmprov change(s), ${c?.reload ?? 0} reload(s), ${c?.manual ?? 0} manual step(s). Each change is probed first; what is already as desired is left alone; everything goes into the journal.`;
    return (
      <Box flexDirection="column">
        <Line bold>{`Apply: ${job}${domain ? ` of ${domain}` : ''} on ${where}`}</Line>
        {wrapped(intro, width - 2, 3, ' ', ' ').map((l, i) => (
          <Line key={i}>{l}</Line>
        ))}
        <Line />
        <Line bold>How?</Line>
        <Choices items={APPLY_CHOICES} cursor={a.cursor} tone={tone} />
        <Line />
        {a.confirmAll ? <ConfirmAll state={state} width={width} /> : null}
        <Footer>{a.confirmAll ? 'Enter confirm  Esc back' : 'Up/Down move  Enter choose  Esc back  q quit'}</Footer>
      </Box>
    );
  }

  const elapsed = a.startedAt ? Math.max(0, now - a.startedAt) : 0;
  const rate = a.done > 0 && elapsed > 0 ? elapsed / a.done : undefined;
  const left = a.mode === 'all' && rate && a.total > a.done ? ` about ${duration(rate * (a.total - a.done))} left` : '';
  const barW = Math.max(10, Math.min(40, width - 45));
  const batch = a.batch;
  let batchLine = '';
  if (batch && running && !a.question) {
    const be = Math.max(0, now - batch.startedAt);
    const est = a.msPerLine ? a.msPerLine * batch.lines : undefined;
    batchLine = `${batch.kind === 'change' ? 'zmprov batch' : batch.kind === 'verify' ? 'verify batch' : 'probe batch'} of ${batch.lines} line(s): ${duration(be)}${est ? ` ${bar(Math.min(be, est), est, 16)} about ${duration(Math.max(0, est - be))} left` : ''}`;
  }
  const qRoom = Math.max(2, height - 12);
  const qLines = a.question ? questionLines(a.question, width - 4, qRoom, a.qTop) : [];
  const choices = a.question ? decisionChoices(a.question) : [];
  const tailRoom = Math.max(0, Math.min(3, height - 6 - (a.question ? qLines.length + choices.length + 1 : 1)));
  // The tail shows what came before the current phase (its message is on the line above).
  const tail = a.tail.filter((t) => t !== `-- ${a.message}`).slice(-tailRoom);
  return (
    <Box flexDirection="column">
      <Line bold>{`${a.source.type === 'rollback' ? 'Rollback' : job}${domain ? ` of ${domain}` : ''}: ${a.mode === 'all' ? 'applying all' : 'step by step'} on ${where}`}</Line>
      <Line>{`${bar(a.done, a.total, barW)} ${a.done}/${a.total} steps  ${duration(elapsed)}${left}`}</Line>
      {a.error ? (
        <Box flexDirection="column">
          {wrapped(a.error, width - 2, Math.max(2, height - 5)).map((l, i) => (
            <Line key={`e${i}`} color={tone('red')}>
              {l}
            </Line>
          ))}
        </Box>
      ) : running && !a.question ? (
        <Line color={a.stopRequested ? tone('yellow') : undefined}>
          <Spinner type="line" /> {a.message}
        </Line>
      ) : (
        <Line color={a.stopRequested ? tone('yellow') : undefined}>{a.message}</Line>
      )}
      {batchLine ? <Line dim>{batchLine}</Line> : null}
      {tail.map((t, i) => (
        <Line key={`t${i}`} dim>{`  ${t}`}</Line>
      ))}
      {a.question ? (
        <Box flexDirection="column">
          {qLines.map((l, i) => (
            <Line key={`q${i}`} bold={i === 0}>
              {l}
            </Line>
          ))}
          {a.confirmAll ? <ConfirmAll state={state} width={width} /> : <Choices items={choices} cursor={a.qCursor} tone={tone} />}
        </Box>
      ) : null}
      {a.confirmQuit ? (
        <Line color={tone('yellow')} bold>
          Quit? zsplit stops after the current step; the journal is saved. y = stop and quit, n = go on
        </Line>
      ) : null}
      <Footer>
        {a.phase === 'finished'
          ? 'Esc back  q quit'
          : a.question
            ? a.confirmAll
              ? 'Enter confirm  Esc back'
              : 'Up/Down choose (y n a r q select)  Enter confirm  d whole step  Ctrl+C stop'
            : 'Ctrl+C stop after this step (twice: at once)  q quit'}
      </Footer>
    </Box>
  );
}
