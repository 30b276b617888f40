/**
 * The wizard's state machine: a pure function from (state, message) to the next state and
 * the effects to run (reading the server, planning, applying...). Screens send messages;
 * the controller runs the effects and sends their results back as messages.
 */
import type { Decision, EngineEvent, Question, Summary } from '../apply/engine.js';
import type { TraceRow } from '../flow/format.js';
import type { Observed } from '../plan/observed.js';
import type { Plan, Step } from '../plan/step.js';
import { dropBadLines, domainFromHost, domainsOf, HOST_FIELDS, hostErrors, summarizeAccounts } from './fields.js';
import { countsText, logBlock, shortTime, summaryTitle } from './format.js';
import type { Move } from './list.js';
import { filterNames, moveList, rowCount, rowIndex, setFilter, visible } from './list.js';
import type { DetailEntry, RestoreValues } from './detail.js';
import { detailLines, detailTitle } from './detail.js';
import { detailRows, screenHeight, screenWidth } from './layout.js';
import type {
  Fields,
  ApplySource,
  ApplyState,
  CutoverCandidate,
  Finding,
  HostField,
  RunBrief,
  SavedEntry,
  ScreenId,
  Task,
  WizardState,
} from './state.js';
import { EMPTY_FIELDS, EMPTY_LIST, emptyCounts, flowPath, SCREEN_TITLE } from './state.js';
import type { Job } from '../model/types.js';
import type { KeyPress } from './keys.js';
import { activeText, charKey, isChunk, keyMsgs, takesText } from './keys.js';
import { PEER_KINDS } from '../model/types.js';

export type Effect =
  | { type: 'load-start' }
  | { type: 'save' }
  | { type: 'read-accounts-file'; path: string }
  | { type: 'read-accounts-live' }
  | { type: 'review' }
  | { type: 'export'; base: string; overwrite: boolean }
  | { type: 'apply'; source: ApplySource; mode: 'step' | 'all'; autoYes?: string[]; autoSkip?: string[] }
  | { type: 'decide'; decision: Decision }
  | { type: 'stop' }
  | { type: 'exit'; code: number }
  | { type: 'undo-step'; runId: string; stepIds: string[] }
  | { type: 'load-runs' }
  | { type: 'load-rollback'; runId: string }
  | { type: 'load-cutover' }
  | { type: 'read-users-file'; path: string }
  | { type: 'check-unsplit' }
  | { type: 'mark-done'; domains: string[]; done: NonNullable<SavedEntry['done']> }
  | { type: 'abandon'; runId: string };

export type Msg =
  | { type: 'key'; key: KeyPress }
  | { type: 'caret'; key: string; pos: number }
  | { type: 'scroll-limit'; view: 'review' | 'done' | 'unsplit'; max: number }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'env/detected'; version?: string; hostname?: string }
  | { type: 'start/loaded'; saved: SavedEntry[]; interrupted?: RunBrief; rollbackable: RunBrief[] }
  | { type: 'interrupt' }
  | { type: 'quit' }
  | { type: 'quit/answer'; yes: boolean }
  | { type: 'back' }
  | { type: 'start/move'; delta: number }
  | { type: 'start/select' }
  | { type: 'start/abandon'; yes: boolean }
  | { type: 'start/abandoned'; message: string }
  | { type: 'role/move'; delta: number }
  | { type: 'role/enter' }
  | { type: 'role/back' }
  | { type: 'hosts/set'; field: HostField; value: string }
  | { type: 'hosts/toggle' }
  | { type: 'hosts/focus'; delta: number }
  | { type: 'hosts/enter' }
  | { type: 'accounts/move'; delta: number }
  | { type: 'accounts/select' }
  | { type: 'accounts/input'; text: string }
  | { type: 'accounts/backspace' }
  | { type: 'accounts/enter' }
  | { type: 'accounts/path'; value: string }
  | { type: 'accounts/back' }
  | { type: 'accounts/loaded'; text: string; message: string }
  | { type: 'accounts/entry-move'; move: Move; height: number }
  | { type: 'accounts/entry-drop' }
  | { type: 'accounts/failed'; error: string }
  | { type: 'review/result'; plan?: Plan; observed?: Observed; refused: string[]; findings: Finding[]; rows: TraceRow[]; stats?: { addresses: number; groups: number; traced: number }; warnings: string[]; error?: string }
  | { type: 'review/scroll'; move: Move; height: number }
  | { type: 'review/continue' }
  | { type: 'preview/move'; move: Move; height: number }
  | { type: 'preview/filter-start' }
  | { type: 'preview/filter'; value: string }
  | { type: 'preview/filter-end'; keep: boolean }
  | { type: 'preview/export-start' }
  | { type: 'preview/export-path'; value: string }
  | { type: 'preview/export-end'; write: boolean }
  | { type: 'preview/exported'; message: string }
  | { type: 'preview/export-exists'; base: string; files: string[] }
  | { type: 'preview/continue' }
  | { type: 'apply/move'; delta: number }
  | { type: 'apply/choose' }
  | { type: 'apply/started'; at: number; total?: number; runId?: string }
  | { type: 'apply/events'; events: { e: EngineEvent; at: number }[] }
  | { type: 'apply/question'; q: Question }
  | { type: 'apply/q-move'; delta: number }
  | { type: 'apply/q-pick'; decision: Decision }
  | { type: 'apply/decide' }
  | { type: 'apply/finished'; summary: Summary }
  | { type: 'apply/refused'; message: string }
  | { type: 'failure/move'; delta: number }
  | { type: 'failure/select' }
  | { type: 'failure/undone'; note: string }
  | { type: 'done/scroll'; move: Move; height: number }
  | { type: 'done/home' }
  | { type: 'done/rollback' }
  | { type: 'rollback/runs'; runs: RunBrief[] }
  | { type: 'rollback/move'; move: Move; height: number }
  | { type: 'rollback/select' }
  | { type: 'rollback/plan'; runId: string; plan: Plan; values?: Record<string, RestoreValues> }
  | { type: 'rollback/error'; error: string }
  | { type: 'rollback/steps-move'; move: Move; height: number }
  | { type: 'rollback/confirm-move'; delta: number }
  | { type: 'rollback/enter' }
  | { type: 'rollback/back' }
  | { type: 'cutover/loaded'; accounts: CutoverCandidate[]; waves: RunBrief[] }
  | { type: 'cutover/error'; error: string }
  | { type: 'cutover/move'; move: Move; height: number }
  | { type: 'cutover/toggle' }
  | { type: 'cutover/toggle-all' }
  | { type: 'cutover/direction' }
  | { type: 'cutover/mode'; phase: 'pick' | 'filter' | 'file' | 'wave' | 'waves' }
  | { type: 'cutover/filter'; value: string }
  | { type: 'cutover/wave'; value: string }
  | { type: 'cutover/path'; value: string }
  | { type: 'cutover/file-loaded'; users: string[]; message: string }
  | { type: 'cutover/enter' }
  | { type: 'cutover/back' }
  | { type: 'cutover/waves-move'; move: Move; height: number }
  | { type: 'cutover/waves-select' }
  | { type: 'unsplit/result'; routed: string[] }
  | { type: 'unsplit/error'; error: string }
  | { type: 'unsplit/move'; delta: number }
  | { type: 'unsplit/select' }
  | { type: 'unsplit/scroll'; move: Move; height: number }
  | { type: 'detail/open' }
  | { type: 'detail/scroll'; move: Move }
  | { type: 'detail/close' }
  | { type: 'apply/confirm-text'; value: string }
  | { type: 'apply/confirm-end'; ok: boolean };

export interface Update {
  state: WizardState;
  effects: Effect[];
}

const none = (state: WizardState): Update => ({ state, effects: [] });

// ------------------------------------------------------------------------------------------
// Menus derived from state (the screens render the same lists).

export interface MenuItem {
  id: string;
  label: string;
  detail?: string;
  /** Why it cannot be chosen now. */
  disabled?: string;
}

export function startItems(s: WizardState): MenuItem[] {
  const items: MenuItem[] = [];
  for (const e of s.start.saved.filter((x) => !x.done).slice(0, 3))
    items.push({ id: `continue:${e.domain}`, label: `Continue the ${e.task} of ${e.domain}`, detail: `saved ${shortTime(e.savedAt)}, at ${SCREEN_TITLE[e.screen]}` });
  const i = s.start.interrupted;
  const rb = s.start.rollbackable;
  items.push(
    { id: 'setup', label: 'First-time setup', detail: 'role, hosts, accounts, preview, apply' },
    { id: 'cutover', label: 'Cut over users', detail: 'move a wave of users to Zimbra or back' },
    { id: 'unsplit', label: 'Unsplit cleanup', detail: 'the migration is over: remove the split' },
    {
      id: 'resume',
      label: 'Resume the interrupted run',
      detail: i ? `${i.runId} (${i.job}, ${i.status}${i.inFlight.length ? `, in flight: ${i.inFlight.length} step(s)` : ''})` : undefined,
      disabled: i ? undefined : 'no interrupted run',
    },
    ...(i ? [{ id: 'abandon', label: 'Abandon the interrupted run', detail: 'never resume it; its changes stay (roll back separately)' }] : []),
    { id: 'rollback', label: 'Roll back a run', detail: rb.length ? `${rb.length} run(s) with applied changes` : undefined, disabled: rb.length ? undefined : 'no run to roll back' },
    { id: 'quit', label: 'Quit' },
  );
  return items;
}

export function accountsItems(s: WizardState): MenuItem[] {
  const sum = s.accounts.summary;
  const bad = sum.invalid.length + sum.duplicates.length;
  const items: MenuItem[] = [
    { id: 'type', label: 'Type or paste addresses', detail: 'one per line: address [alias ...]' },
    { id: 'file', label: 'Read them from a file' },
    { id: 'live', label: 'Read live from Zimbra', detail: 'one zmprov -l gaa' },
  ];
  if (bad) items.push({ id: 'drop', label: `Remove the ${bad} invalid or duplicate line(s)` });
  if (sum.lines) items.push({ id: 'edit', label: 'Remove single entries', detail: 'pick them one by one' }, { id: 'clear', label: 'Clear the list' });
  items.push({
    id: 'continue',
    label: `Continue with ${sum.accounts} account(s)`,
    disabled: bad ? `fix or remove the ${bad} problem line(s) first` : undefined,
  });
  return items;
}

export interface Choice<T extends string> {
  id: T;
  label: string;
}

export const APPLY_CHOICES: Choice<'step' | 'all' | 'back'>[] = [
  { id: 'step', label: 'Step by step: ask before each change (recommended)' },
  { id: 'all', label: 'All: apply every change without asking' },
  { id: 'back', label: 'Back to the preview' },
];

/** The answers to a step question; the first one is the safe default. */
export function decisionChoices(q: Question): Choice<Decision>[] {
  if (q.kind === 'reload-after-failure')
    return [
      { id: 'skip', label: 'No, do not reload now (zmconfigd applies it within about a minute)' },
      { id: 'yes', label: 'Yes, reload the MTA now' },
    ];
  const one = q.kind === 'step';
  return [
    { id: 'skip', label: one ? 'No, skip this change' : 'No, skip these changes' },
    { id: 'yes', label: one ? 'Yes, apply it' : `Yes, apply these ${q.steps.length} changes` },
    { id: 'all', label: 'All remaining: apply this and every later change without asking' },
    { id: 'rollback', label: 'Roll back: stop and undo what this run applied' },
    { id: 'quit', label: 'Quit: stop here (the journal is saved; resume later)' },
  ];
}

export function failureItems(s: WizardState): MenuItem[] {
  const f = s.failure!;
  const n = f.summary.failures.length;
  const items: MenuItem[] = [
    { id: 'retry', label: n > 1 ? `Retry the ${n} failed steps` : 'Retry the failed step' },
    { id: 'skip', label: n > 1 ? 'Skip them and continue with the rest' : 'Skip it and continue with the rest' },
  ];
  if (!f.undone) items.push({ id: 'undo-step', label: n > 1 ? 'Roll back these steps (restore their recorded values)' : 'Roll back this step (restore its recorded value)' });
  items.push(
    { id: 'rollback-run', label: 'Roll back the whole run', detail: `${f.summary.counts.applied} change(s), newest first`, disabled: f.summary.counts.applied ? undefined : 'nothing was applied' },
    { id: 'quit', label: 'Quit', detail: 'resume or roll back later' },
  );
  return items;
}

export const ROLLBACK_CONFIRM: Choice<'no' | 'step' | 'all'>[] = [
  { id: 'no', label: 'No, keep the changes' },
  { id: 'step', label: 'Yes, roll back step by step' },
  { id: 'all', label: 'Yes, roll back every step shown' },
];

export function unsplitItems(s: WizardState): MenuItem[] {
  const routed = s.unsplit.routed;
  const left = routed?.length ?? 0;
  const items: MenuItem[] = [
    {
      id: 'continue',
      label: 'Continue to the review',
      disabled: !routed ? 'the check has not finished' : left && !s.fields.force ? `${left} still routed to the peer` : undefined,
    },
  ];
  if (left) {
    items.push({ id: 'cutover', label: `Move these ${left} user(s) to Zimbra first (cutover)` });
    items.push({ id: 'force', label: `Unsplit anyway: ${s.fields.force ? 'ON' : 'off'}`, detail: 'their mail would be rejected after the unsplit' });
  }
  items.push({ id: 'back', label: 'Back' });
  return items;
}

/** Moves a menu cursor by delta, over enabled items only. */
export function moveMenu(items: MenuItem[], cursor: number, delta: number): number {
  if (items.length === 0) return 0;
  let c = cursor;
  for (let tries = 0; tries < items.length; tries++) {
    const n = c + Math.sign(delta);
    if (n < 0 || n >= items.length) return cursor;
    c = n;
    if (!items[c].disabled) return c;
  }
  return cursor;
}

export function firstEnabled(items: MenuItem[], preferred?: string): number {
  const p = preferred ? items.findIndex((i) => i.id === preferred && !i.disabled) : -1;
  if (p >= 0) return p;
  const i = items.findIndex((x) => !x.disabled);
  return i < 0 ? 0 : i;
}

// ------------------------------------------------------------------------------------------
// Navigation

function enter(s: WizardState, screen: ScreenId): Update {
  const effects: Effect[] = [];
  let st: WizardState = { ...s, screen };
  switch (screen) {
    case 'role':
      st = { ...st, role: { focus: 'role' }, fields: st.fields.role ? st.fields : { ...st.fields, role: 'primary' } };
      break;
    case 'hosts': {
      // Answers that are complete already (saved, or from an earlier job): Enter goes straight on.
      const ok = Object.keys(hostErrors(st.fields)).length === 0;
      st = { ...st, hosts: { ...st.hosts, focus: ok ? HOST_FIELDS.length : 0, submitted: false } };
      break;
    }
    case 'accounts': {
      const summary = summarizeAccounts(st.fields.peerAccounts, domainsOf(st.fields));
      st = { ...st, accounts: { mode: 'menu', cursor: 0, entry: { cursor: 0, top: 0 }, draft: '', path: st.accounts.path, summary } };
      st = { ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } };
      break;
    }
    case 'review':
      st = { ...st, review: { busy: 'Reading the current values from Zimbra and planning', refused: [], findings: [], rows: [], warnings: [], top: 0 } };
      effects.push({ type: 'review' });
      break;
    case 'preview':
      st = { ...st, preview: { ...EMPTY_LIST, exporting: false, exportPath: '' } };
      break;
    case 'cutover':
      st = { ...st, cutover: { ...st.cutover, phase: 'loading', busy: 'Reading the accounts of the domain (one zmprov -l gaa)', error: undefined, message: undefined, filter: '', list: { cursor: 0, top: 0 } } };
      effects.push({ type: 'load-cutover' });
      break;
    case 'unsplit':
      st = { ...st, fields: { ...st.fields, force: false }, unsplit: { busy: 'Reading the accounts of the domain (one zmprov -l gaa)', cursor: 0, top: 0 } };
      effects.push({ type: 'check-unsplit' });
      break;
    case 'start':
      st = { ...st, start: { ...st.start, loading: true } };
      effects.push({ type: 'load-start' });
      break;
    default:
      break;
  }
  return { state: st, effects };
}

/** Forward to a screen: the current one goes on the history; answers are saved. */
function forward(s: WizardState, screen: ScreenId): Update {
  const saveable = ['role', 'hosts', 'accounts', 'cutover', 'unsplit'].includes(s.screen);
  const u = enter({ ...s, history: [...s.history, s.screen] }, screen);
  if (saveable) u.effects.unshift({ type: 'save' });
  return u;
}

function nextScreen(s: WizardState): ScreenId | undefined {
  const path = flowPath(s.task, s.fields.role);
  const i = path.indexOf(s.screen);
  return i >= 0 ? path[i + 1] : undefined;
}

function back(s: WizardState): Update {
  if (s.history.length === 0) return none(s);
  const history = s.history.slice(0, -1);
  const screen = s.history[s.history.length - 1];
  // Going back never re-runs what the screen read (the review and preview stay as they were).
  return none({ ...s, history, screen });
}

function home(s: WizardState): Update {
  return enter({ ...s, history: [], apply: undefined, failure: undefined, ctrlC: 0 }, 'start');
}

function exit(s: WizardState, code: number, message?: string): Update {
  return { state: { ...s, exit: { code, message } }, effects: [{ type: 'exit', code }] };
}

function startTask(s: WizardState, task: Task): Update {
  let st: WizardState = { ...s, task };
  // A new wave starts with nobody picked and the next free name.
  if (task === 'cutover') st = { ...st, cutover: { ...st.cutover, selected: [], wave: '', path: '', direction: 'to-zimbra' } };
  // A new task starts from the answers saved for the domain (or the last saved, on an empty form):
  // what is blank, a default or only detected is filled in, so nothing saved is lost to blanks.
  const domain = domainsOf(st.fields)[0];
  const saved = st.start.saved.find((e) => e.domain === domain) ?? (!st.fields.domain && !st.fields.peerHost ? st.start.saved[0] : undefined);
  if (saved) st = { ...st, fields: fillFromSaved(st.fields, saved.fields, st.hosts.detected) };
  if (task === 'rollback') {
    st = { ...st, rollback: { ...st.rollback, phase: 'loading', busy: 'Reading the journal', error: undefined, runId: undefined, plan: undefined, returnTo: undefined } };
    return { state: { ...st, history: [...st.history, st.screen], screen: 'rollback' }, effects: [{ type: 'load-runs' }] };
  }
  if (task === 'resume') {
    const run = st.start.interrupted!;
    const apply = newApply({ type: 'resume', runId: run.runId }, run.job as Job, 'choose');
    return none({ ...st, history: [...st.history, st.screen], screen: 'apply', apply });
  }
  return forward(st, 'role');
}

/** The form with what is blank, a default, or only detected taken from saved answers. */
function fillFromSaved(f: Fields, saved: Fields, detected: HostField[]): Fields {
  const out = { ...f };
  for (const k of Object.keys(EMPTY_FIELDS) as (keyof Fields)[]) {
    if (k === 'force') continue;
    const cur = f[k];
    const keep = cur !== EMPTY_FIELDS[k] && cur !== '' && !detected.includes(k as HostField);
    if (!keep && saved[k] !== undefined && saved[k] !== '') (out as Record<string, unknown>)[k] = saved[k];
  }
  return out;
}

function newApply(source: ApplySource, job: Job, phase: ApplyState['phase'], mode: 'step' | 'all' = 'step'): ApplyState {
  return {
    phase,
    source,
    job,
    mode,
    cursor: 0,
    total: source.plan?.steps.length ?? 0,
    done: 0,
    counts: emptyCounts(),
    message: phase === 'choose' ? '' : 'Starting',
    tail: [],
    qCursor: 0,
    stopRequested: false,
    confirmQuit: false,
    quitAfter: false,
  };
}

function runApply(s: WizardState, source: ApplySource, job: Job, mode: 'step' | 'all', extra: { autoYes?: string[]; autoSkip?: string[] } = {}): Update {
  const apply = newApply(source, job, 'running', mode);
  return { state: { ...s, screen: 'apply', apply, ctrlC: 0 }, effects: [{ type: 'apply', source, mode, ...extra }] };
}

// ------------------------------------------------------------------------------------------

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
  // A manual step is to be followed only once the engine reached it, i.e. the Zimbra steps it
  // depends on (its `requires`, the steps before it) were done; a stopped run holds the rest back.
  const statuses = a.statuses ?? {};
  const manual = summary.manual.filter((m) => statuses[m.id] === 'manual');
  const next: WizardState = { ...st, history: [], screen: 'done', done: { summary, kind, job, title, top: 0, manual, held: summary.manual.length - manual.length } };
  // A finished job is not offered to continue (a rollback of only part of a run leaves it open).
  const domains = a.source.plan?.answers.domains ?? domainsOf(s.fields);
  const whole = a.source.type !== 'rollback' || !a.source.to;
  if (summary.status === 'completed' && whole) return { state: next, effects: [{ type: 'mark-done', domains, done: kind === 'rollback' ? 'rolled-back' : 'completed' }] };
  return none(next);
}

function cutoverShown(s: WizardState['cutover'], peerHost: string): string[] {
  const h = peerHost.toLowerCase();
  const toPeer = (t: string) => /^smtp:/i.test(t) && t.toLowerCase().replace(/[[\]]/g, '').split(':')[1] === h;
  const names = s.accounts.filter((a) => (s.direction === 'to-zimbra' ? toPeer(a.transport) : !toPeer(a.transport))).map((a) => a.name);
  return filterNames(names, s.filter);
}

// ------------------------------------------------------------------------------------------

/** A scroll offset moved and kept within [0, max]. */
function scrolled(top: number, move: Move, max: number | undefined): number {
  const limit = max ?? Number.MAX_SAFE_INTEGER;
  const cur = Math.min(top, limit);
  const t = move === 'home' ? 0 : move === 'end' ? limit : cur + move;
  return Math.max(0, Math.min(limit, t));
}

export function update(s: WizardState, msg: Msg): Update {
  switch (msg.type) {
    case 'key': {
      // Every key is read against the state as it is now, whatever the screen last drew.
      let st = s;
      const effects: Effect[] = [];
      const one = (k: KeyPress) => {
        const field = activeText(st)?.key;
        for (const m of keyMsgs(st, k)) {
          const u = update(st, m);
          st = u.state;
          effects.push(...u.effects);
        }
        // A field that gets the focus starts fresh: its caret is forgotten (typing replaces a pre-filled value).
        const now = activeText(st)?.key;
        if (st.caret && now !== field) st = { ...st, caret: undefined };
      };
      if (!isChunk(msg.key)) one(msg.key);
      else {
        let rest = msg.key.input;
        while (rest) {
          const taker = takesText(st);
          let part: string;
          if (taker === 'lines') part = rest;
          else if (taker === 'field') {
            const m = /[\r\n]/.exec(rest);
            part = m ? rest.slice(0, m.index + 1) : rest;
          } else part = rest[0];
          rest = rest.slice(part.length);
          one(taker ? { ...msg.key, input: part } : charKey(part));
        }
      }
      return { state: st, effects };
    }
    case 'caret':
      return none({ ...s, caret: { key: msg.key, pos: msg.pos } });
    case 'scroll-limit':
      if (s.limits[msg.view] === msg.max) return none(s);
      return none({ ...s, limits: { ...s.limits, [msg.view]: msg.max } });
    case 'resize':
      return none({ ...s, size: { cols: msg.cols, rows: msg.rows } });

    case 'env/detected': {
      const f = { ...s.fields };
      const detected: HostField[] = [];
      if (!f.zimbraHost && msg.hostname) (f.zimbraHost = msg.hostname), detected.push('zimbraHost');
      if (!f.zimbraVersion && msg.version) (f.zimbraVersion = msg.version), detected.push('zimbraVersion');
      const d = domainFromHost(msg.hostname);
      if (!f.domain && d) (f.domain = d), detected.push('domain');
      return none({ ...s, fields: f, env: { ...s.env, detecting: false, version: msg.version, hostname: msg.hostname }, hosts: { ...s.hosts, detected } });
    }

    case 'start/loaded': {
      const st = { ...s, start: { ...s.start, loading: false, saved: msg.saved, interrupted: msg.interrupted, rollbackable: msg.rollbackable } };
      return none({ ...st, start: { ...st.start, cursor: firstEnabled(startItems(st)) } });
    }

    case 'interrupt': {
      const a = s.apply;
      if (s.screen === 'apply' && a?.phase === 'running') {
        const n = s.ctrlC + 1;
        if (n >= 2) return exit({ ...s, ctrlC: n }, 130, 'zsplit: stopped at once (Ctrl+C twice). The journal holds every finished step: run zsplit again to resume or roll back.');
        return { state: { ...s, ctrlC: n, apply: { ...a, stopRequested: true, question: undefined, message: 'Stopping after the current step (the journal is saved). Ctrl+C again exits now.' } }, effects: [{ type: 'stop' }] };
      }
      return exit(s, 130);
    }

    case 'quit': {
      const a = s.apply;
      if (s.screen === 'apply' && a?.phase === 'running') return none({ ...s, apply: { ...a, confirmQuit: true } });
      const msg = s.failure && s.screen === 'failure' ? `zsplit: run ${s.failure.summary.runId} failed and was left as it is; run zsplit again to retry, resume or roll back it.` : undefined;
      return exit(s, s.screen === 'failure' ? 1 : 0, msg);
    }

    case 'quit/answer': {
      const a = s.apply;
      if (!a) return none(s);
      if (!msg.yes) return none({ ...s, apply: { ...a, confirmQuit: false } });
      return { state: { ...s, apply: { ...a, confirmQuit: false, quitAfter: true, stopRequested: true, question: undefined, message: 'Stopping after the current step, then quitting (the journal is saved).' } }, effects: [{ type: 'stop' }] };
    }

    case 'back':
      return back(s);

    // ---------------------------------------------------------------------------------- whole-step view
    case 'detail/open': {
      const d = detailOf(s);
      return d ? none({ ...s, detail: d }) : none(s);
    }
    case 'detail/scroll': {
      const d = s.detail;
      if (!d) return none(s);
      const max = Math.max(0, detailLines(d, screenWidth(s) - 1).length - detailRows(screenHeight(s)));
      return none({ ...s, detail: { ...d, top: scrolled(d.top, msg.move, max) } });
    }
    case 'detail/close':
      return none({ ...s, detail: undefined });

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
      if (c.text.trim().toLowerCase() !== want.toLowerCase())
        return none({ ...s, apply: { ...a, confirmAll: { ...c, error: `"${c.text.trim()}" does not match ${want}: nothing was applied. Type ${want}, or Esc.` } } });
      const st: WizardState = { ...s, caret: undefined, apply: { ...a, confirmAll: undefined } };
      if (c.from === 'choose') return runApply(st, a.source, a.job, 'all');
      return { state: { ...st, apply: { ...st.apply!, question: undefined, mode: 'all' } }, effects: [{ type: 'decide', decision: 'all' }] };
    }

    // ---------------------------------------------------------------------------------- start
    case 'start/move':
      return none({ ...s, start: { ...s.start, cursor: moveMenu(startItems(s), s.start.cursor, msg.delta) } });

    case 'start/select': {
      const item = startItems(s)[s.start.cursor];
      if (!item || item.disabled || s.start.loading) return none(s);
      if (item.id === 'quit') return exit(s, 0);
      if (item.id === 'abandon') return none({ ...s, start: { ...s.start, confirmAbandon: true, message: undefined } });
      if (item.id.startsWith('continue:')) {
        const e = s.start.saved.find((x) => `continue:${x.domain}` === item.id)!;
        const st: WizardState = { ...s, task: e.task, fields: { ...e.fields, force: false } };
        const path = flowPath(e.task, e.fields.role);
        const target = path.includes(e.screen) && ['role', 'hosts', 'accounts', 'cutover', 'unsplit'].includes(e.screen) ? e.screen : 'role';
        const u = enter({ ...st, history: path.slice(0, path.indexOf(target)) }, target);
        return u;
      }
      return startTask(s, item.id as Task);
    }

    case 'start/abandon': {
      const run = s.start.interrupted;
      if (!msg.yes || !run) return none({ ...s, start: { ...s.start, confirmAbandon: false } });
      return { state: { ...s, start: { ...s.start, confirmAbandon: false, loading: true } }, effects: [{ type: 'abandon', runId: run.runId }] };
    }
    case 'start/abandoned':
      return { state: { ...s, start: { ...s.start, message: msg.message } }, effects: [{ type: 'load-start' }] };

    // ---------------------------------------------------------------------------------- role
    case 'role/move': {
      if (s.role.focus === 'role') return none({ ...s, fields: { ...s.fields, role: s.fields.role === 'primary' ? (msg.delta > 0 ? 'secondary' : 'primary') : msg.delta < 0 ? 'primary' : 'secondary' } });
      const i = PEER_KINDS.indexOf(s.fields.peerKind);
      const n = Math.max(0, Math.min(PEER_KINDS.length - 1, i + msg.delta));
      return none({ ...s, fields: { ...s.fields, peerKind: PEER_KINDS[n] } });
    }
    case 'role/enter':
      if (s.role.focus === 'role') return none({ ...s, fields: { ...s.fields, role: s.fields.role || 'primary' }, role: { focus: 'peer' } });
      return forward(s, nextScreen(s) ?? 'hosts');
    case 'role/back':
      if (s.role.focus === 'peer') return none({ ...s, role: { focus: 'role' } });
      return back(s);

    // ---------------------------------------------------------------------------------- hosts
    case 'hosts/set':
      return none({ ...s, fields: { ...s.fields, [msg.field]: msg.value }, hosts: { ...s.hosts, detected: s.hosts.detected.filter((d) => d !== msg.field) } });
    case 'hosts/toggle': {
      const def = HOST_FIELDS[s.hosts.focus];
      if (!def?.toggle) return none(s);
      return none({ ...s, fields: { ...s.fields, allowWideNetwork: !s.fields.allowWideNetwork } });
    }
    case 'hosts/focus': {
      const cur = HOST_FIELDS[s.hosts.focus]?.name;
      const touched = cur && !s.hosts.touched.includes(cur) ? [...s.hosts.touched, cur] : s.hosts.touched;
      const focus = Math.max(0, Math.min(HOST_FIELDS.length, s.hosts.focus + msg.delta));
      return none({ ...s, hosts: { ...s.hosts, focus, touched } });
    }
    case 'hosts/enter': {
      if (s.hosts.focus < HOST_FIELDS.length) return update(s, { type: 'hosts/focus', delta: 1 });
      const errors = hostErrors(s.fields);
      const bad = HOST_FIELDS.findIndex((f) => errors[f.name]);
      const touched = HOST_FIELDS.map((f) => f.name);
      if (bad >= 0) return none({ ...s, hosts: { ...s.hosts, submitted: true, touched, focus: bad } });
      return forward({ ...s, hosts: { ...s.hosts, submitted: true, touched } }, nextScreen(s) ?? 'review');
    }

    // ---------------------------------------------------------------------------------- accounts
    case 'accounts/move':
      return none({ ...s, accounts: { ...s.accounts, cursor: moveMenu(accountsItems(s), s.accounts.cursor, msg.delta) } });
    case 'accounts/select': {
      const item = accountsItems(s)[s.accounts.cursor];
      if (!item || item.disabled || s.accounts.busy) return none(s);
      const acc = { ...s.accounts, message: undefined, error: undefined };
      switch (item.id) {
        case 'type':
          return none({ ...s, accounts: { ...acc, mode: 'type', draft: '' } });
        case 'file':
          return none({ ...s, accounts: { ...acc, mode: 'file' } });
        case 'live':
          return { state: { ...s, accounts: { ...acc, busy: `Reading the accounts of ${domainsOf(s.fields).join(', ')} (one zmprov -l gaa)` } }, effects: [{ type: 'read-accounts-live' }] };
        case 'drop':
          return setAccounts(s, dropBadLines(s.fields.peerAccounts, s.accounts.summary), 'Removed the invalid and duplicate lines.');
        case 'edit':
          return none({ ...s, accounts: { ...acc, mode: 'edit', entry: { cursor: 0, top: 0 } } });
        case 'clear':
          return setAccounts(s, '', 'The list is empty.');
        case 'continue':
          return forward(s, nextScreen(s) ?? 'review');
      }
      return none(s);
    }
    case 'accounts/input': {
      if (s.accounts.mode === 'file') return none({ ...s, accounts: { ...s.accounts, path: s.accounts.path + msg.text.replace(/[\r\n]/g, '') } });
      const text = s.accounts.draft + msg.text;
      const parts = text.split(/\r\n|\r|\n/);
      const draft = parts.pop() ?? '';
      if (parts.length === 0) return none({ ...s, accounts: { ...s.accounts, draft } });
      const added = parts.filter((l) => l.trim() !== '');
      const st = appendAccounts(s, added);
      return none({ ...st, accounts: { ...st.accounts, draft } });
    }
    case 'accounts/backspace':
      if (s.accounts.mode === 'file') return none({ ...s, accounts: { ...s.accounts, path: s.accounts.path.slice(0, -1) } });
      return none({ ...s, accounts: { ...s.accounts, draft: s.accounts.draft.slice(0, -1) } });
    case 'accounts/path':
      return none({ ...s, accounts: { ...s.accounts, path: msg.value } });
    case 'accounts/enter': {
      const a = s.accounts;
      if (a.mode === 'file') {
        if (!a.path.trim()) return none({ ...s, accounts: { ...a, error: 'Type the path of a file with one address per line.' } });
        return { state: { ...s, accounts: { ...a, busy: `Reading ${a.path.trim()}`, error: undefined } }, effects: [{ type: 'read-accounts-file', path: a.path.trim() }] };
      }
      if (a.mode === 'type') {
        if (a.draft.trim() === '') {
          const st = { ...s, accounts: { ...a, mode: 'menu' as const } };
          return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
        }
        const st = appendAccounts(s, [a.draft]);
        return none({ ...st, accounts: { ...st.accounts, draft: '' } });
      }
      return update(s, { type: 'accounts/select' });
    }
    case 'accounts/back': {
      const a = s.accounts;
      if (a.mode === 'menu') return back(s);
      const st = a.mode === 'type' && a.draft.trim() ? appendAccounts(s, [a.draft]) : s;
      const m = { ...st, accounts: { ...st.accounts, mode: 'menu' as const, draft: '', error: undefined } };
      return none({ ...m, accounts: { ...m.accounts, cursor: firstEnabled(accountsItems(m), preferredAccountsItem(m)) } });
    }
    case 'accounts/loaded': {
      const u = setAccounts(s, msg.text, msg.message);
      const st = { ...u.state, accounts: { ...u.state.accounts, busy: undefined, mode: 'menu' as const } };
      return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
    }
    case 'accounts/entry-move':
      return none({ ...s, accounts: { ...s.accounts, entry: moveList(s.accounts.entry, accountEntries(s.fields.peerAccounts).length, msg.height, msg.move) } });
    case 'accounts/entry-drop': {
      const entries = accountEntries(s.fields.peerAccounts);
      const e = entries[s.accounts.entry.cursor];
      if (!e || s.accounts.mode !== 'edit') return none(s);
      const text = s.fields.peerAccounts
        .split(/\r?\n/)
        .filter((_l, i) => i !== e.index)
        .join('\n');
      const u = setAccounts(s, text, `Removed ${e.text.trim().split(/\s+/)[0]}.`);
      const left = Math.max(0, entries.length - 2);
      return none({ ...u.state, accounts: { ...u.state.accounts, mode: 'edit', entry: { ...s.accounts.entry, cursor: Math.min(s.accounts.entry.cursor, left) } } });
    }
    case 'accounts/failed':
      return none({ ...s, accounts: { ...s.accounts, busy: undefined, error: msg.error } });

    // ---------------------------------------------------------------------------------- review
    case 'review/result':
      return none({
        ...s,
        review: { busy: undefined, error: msg.error, plan: msg.plan, observed: msg.observed, refused: msg.refused, findings: msg.findings, rows: msg.rows, stats: msg.stats, warnings: msg.warnings, top: 0 },
      });
    case 'review/scroll':
      return none({ ...s, review: { ...s.review, top: scrolled(s.review.top, msg.move, s.limits.review) } });
    case 'review/continue': {
      const r = s.review;
      if (r.busy || r.error || r.refused.length || !r.plan) return none(s);
      return forward(s, 'preview');
    }

    // ---------------------------------------------------------------------------------- preview
    case 'preview/move': {
      const p = s.review.plan;
      if (!p) return none(s);
      const count = s.preview.matches ? s.preview.matches.length : p.steps.length;
      return none({ ...s, preview: { ...moveList(s.preview, count, msg.height, msg.move), message: undefined } });
    }
    case 'preview/filter-start':
      return none({ ...s, preview: { ...s.preview, filtering: true, message: undefined } });
    case 'preview/filter':
      return none({ ...s, preview: { ...s.preview, ...setFilter(s.preview, s.review.plan, msg.value) } });
    case 'preview/filter-end':
      if (msg.keep) return none({ ...s, preview: { ...s.preview, filtering: false } });
      return none({ ...s, preview: { ...s.preview, ...setFilter(s.preview, s.review.plan, ''), filtering: false } });
    case 'preview/export-start': {
      const p = s.review.plan;
      const base = s.preview.exportPath || `zsplit-${p?.job ?? 'plan'}-${p?.answers.domains[0] ?? 'domain'}`;
      return none({ ...s, preview: { ...s.preview, exporting: true, exportPath: base, message: undefined } });
    }
    case 'preview/export-path':
      return none({ ...s, preview: { ...s.preview, exportPath: msg.value } });
    case 'preview/export-end':
      if (!msg.write || !s.preview.exportPath.trim()) return none({ ...s, preview: { ...s.preview, exporting: false, overwrite: undefined, message: undefined } });
      return {
        state: { ...s, preview: { ...s.preview, exporting: false, message: 'Writing...' } },
        effects: [{ type: 'export', base: s.preview.exportPath.trim(), overwrite: s.preview.overwrite === s.preview.exportPath.trim() }],
      };
    case 'preview/exported':
      return none({ ...s, preview: { ...s.preview, overwrite: undefined, message: msg.message } });
    case 'preview/export-exists':
      // Nothing written: the name stays open to edit; Enter on the same name replaces the files.
      // The name the operator typed stays to be edited (not replaced by typing): the caret at its end.
      return none({ ...s, caret: { key: 'preview:export', pos: s.preview.exportPath.length }, preview: { ...s.preview, exporting: true, overwrite: msg.base, message: `${msg.files.join(' and ')} already exist${msg.files.length === 1 ? 's' : ''}: Enter again replaces, or change the name (Esc cancels).` } });
    case 'preview/continue': {
      const p = s.review.plan;
      if (!p) return none(s);
      return none({ ...s, history: [...s.history, s.screen], screen: 'apply', apply: newApply({ type: 'plan', plan: p }, p.job, 'choose') });
    }

    // ---------------------------------------------------------------------------------- apply
    case 'apply/move':
      if (!s.apply || s.apply.phase !== 'choose') return none(s);
      return none({ ...s, apply: { ...s.apply, cursor: Math.max(0, Math.min(APPLY_CHOICES.length - 1, s.apply.cursor + msg.delta)) } });
    case 'apply/choose': {
      const a = s.apply;
      if (!a || a.phase !== 'choose') return none(s);
      const c = APPLY_CHOICES[a.cursor].id;
      if (c === 'back') return back(s);
      if (c === 'all' && !s.env.rehearsal) return none({ ...s, caret: undefined, apply: { ...a, confirmAll: { text: '', from: 'choose' } } });
      return runApply(s, a.source, a.job, c);
    }
    case 'apply/started':
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, startedAt: msg.at, total: msg.total ?? s.apply.total, runId: msg.runId ?? s.apply.runId } });
    case 'apply/events':
      return none(applyEvents(s, msg.events));
    case 'apply/question': {
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, question: msg.q, qCursor: 0, total: Math.max(s.apply.total, msg.q.total) } });
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
      if (decision === 'all' && !s.env.rehearsal) return none({ ...s, caret: undefined, apply: { ...a, confirmAll: { text: '', from: 'question' } } });
      return { state: { ...s, apply: { ...a, question: undefined, mode: decision === 'all' ? 'all' : a.mode } }, effects: [{ type: 'decide', decision }] };
    }
    case 'apply/finished':
      if (!s.apply) return none(s);
      return finished(s, msg.summary);
    case 'apply/refused':
      if (!s.apply) return none(s);
      return none({ ...s, apply: { ...s.apply, phase: 'finished', question: undefined, error: msg.message }, ctrlC: 0 });

    // ---------------------------------------------------------------------------------- failure
    case 'failure/move':
      if (!s.failure) return none(s);
      return none({ ...s, failure: { ...s.failure, cursor: moveMenu(failureItems(s), s.failure.cursor, msg.delta) } });
    case 'failure/select': {
      const f = s.failure;
      if (!f || f.busy) return none(s);
      const item = failureItems(s)[f.cursor];
      if (!item || item.disabled) return none(s);
      const ids = f.summary.failures.map((x) => x.step.id);
      const runId = f.summary.runId;
      const mode = s.apply?.mode ?? 'step';
      switch (item.id) {
        case 'retry':
          return runApply(s, { type: 'resume', runId }, f.job, mode, { autoYes: ids });
        case 'skip':
          return runApply(s, { type: 'resume', runId }, f.job, mode, { autoSkip: ids });
        case 'undo-step':
          return { state: { ...s, failure: { ...f, busy: 'Restoring the recorded value' } }, effects: [{ type: 'undo-step', runId, stepIds: ids }] };
        case 'rollback-run':
          return {
            state: { ...s, history: ['failure'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback from the journal', error: undefined, runId, returnTo: 'failure' } },
            effects: [{ type: 'load-rollback', runId }],
          };
        case 'quit':
          return update(s, { type: 'quit' });
      }
      return none(s);
    }
    case 'failure/undone':
      if (!s.failure) return none(s);
      return none({ ...s, failure: { ...s.failure, busy: undefined, undone: true, note: msg.note, cursor: 1 } });

    // ---------------------------------------------------------------------------------- done
    case 'done/scroll':
      if (!s.done) return none(s);
      return none({ ...s, done: { ...s.done, top: scrolled(s.done.top, msg.move, s.limits.done) } });
    case 'done/home':
      return home(s);
    case 'done/rollback': {
      const d = s.done;
      if (!d?.summary || d.kind !== 'apply' || d.summary.counts.applied === 0) return none(s);
      const runId = d.summary.runId;
      return {
        state: { ...s, history: ['done'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback from the journal', error: undefined, runId, returnTo: 'done' } },
        effects: [{ type: 'load-rollback', runId }],
      };
    }

    // ---------------------------------------------------------------------------------- rollback
    case 'rollback/runs':
      return none({ ...s, rollback: { ...s.rollback, phase: 'pick', busy: undefined, runs: msg.runs, list: { cursor: Math.max(0, msg.runs.length - 1), top: Math.max(0, msg.runs.length - 5) } } });
    case 'rollback/move':
      return none({ ...s, rollback: { ...s.rollback, list: moveList(s.rollback.list, s.rollback.runs.length, msg.height, msg.move) } });
    case 'rollback/select': {
      const r = s.rollback.runs[s.rollback.list.cursor];
      if (!r || s.rollback.busy) return none(s);
      return { state: { ...s, rollback: { ...s.rollback, busy: 'Planning the rollback from the journal', error: undefined, runId: r.runId } }, effects: [{ type: 'load-rollback', runId: r.runId }] };
    }
    case 'rollback/plan':
      return none({ ...s, rollback: { ...s.rollback, phase: 'preview', busy: undefined, runId: msg.runId, plan: msg.plan, values: msg.values, steps: { ...EMPTY_LIST }, cursor: 0 } });
    case 'rollback/error':
      return none({ ...s, rollback: { ...s.rollback, phase: s.rollback.phase === 'loading' ? (s.rollback.returnTo ? 'preview' : 'pick') : s.rollback.phase, busy: undefined, error: msg.error } });
    case 'rollback/steps-move': {
      const p = s.rollback.plan;
      if (!p) return none(s);
      return none({ ...s, rollback: { ...s.rollback, steps: moveList(s.rollback.steps, p.steps.length, msg.height, msg.move) } });
    }
    case 'rollback/confirm-move':
      return none({ ...s, rollback: { ...s.rollback, cursor: Math.max(0, Math.min(ROLLBACK_CONFIRM.length - 1, s.rollback.cursor + msg.delta)) } });
    case 'rollback/enter': {
      const r = s.rollback;
      if (r.phase === 'pick') return update(s, { type: 'rollback/select' });
      if (r.phase === 'preview') {
        if (!r.plan || r.plan.steps.length === 0 || r.error) return none(s);
        return none({ ...s, rollback: { ...r, phase: 'confirm', cursor: 0 } });
      }
      if (r.phase === 'confirm') {
        const c = ROLLBACK_CONFIRM[r.cursor].id;
        if (c === 'no') return none({ ...s, rollback: { ...r, phase: 'preview' } });
        const u = runApply({ ...s, history: [...s.history, 'rollback'] }, { type: 'rollback', runId: r.runId!, plan: r.plan! }, r.plan!.job, c);
        return u;
      }
      return none(s);
    }
    case 'rollback/back': {
      const r = s.rollback;
      if (r.phase === 'confirm') return none({ ...s, rollback: { ...r, phase: 'preview' } });
      if (r.phase === 'preview' && r.runs.length && !r.returnTo) return none({ ...s, rollback: { ...r, phase: 'pick', error: undefined } });
      if (r.busy) return none(s);
      return back(s);
    }

    // ---------------------------------------------------------------------------------- cutover
    case 'cutover/loaded': {
      // A new wave gets the next free name; one the journal holds already is not reused.
      const used = new Set(msg.waves.map((w) => w.wave));
      let wave = s.cutover.wave;
      for (let n = msg.waves.length + 1; !wave || used.has(wave); n++) wave = `wave-${n}`;
      const c = { ...s.cutover, phase: 'pick' as const, busy: undefined, accounts: msg.accounts, waves: msg.waves, wave };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/error':
      return none({ ...s, cutover: { ...s.cutover, phase: 'pick', busy: undefined, error: msg.error } });
    case 'cutover/move':
      return none({ ...s, cutover: { ...s.cutover, list: moveList(s.cutover.list, s.cutover.shown.length, msg.height, msg.move) } });
    case 'cutover/toggle': {
      const c = s.cutover;
      const name = c.shown[c.list.cursor];
      if (!name) return none(s);
      const selected = c.selected.includes(name) ? c.selected.filter((x) => x !== name) : [...c.selected, name];
      return none({ ...s, cutover: { ...c, selected, message: undefined } });
    }
    case 'cutover/toggle-all': {
      const c = s.cutover;
      const all = c.shown.every((n) => c.selected.includes(n));
      const shown = new Set(c.shown);
      const selected = all ? c.selected.filter((n) => !shown.has(n)) : [...c.selected, ...c.shown.filter((n) => !c.selected.includes(n))];
      return none({ ...s, cutover: { ...c, selected, message: undefined } });
    }
    case 'cutover/direction': {
      const c = { ...s.cutover, direction: s.cutover.direction === 'to-zimbra' ? ('to-peer' as const) : ('to-zimbra' as const), selected: [], list: { cursor: 0, top: 0 } };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/mode':
      return none({ ...s, cutover: { ...s.cutover, phase: msg.phase, error: undefined, message: undefined } });
    case 'cutover/filter': {
      const c = { ...s.cutover, filter: msg.value, list: { cursor: 0, top: 0 } };
      return none({ ...s, cutover: { ...c, shown: cutoverShown(c, s.fields.peerHost) } });
    }
    case 'cutover/wave':
      return none({ ...s, cutover: { ...s.cutover, wave: msg.value } });
    case 'cutover/path':
      return none({ ...s, cutover: { ...s.cutover, path: msg.value } });
    case 'cutover/file-loaded': {
      const c = s.cutover;
      const selected = [...c.selected, ...msg.users.filter((u) => !c.selected.includes(u))];
      return none({ ...s, cutover: { ...c, phase: 'pick', busy: undefined, selected, message: msg.message } });
    }
    case 'cutover/enter': {
      const c = s.cutover;
      switch (c.phase) {
        case 'pick':
          if (c.selected.length === 0) return none({ ...s, cutover: { ...c, message: 'Select at least one user (Space), or read them from a file (f).' } });
          if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(c.wave)) return none({ ...s, cutover: { ...c, message: 'Name the wave first (w): letters, digits, . _ -' } });
          return forward(s, 'review');
        case 'filter':
        case 'wave':
          return none({ ...s, cutover: { ...c, phase: 'pick' } });
        case 'file':
          if (!c.path.trim()) return none({ ...s, cutover: { ...c, error: 'Type the path of a file with one address per line.' } });
          return { state: { ...s, cutover: { ...c, busy: `Reading ${c.path.trim()}`, error: undefined } }, effects: [{ type: 'read-users-file', path: c.path.trim() }] };
        case 'waves':
          return update(s, { type: 'cutover/waves-select' });
      }
      return none(s);
    }
    case 'cutover/back': {
      const c = s.cutover;
      if (c.phase === 'filter') return none({ ...s, cutover: { ...c, phase: 'pick' } });
      if (c.phase === 'file' || c.phase === 'wave' || c.phase === 'waves') return none({ ...s, cutover: { ...c, phase: 'pick', error: undefined } });
      return back(s);
    }
    case 'cutover/waves-move':
      return none({ ...s, cutover: { ...s.cutover, wavesList: moveList(s.cutover.wavesList, s.cutover.waves.length, msg.height, msg.move) } });
    case 'cutover/waves-select': {
      const w = s.cutover.waves[s.cutover.wavesList.cursor];
      if (!w) return none(s);
      if (w.kind !== 'apply' || w.status === 'rolled-back' || w.applied === 0)
        return none({ ...s, cutover: { ...s.cutover, message: w.status === 'rolled-back' ? `${w.wave} was rolled back already.` : `${w.wave ?? w.runId} changed nothing that needs undoing.` } });
      return {
        state: { ...s, history: [...s.history, 'cutover'], screen: 'rollback', rollback: { ...s.rollback, phase: 'loading', busy: 'Planning the rollback of the wave', error: undefined, runId: w.runId, returnTo: 'cutover' } },
        effects: [{ type: 'load-rollback', runId: w.runId }],
      };
    }

    // ---------------------------------------------------------------------------------- unsplit
    case 'unsplit/result': {
      const st = { ...s, unsplit: { ...s.unsplit, busy: undefined, routed: msg.routed } };
      return none({ ...st, unsplit: { ...st.unsplit, cursor: firstEnabled(unsplitItems(st), msg.routed.length ? 'cutover' : 'continue') } });
    }
    case 'unsplit/error':
      return none({ ...s, unsplit: { ...s.unsplit, busy: undefined, error: msg.error, routed: undefined } });
    case 'unsplit/move':
      return none({ ...s, unsplit: { ...s.unsplit, cursor: moveMenu(unsplitItems(s), s.unsplit.cursor, msg.delta) } });
    case 'unsplit/scroll':
      return none({ ...s, unsplit: { ...s.unsplit, top: scrolled(s.unsplit.top, msg.move, s.limits.unsplit) } });
    case 'unsplit/select': {
      const item = unsplitItems(s)[s.unsplit.cursor];
      if (!item || item.disabled || s.unsplit.busy) return none(s);
      switch (item.id) {
        case 'continue':
          return forward(s, 'review');
        case 'cutover': {
          const st: WizardState = { ...s, task: 'cutover', cutover: { ...s.cutover, direction: 'to-zimbra', selected: [...(s.unsplit.routed ?? [])] } };
          return forward(st, 'cutover');
        }
        case 'force':
          return none({ ...s, fields: { ...s.fields, force: !s.fields.force } });
        case 'back':
          return back(s);
      }
      return none(s);
    }
  }
}

/** The entries of the accounts list (no blank or comment lines), with their line index in the text. */
export function accountEntries(text: string): { index: number; text: string }[] {
  const out: { index: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((l, index) => {
    if (l.trim() && !l.trim().startsWith('#')) out.push({ index, text: l.trim() });
  });
  return out;
}

/** The domain "apply all" on a real target asks to be typed. */
export function applyDomain(s: WizardState): string {
  const a = s.apply;
  const p = a?.source.plan;
  return p?.answers.domains[0] ?? domainsOf(s.fields)[0] ?? '';
}

/** What the whole-step view shows on the current screen: the selected step, a question's batch, manual or failed steps. */
function detailOf(s: WizardState): WizardState['detail'] {
  const of = (steps: Step[], first: number, total: number): DetailEntry[] => steps.map((step, k) => ({ n: first + k, total, step }));
  let entries: DetailEntry[] = [];
  let values: Record<string, RestoreValues> | undefined;
  switch (s.screen) {
    case 'preview': {
      const p = s.review.plan;
      if (!p) return undefined;
      const count = rowCount(s.preview, p.steps);
      if (!count) return undefined;
      const i = rowIndex(s.preview, visible(s.preview, count, 1).cursor);
      entries = of([p.steps[i]], i + 1, p.steps.length);
      break;
    }
    case 'apply': {
      const q = s.apply?.question;
      if (!q || q.steps.length === 0) return undefined;
      entries = of(q.steps, q.index, q.total);
      break;
    }
    case 'rollback': {
      const r = s.rollback;
      if (!r.plan || r.plan.steps.length === 0) return undefined;
      const i = visible(r.steps, r.plan.steps.length, 1).cursor;
      entries = of([r.plan.steps[i]], i + 1, r.plan.steps.length);
      values = r.values;
      break;
    }
    case 'done': {
      const m = s.done?.manual ?? [];
      if (!m.length || s.done?.kind !== 'apply') return undefined;
      entries = of(m, 1, m.length);
      break;
    }
    case 'failure': {
      const f = s.failure?.summary.failures ?? [];
      if (!f.length) return undefined;
      entries = of(
        f.map((x) => x.step),
        1,
        f.length,
      );
      break;
    }
    default:
      return undefined;
  }
  const title = s.screen === 'done' ? `Still to do by hand: ${entries.length} step(s)` : s.screen === 'failure' ? `Failed: ${entries.length} step(s)` : detailTitle(entries);
  return { title, entries, top: 0, values };
}

/** Where the accounts menu cursor goes: drop the bad lines, else continue, else type. */
function preferredAccountsItem(s: WizardState): string {
  const sum = s.accounts.summary;
  return sum.invalid.length + sum.duplicates.length ? 'drop' : sum.lines ? 'continue' : 'type';
}

function setAccounts(s: WizardState, text: string, message?: string): Update {
  const summary = summarizeAccounts(text, domainsOf(s.fields));
  const st = { ...s, fields: { ...s.fields, peerAccounts: text }, accounts: { ...s.accounts, summary, message, error: undefined } };
  return none({ ...st, accounts: { ...st.accounts, cursor: firstEnabled(accountsItems(st), preferredAccountsItem(st)) } });
}

function appendAccounts(s: WizardState, lines: string[]): WizardState {
  if (lines.length === 0) return s;
  const cur = s.fields.peerAccounts.replace(/\s+$/, '');
  return setAccounts(s, (cur ? `${cur}\n` : '') + lines.join('\n')).state;
}


