/**
 * Moving between screens (enter, forward, back, home, exit), starting the engine, scrolling:
 * shared by the screen reducers. Pure; never imports a screen module.
 */
import { domainsOf, HOST_FIELDS, hostErrors, summarizeAccounts } from './fields.js';
import type { Move } from './list.js';
import { accountsItems, firstEnabled, preferredAccountsItem } from './menus.js';
import type { Effect, Update } from './msg.js';
import { none } from './msg.js';
import type { ApplySource, ApplyState, ScreenId, WizardState } from './state.js';
import { EMPTY_LIST, emptyCounts, flowPath } from './state.js';
import type { Job } from '../model/types.js';

export function enter(s: WizardState, screen: ScreenId): Update {
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
      const { path, sourceFormat, loaded } = st.accounts;
      st = { ...st, accounts: { mode: 'menu', cursor: 0, entry: { cursor: 0, top: 0 }, draft: '', path, sourceFormat, loaded, summary } };
      // Sources (saved as path and format) are read again: the files or the domain may have changed.
      const sources = st.fields.recipientSources ?? [];
      const ldap = st.fields.ldapSource;
      if (sources.length || ldap) {
        st = { ...st, accounts: { ...st.accounts, loaded: undefined, busy: `Reading ${sources.length + (ldap ? 1 : 0)} recipient source(s)` } };
        effects.push({ type: 'read-recipient-sources', sources, ldap, show: false });
      }
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
export function forward(s: WizardState, screen: ScreenId): Update {
  const saveable = ['role', 'hosts', 'accounts', 'cutover', 'unsplit'].includes(s.screen);
  const u = enter({ ...s, history: [...s.history, s.screen] }, screen);
  if (saveable) u.effects.unshift({ type: 'save' });
  return u;
}

export function nextScreen(s: WizardState): ScreenId | undefined {
  const path = flowPath(s.task, s.fields.role);
  const i = path.indexOf(s.screen);
  return i >= 0 ? path[i + 1] : undefined;
}

export function back(s: WizardState): Update {
  if (s.history.length === 0) return none(s);
  const history = s.history.slice(0, -1);
  const screen = s.history[s.history.length - 1];
  // Going back never re-runs what the screen read (the review and preview stay as they were).
  return none({ ...s, history, screen });
}

export function home(s: WizardState): Update {
  return enter({ ...s, history: [], apply: undefined, failure: undefined, ctrlC: 0 }, 'start');
}

export function exit(s: WizardState, code: number, message?: string): Update {
  return { state: { ...s, exit: { code, message } }, effects: [{ type: 'exit', code }] };
}

export function newApply(source: ApplySource, job: Job, phase: ApplyState['phase'], mode: 'step' | 'all' = 'step'): ApplyState {
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

export function runApply(s: WizardState, source: ApplySource, job: Job, mode: 'step' | 'all', extra: { autoYes?: string[]; autoSkip?: string[] } = {}): Update {
  const apply = newApply(source, job, 'running', mode);
  return { state: { ...s, screen: 'apply', apply, ctrlC: 0 }, effects: [{ type: 'apply', source, mode, ...extra }] };
}

/** A scroll offset moved and kept within [0, max]. */
export function scrolled(top: number, move: Move, max: number | undefined): number {
  const limit = max ?? Number.MAX_SAFE_INTEGER;
  const cur = Math.min(top, limit);
  const t = move === 'home' ? 0 : move === 'end' ? limit : cur + move;
  return Math.max(0, Math.min(limit, t));
}

/** q: asks first while applying, else exits (1 from the failure screen, the run left as it is). */
export function quit(s: WizardState): Update {
  const a = s.apply;
  if (s.screen === 'apply' && a?.phase === 'running') return none({ ...s, apply: { ...a, confirmQuit: true } });
  const msg = s.failure && s.screen === 'failure' ? `zsplit: run ${s.failure.summary.runId} failed and was left as it is; run zsplit again to retry, resume or roll back it.` : undefined;
  return exit(s, s.screen === 'failure' ? 1 : 0, msg);
}

/** The domain "apply all" on a real target asks to be typed. */
export function applyDomain(s: WizardState): string {
  const p = s.apply?.source.plan;
  return p?.answers.domains[0] ?? domainsOf(s.fields)[0] ?? '';
}
