/**
 * The wizard's vocabulary: the messages screens and the controller send, the effects the
 * reducers ask for, a key as the terminal reported it, and menu items. Types only (and `none`),
 * so every screen module can use them without importing another.
 */
import type { Decision, EngineEvent, Question, Summary } from '../apply/engine.js';
import type { TraceRow } from '../flow/format.js';
import type { Observed } from '../plan/observed.js';
import type { Plan } from '../plan/step.js';
import type { RestoreValues } from './detail.js';
import type { Inventory } from '../inventory/model.js';
import type { Move } from './list.js';
import type { LdapAnswers, RecipientSource } from './recipients.js';
import type { ApplySource, CutoverCandidate, Finding, HostField, RunBrief, SavedEntry, WizardState } from './state.js';

/** A key as the terminal reported it (Ink's Key, without Ink). */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  left?: boolean;
  right?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  enter?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type Effect =
  | { type: 'load-start' }
  | { type: 'save' }
  | { type: 'read-accounts-file'; path: string }
  | { type: 'read-accounts-live' }
  | { type: 'read-recipient-sources'; sources: RecipientSource[]; ldap?: LdapAnswers; show: boolean }
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
  | { type: 'accounts/format'; delta: number }
  | { type: 'accounts/sources-loaded'; sources: RecipientSource[]; ldap?: LdapAnswers; inventory: Inventory; labels: string[]; show: boolean }
  | { type: 'accounts/ldap-set'; field: keyof LdapAnswers; value: string }
  | { type: 'accounts/ldap-focus'; delta: number }
  | { type: 'accounts/ldap-toggle' }
  | { type: 'accounts/scroll'; delta: number }
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
  | { type: 'apply/q-scroll'; delta: number }
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

export const none = (state: WizardState): Update => ({ state, effects: [] });

export interface MenuItem {
  id: string;
  label: string;
  detail?: string;
  /** Why it cannot be chosen now. */
  disabled?: string;
}

export interface Choice<T extends string> {
  id: T;
  label: string;
}
