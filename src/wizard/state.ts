/**
 * The wizard's state: everything the screens render. Plain data (plans and summaries are
 * shared by reference, never copied), changed only by `update` (update.ts).
 */
import type { Question, Summary } from '../apply/engine.js';
import type { TraceRow } from '../flow/format.js';
import type { StepStatus } from '../journal/journal.js';
import type { Direction, Job, PeerKind, Role } from '../model/types.js';
import type { Observed } from '../plan/observed.js';
import type { Plan, Step } from '../plan/step.js';
import type { Inventory } from '../inventory/model.js';
import type { DetailState, RestoreValues } from './detail.js';
import type { LdapAnswers, RecipientSource, SourceFormatChoice } from './recipients.js';

export type ScreenId = 'start' | 'role' | 'hosts' | 'accounts' | 'review' | 'preview' | 'apply' | 'failure' | 'done' | 'rollback' | 'cutover' | 'unsplit';

/** What the operator chose on the start screen. */
export type Task = 'setup' | 'cutover' | 'unsplit' | 'resume' | 'rollback';

/** The answers as typed (strings), what is saved per domain. Nothing secret lives here. */
export interface Fields {
  domain: string;
  role: Role | '';
  peerKind: PeerKind;
  zimbraHost: string;
  mailboxHost: string;
  zimbraVersion: string;
  peerHost: string;
  peerPort: string;
  peerIp: string;
  allowWideNetwork: boolean;
  /** Lines `address [alias ...]` of the accounts that live on the peer. */
  peerAccounts: string;
  /** Recipient source files read on the Accounts screen: path and format only, re-read when needed. */
  recipientSources?: RecipientSource[];
  /** A live LDAP / AD source: where the password is (a file, $NAME), never the password. */
  ldapSource?: LdapAnswers;
  force: boolean;
}

export const EMPTY_FIELDS: Fields = {
  domain: '',
  role: '',
  peerKind: 'exchange',
  zimbraHost: '',
  mailboxHost: '',
  zimbraVersion: '',
  peerHost: '',
  peerPort: '25',
  peerIp: '',
  allowWideNetwork: false,
  peerAccounts: '',
  force: false,
};

export interface EnvInfo {
  detecting: boolean;
  rehearsal: boolean;
  /** The executor's label: "REHEARSAL (simulated Zimbra 10.1.0)", "local, su - zimbra". */
  label: string;
  targetId: string;
  version?: string;
  hostname?: string;
  user: string;
  /** Said before the wizard started (e.g. "no Zimbra on this host: REHEARSAL"). */
  notice?: string;
}

/** A run of the journal, as the start, rollback and waves screens list it. */
export interface RunBrief {
  runId: string;
  kind: 'apply' | 'rollback';
  job: string;
  status: string;
  time: string;
  domains: string[];
  applied: number;
  inFlight: string[];
  wave?: string;
  direction?: Direction;
  users?: string[];
  of?: string;
}

export interface SavedEntry {
  domain: string;
  task: Task;
  screen: ScreenId;
  fields: Fields;
  savedAt: string;
  /** The job's run ended so: nothing to continue (the answers stay for the next job). */
  done?: 'completed' | 'rolled-back' | 'abandoned';
}

export interface ListState {
  cursor: number;
  top: number;
}

/** A scrollable list with a filter; `matches` holds the indexes that pass it (null: all). */
export interface FilterList extends ListState {
  filter: string;
  filtering: boolean;
  matches: number[] | null;
}

export const EMPTY_LIST: FilterList = { cursor: 0, top: 0, filter: '', filtering: false, matches: null };

export interface StartState {
  cursor: number;
  loading: boolean;
  saved: SavedEntry[];
  interrupted?: RunBrief;
  rollbackable: RunBrief[];
  /** Abandon the interrupted run? (y/n) */
  confirmAbandon?: boolean;
  message?: string;
}

export type HostField = 'domain' | 'zimbraHost' | 'mailboxHost' | 'zimbraVersion' | 'peerHost' | 'peerPort' | 'peerIp' | 'allowWideNetwork';

export interface HostsState {
  /** Index into HOST_FIELDS; HOST_FIELDS.length is the Continue row. */
  focus: number;
  touched: HostField[];
  submitted: boolean;
  detected: HostField[];
}

export interface AccountsSummary {
  lines: number;
  accounts: number;
  aliases: number;
  duplicates: { lineNo: number; message: string }[];
  invalid: { lineNo: number; message: string }[];
}

export interface AccountsState {
  mode: 'menu' | 'type' | 'file' | 'edit' | 'source' | 'inventory' | 'ldap';
  /** The LDAP form being filled, and its focused field (LDAP_FIELDS). */
  ldap?: LdapAnswers;
  ldapFocus?: number;
  /** The format chosen for the next recipient source file (Tab cycles). */
  sourceFormat: SourceFormatChoice;
  /** What fields.recipientSources gave when last read, and how each source was read. */
  loaded?: { inventory: Inventory; labels: string[] };
  /** Scroll offset of the 'inventory' view. */
  top?: number;
  cursor: number;
  /** The entry under the cursor in the 'edit' mode (drop single entries). */
  entry: ListState;
  draft: string;
  path: string;
  busy?: string;
  message?: string;
  error?: string;
  summary: AccountsSummary;
}

export interface Finding {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

export interface ReviewState {
  busy?: string;
  /** Could not read the server or build the plan: the reason. */
  error?: string;
  plan?: Plan;
  observed?: Observed;
  /** The plan was refused (validation, planner or mail-flow errors): nothing can go on. */
  refused: string[];
  findings: Finding[];
  rows: TraceRow[];
  stats?: { addresses: number; groups: number; traced: number };
  warnings: string[];
  top: number;
}

export interface PreviewState extends FilterList {
  exporting: boolean;
  exportPath: string;
  /** The export name whose files exist: Enter again on the same name replaces them. */
  overwrite?: string;
  message?: string;
}

export type ApplySource =
  | { type: 'plan'; plan: Plan }
  | { type: 'resume'; runId: string; plan?: Plan }
  | { type: 'rollback'; runId: string; plan: Plan; to?: string };

export interface LogBlock {
  id: number;
  text: string;
}

export interface ApplyState {
  phase: 'choose' | 'running' | 'finished';
  source: ApplySource;
  job: Job;
  mode: 'step' | 'all';
  cursor: number;
  total: number;
  done: number;
  counts: Record<StepStatus, number>;
  message: string;
  startedAt?: number;
  batch?: { kind: string; lines: number; startedAt: number };
  /** Measured time per batch line (ms), for the time left of the next batch. */
  msPerLine?: number;
  tail: string[];
  question?: Question;
  qCursor: number;
  /** The first command of a batch question shown (PgUp/PgDn scroll through every command). */
  qTop?: number;
  stopRequested: boolean;
  confirmQuit: boolean;
  quitAfter: boolean;
  error?: string;
  runId?: string;
  /** On a real target "apply all" first asks for the domain name, typed (as Terraform asks for yes). */
  confirmAll?: { text: string; from: 'choose' | 'question'; error?: string };
  /** What the engine recorded per step in this run (manual steps count only when reached). */
  statuses?: Record<string, StepStatus>;
}

export type FailureAction = 'retry' | 'skip' | 'undo-step' | 'rollback-run' | 'quit';

export interface FailureState {
  summary: Summary;
  job: Job;
  cursor: number;
  busy?: string;
  note?: string;
  undone: boolean;
}

export interface DoneState {
  summary?: Summary;
  /** The manual steps the run reached (the Zimbra steps before them were done): the only ones to follow now. */
  manual: Step[];
  /** Manual steps not reached (stopped or failed before them): held back, not shown as to do. */
  held: number;
  kind: 'apply' | 'rollback';
  job: Job;
  title: string;
  top: number;
  note?: string;
}

export interface RollbackState {
  phase: 'loading' | 'pick' | 'preview' | 'confirm';
  runs: RunBrief[];
  list: ListState;
  runId?: string;
  plan?: Plan;
  steps: FilterList;
  cursor: number;
  busy?: string;
  error?: string;
  /** Where to go back to from the pick list. */
  returnTo?: ScreenId;
  /** Per undo step: the value now and the recorded value it restores (from the journal). */
  values?: Record<string, RestoreValues>;
}

export interface CutoverCandidate {
  name: string;
  transport: string;
  status: string;
  /** zimbraLastLogonTimestamp is set: the mailbox has been used. */
  inUse?: boolean;
}

export interface CutoverState {
  phase: 'loading' | 'pick' | 'filter' | 'file' | 'wave' | 'waves';
  direction: Direction;
  accounts: CutoverCandidate[];
  /** Names offered for the direction, filtered. */
  shown: string[];
  selected: string[];
  filter: string;
  list: ListState;
  wave: string;
  path: string;
  waves: RunBrief[];
  wavesList: ListState;
  busy?: string;
  error?: string;
  message?: string;
}

export interface UnsplitState {
  busy?: string;
  error?: string;
  routed?: string[];
  cursor: number;
  top: number;
}

export interface WizardState {
  screen: ScreenId;
  history: ScreenId[];
  task: Task;
  env: EnvInfo;
  size: { cols: number; rows: number };
  noColor: boolean;
  fields: Fields;
  start: StartState;
  role: { focus: 'role' | 'peer' };
  hosts: HostsState;
  accounts: AccountsState;
  review: ReviewState;
  preview: PreviewState;
  apply?: ApplyState;
  failure?: FailureState;
  done?: DoneState;
  rollback: RollbackState;
  cutover: CutoverState;
  unsplit: UnsplitState;
  /** The whole-step view over the current screen (d), scrollable; Esc closes it. */
  detail?: DetailState;
  /** Ctrl+C presses while something runs. */
  ctrlC: number;
  /** The caret of the text field being edited (see keys.ts activeText). */
  caret?: { key: string; pos: number };
  /** How far the scrolling text views can scroll, as they last rendered. */
  limits: Partial<Record<'review' | 'done' | 'unsplit', number>>;
  exit?: { code: number; message?: string };
  /**
   * Finished steps of every run of the session, written once above the live frame by a <Static>
   * that stays mounted for the whole session (ink 6.8 keeps a dangling pointer to an unmounted one).
   */
  log: LogBlock[];
  nextLogId: number;
}

export const EMPTY_ACCOUNTS_SUMMARY: AccountsSummary = { lines: 0, accounts: 0, aliases: 0, duplicates: [], invalid: [] };

export function emptyCounts(): Record<StepStatus, number> {
  return { applied: 0, unchanged: 0, skipped: 0, 'not-applicable': 0, failed: 0, manual: 0 };
}

export function initialState(opts: { env: EnvInfo; size?: { cols: number; rows: number }; noColor?: boolean }): WizardState {
  return {
    screen: 'start',
    history: [],
    task: 'setup',
    env: opts.env,
    size: opts.size ?? { cols: 80, rows: 24 },
    noColor: Boolean(opts.noColor),
    fields: { ...EMPTY_FIELDS },
    start: { cursor: 0, loading: true, saved: [], rollbackable: [] },
    role: { focus: 'role' },
    hosts: { focus: 0, touched: [], submitted: false, detected: [] },
    accounts: { mode: 'menu', cursor: 0, entry: { cursor: 0, top: 0 }, draft: '', path: '', sourceFormat: 'auto', summary: EMPTY_ACCOUNTS_SUMMARY },
    review: { refused: [], findings: [], rows: [], warnings: [], top: 0 },
    preview: { ...EMPTY_LIST, exporting: false, exportPath: '' },
    rollback: { phase: 'loading', runs: [], list: { cursor: 0, top: 0 }, steps: { ...EMPTY_LIST }, cursor: 0 },
    cutover: {
      phase: 'loading',
      direction: 'to-zimbra',
      accounts: [],
      shown: [],
      selected: [],
      filter: '',
      list: { cursor: 0, top: 0 },
      wave: '',
      path: '',
      waves: [],
      wavesList: { cursor: 0, top: 0 },
    },
    unsplit: { cursor: 0, top: 0 },
    ctrlC: 0,
    limits: {},
    log: [],
    nextLogId: 0,
  };
}

/** The job a task plans. */
export function jobOf(s: WizardState): Job {
  if (s.task === 'resume' || s.task === 'rollback') return s.apply?.job ?? 'setup';
  return s.task;
}

/** The screens of a task, in order. */
export function flowPath(task: Task, role: Role | ''): ScreenId[] {
  switch (task) {
    case 'setup':
      return ['start', 'role', 'hosts', ...(role === 'primary' ? (['accounts'] as ScreenId[]) : []), 'review', 'preview', 'apply'];
    case 'cutover':
      return ['start', 'role', 'hosts', 'cutover', 'review', 'preview', 'apply'];
    case 'unsplit':
      return ['start', 'role', 'hosts', 'unsplit', 'review', 'preview', 'apply'];
    case 'resume':
      return ['start', 'apply'];
    case 'rollback':
      return ['start', 'rollback', 'apply'];
  }
}

export const SCREEN_TITLE: Record<ScreenId, string> = {
  start: 'Start',
  role: 'Role',
  hosts: 'Hosts',
  accounts: 'Accounts',
  review: 'Review',
  preview: 'Preview',
  apply: 'Apply',
  failure: 'Failure',
  done: 'Done',
  rollback: 'Rollback',
  cutover: 'Cutover',
  unsplit: 'Unsplit',
};

export const TASK_TITLE: Record<Task, string> = {
  setup: 'setup',
  cutover: 'cutover',
  unsplit: 'unsplit',
  resume: 'resume',
  rollback: 'rollback',
};
