/**
 * The Apply screen: step-by-step or all (typed domain on a real target), engine events, step questions.
 * Its reducer (messages `apply/...`) and its key map, side by side; update.ts and keys.ts dispatch here.
 */
import type { KeyPress, Msg, Update } from '../msg.js';
import { none } from '../msg.js';
import { confirmationMatches, typedConfirmation } from '../../plan/confirm.js';
import type { WizardState } from '../state.js';
import { questionPage } from '../layout.js';
import type { Decision } from '../../apply/engine.js';
import { isQuitKey } from '../keymove.js';
import { applyDomain, back, exit, runApply } from '../nav.js';
import { domainsOf } from '../fields.js';
import { APPLY_CHOICES, decisionChoices } from '../menus.js';
import { countsText, logBlock, summaryTitle } from '../format.js';
import type { EngineEvent, Summary } from '../../apply/engine.js';

/** Letters that pick an answer to a step question. */
const PICK: Record<string, Decision> = { y: 'yes', n: 'skip', s: 'skip', a: 'all', r: 'rollback', q: 'quit' };

/** The messages a key stands for on this screen (none: the key means nothing here). */
export function keys(s: WizardState, k: KeyPress, h: number): Msg[] {
  const q = isQuitKey(k);
  switch (s.screen) {
    case 'apply': {
      const a = s.apply;
      if (!a) return [];
      if (a.confirmAll) {
        if (k.enter) return [{ type: 'apply/confirm-end', ok: true }];
        if (k.escape) return [{ type: 'apply/confirm-end', ok: false }];
        return [];
      }
      if (a.confirmQuit) {
        if (k.input.toLowerCase() === 'y') return [{ type: 'quit/answer', yes: true }];
        if (k.input.toLowerCase() === 'n' || k.escape || k.enter) return [{ type: 'quit/answer', yes: false }];
        return [];
      }
      if (a.phase === 'choose') {
        if (k.up) return [{ type: 'apply/move', delta: -1 }];
        if (k.down) return [{ type: 'apply/move', delta: 1 }];
        if (k.enter) return [{ type: 'apply/choose' }];
        if (k.escape) return [{ type: 'back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.phase === 'finished') {
        if (k.escape) return [{ type: 'back' }];
        if (q) return [{ type: 'quit' }];
        return [];
      }
      if (a.question) {
        if (k.pageDown) return [{ type: 'apply/q-scroll', delta: questionPage(h) }];
        if (k.pageUp) return [{ type: 'apply/q-scroll', delta: -questionPage(h) }];
        if (k.up) return [{ type: 'apply/q-move', delta: -1 }];
        if (k.down) return [{ type: 'apply/q-move', delta: 1 }];
        if (k.enter) return [{ type: 'apply/decide' }];
        if (k.input === 'd') return [{ type: 'detail/open' }];
        const d = PICK[k.input.toLowerCase()];
        return d ? [{ type: 'apply/q-pick', decision: d }] : [];
      }
      return q ? [{ type: 'quit' }] : [];
    }
    default:
      return [];
  }
}

/** The next state and effects for a message of this screen. */
export function reduce(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'apply/confirm-text': {
      const a = s.apply;
      if (!a?.confirmAll) return none(s);
      return none({ ...s, apply: { ...a, confirmAll: { ...a.confirmAll, text: msg.value, error: undefined } } });
    }
    case 'apply/confirm-end': {
      const a = s.apply;
      const c = a?.confirmAll;
      if (!a || !c) return none(s);
      if (!msg.ok) return none({ ...s, caret: undefined, apply: { ...a, confirmAll: undefined } });
      const want = applyDomain(s);
      if (!confirmationMatches({ expected: want.toLowerCase(), prompt: '' }, c.text))
        return none({ ...s, apply: { ...a, confirmAll: { ...c, error: `"${c.text.trim()}" does not match ${want}: nothing was applied. Type ${want}, or Esc.` } } });
      const st: WizardState = { ...s, caret: undefined, apply: { ...a, confirmAll: undefined } };
      if (c.from === 'choose') return runApply(st, a.source, a.job, 'all');
      return { state: { ...st, apply: { ...st.apply!, question: undefined, mode: 'all' } }, effects: [{ type: 'decide', decision: 'all' }] };
    }

    case 'apply/move':
      if (!s.apply || s.apply.phase !== 'choose') return none(s);
      return none({ ...s, apply: { ...s.apply, cursor: Math.max(0, Math.min(APPLY_CHOICES.length - 1, s.apply.cursor + msg.delta)) } });
    case 'apply/choose': {
      const a = s.apply;
      if (!a || a.phase !== 'choose') return none(s);
      const c = APPLY_CHOICES[a.cursor].id;
      if (c === 'back') return back(s);
      if (c === 'all' && asksTyped(s, 'apply')) return none({ ...s, caret: undefined, apply: { ...a, confirmAll: { text: '', from: 'choose' } } });
      return runApply(s, a.source, a.job, c);
    }
    case 'apply/started':
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, startedAt: msg.at, total: msg.total ?? s.apply.total, runId: msg.runId ?? s.apply.runId } });
    case 'apply/events':
      return none(applyEvents(s, msg.events));
    case 'apply/question': {
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, question: msg.q, qCursor: 0, qTop: 0, total: Math.max(s.apply.total, msg.q.total) } });
    }
    case 'apply/q-scroll': {
      const a = s.apply;
      if (!a?.question) return none(s);
      const n = a.question.steps.length;
      return none({ ...s, apply: { ...a, qTop: Math.max(0, Math.min(Math.max(0, n - 1), (a.qTop ?? 0) + msg.delta)) } });
    }
    case 'apply/q-move': {
      const a = s.apply;
      if (!a?.question) return none(s);
      const n = decisionChoices(a.question).length;
      return none({ ...s, apply: { ...a, qCursor: Math.max(0, Math.min(n - 1, a.qCursor + msg.delta)) } });
    }
    case 'apply/q-pick': {
      const a = s.apply;
      if (!a?.question) return none(s);
      const i = decisionChoices(a.question).findIndex((c) => c.id === msg.decision);
      return none(i < 0 ? s : { ...s, apply: { ...a, qCursor: i } });
    }
    case 'apply/decide': {
      const a = s.apply;
      if (!a?.question) return none(s);
      const decision = decisionChoices(a.question)[a.qCursor].id;
      if (decision === 'all' && asksTyped(s, 'remaining')) return none({ ...s, caret: undefined, apply: { ...a, confirmAll: { text: '', from: 'question' } } });
      return { state: { ...s, apply: { ...a, question: undefined, mode: decision === 'all' ? 'all' : a.mode } }, effects: [{ type: 'decide', decision }] };
    }
    case 'apply/finished':
      if (!s.apply) return none(s);
      return finished(s, msg.summary);
    case 'apply/refused':
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, phase: 'finished', question: undefined, error: msg.message }, ctrlC: 0 });

    default:
      return none(s);
  }
}

const TAIL = 4;

function pushTail(tail: string[], lines: string[]): string[] {
  const t = [...tail, ...lines.filter((l) => l.trim() !== '')];
  return t.slice(-TAIL);
}

function applyEvents(s: WizardState, events: { e: EngineEvent; at: number }[]): WizardState {
  const a = s.apply;
  if (!a) return s;
  const counts = { ...a.counts };
  const statuses = { ...a.statuses };
  let { done, total, message, batch, msPerLine, tail } = a;
  const steps: Extract<EngineEvent, { type: 'step' }>[] = [];
  const endBatch = (at: number) => {
    if (batch && batch.lines > 0) {
      const per = (at - batch.startedAt) / batch.lines;
      msPerLine = msPerLine === undefined ? per : msPerLine * 0.5 + per * 0.5;
    }
    batch = undefined;
  };
  for (const { e, at } of events) {
    switch (e.type) {
      case 'phase':
        if (batch && e.phase !== 'apply') endBatch(at);
        message = e.message;
        tail = pushTail(tail, [`-- ${e.message}`]);
        break;
      case 'batch':
        if (batch) endBatch(at);
        batch = { kind: e.kind, lines: e.lines, startedAt: at };
        break;
      case 'step':
        if (batch) endBatch(at);
        steps.push(e);
        statuses[e.step.id] = e.status;
        counts[e.status]++;
        done++;
        total = Math.max(total, e.index + 1, done);
        if (e.output) tail = pushTail(tail, e.output.split('\n').slice(-2));
        if (e.error && e.status === 'failed') tail = pushTail(tail, [e.error]);
        break;
      case 'stale-lock':
        tail = pushTail(tail, [`-- took over a stale lock of pid ${e.pid} (${e.host}, ${e.started}): that process is gone`]);
        break;
      case 'truncated-journal':
        tail = pushTail(tail, [`-- the journal's last line was cut short by the crash (ignored): ${e.line}`]);
        break;
    }
  }
  let log = s.log;
  let nextLogId = s.nextLogId;
  if (steps.length) {
    log = [...log, { id: nextLogId++, text: logBlock(steps).join('\n') }];
  }
  return { ...s, log, nextLogId, apply: { ...a, counts, done, total, message, batch, msPerLine, tail, statuses } };
}

function finished(s: WizardState, summary: Summary): Update {
  const a = s.apply!;
  const kind = a.source.type === 'rollback' ? 'rollback' : 'apply';
  const job = a.job;
  const st: WizardState = { ...s, apply: { ...a, phase: 'finished', question: undefined, runId: summary.runId }, ctrlC: 0 };
  if (a.quitAfter) {
    const msg =
      summary.status === 'completed'
        ? `zsplit: ${kind} completed: ${countsText(summary.counts)} (run ${summary.runId}).`
        : `zsplit: run ${summary.runId} ${summary.status}: ${countsText(summary.counts)}. The journal is saved: run zsplit again to resume or roll back (or zsplit apply --resume / zsplit rollback --run ${summary.runId}).`;
    return exit(st, summary.status === 'completed' ? 0 : 1, msg);
  }
  if (summary.status === 'rollback-requested') {
    return {
      state: { ...st, history: ['start'], screen: 'rollback', rollback: { ...st.rollback, phase: 'loading', busy: 'Planning the rollback from the journal', error: undefined, runId: summary.runId, returnTo: undefined } },
      effects: [{ type: 'load-rollback', runId: summary.runId }],
    };
  }
  if (summary.status === 'failed' && kind === 'apply') {
    return none({ ...st, history: [], screen: 'failure', failure: { summary, job, cursor: 0, undone: false } });
  }
  const title = `${kind === 'rollback' ? 'Rollback' : job === 'setup' ? 'Setup' : job === 'cutover' ? 'Cutover' : 'Unsplit'}: ${summaryTitle(summary, kind).replace(/^(Apply|Rollback) /, '')}`;
  // A manual step is to be followed only once the Zimbra steps it depends on are in place; the
  // engine's outcome (src/plan/outcome.ts, the same as headless) says which are due and which held.
  const manual = summary.manual;
  const next: WizardState = { ...st, history: [], screen: 'done', done: { summary, kind, job, title, top: 0, manual, held: summary.outcome?.manualHeld.length ?? 0 } };
  // A finished job is not offered to continue (a rollback of only part of a run leaves it open).
  const domains = a.source.plan?.answers.domains ?? domainsOf(s.fields);
  const whole = a.source.type !== 'rollback' || !a.source.to;
  if (summary.status === 'completed' && whole) return { state: next, effects: [{ type: 'mark-done', domains, done: kind === 'rollback' ? 'rolled-back' : 'completed' }] };
  return none(next);
}

/** The headless rule (src/plan/confirm.ts): a real Zimbra asks for the domain typed before "all". */
function asksTyped(s: WizardState, what: 'apply' | 'remaining'): boolean {
  return typedConfirmation({ domains: [applyDomain(s)], rehearsal: s.env.rehearsal, unattended: false, what }) !== undefined;
}
