/**
 * The wizard's menus, derived from the state: the reducers move and choose in them, the
 * screens draw the same lists. Pure.
 */
import type { Decision, Question } from '../apply/engine.js';
import { shortTime } from './format.js';
import type { Choice, MenuItem } from './msg.js';
import type { WizardState } from './state.js';
import { SCREEN_TITLE } from './state.js';

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
  const inv = s.accounts.loaded?.inventory;
  const sources = [...(s.fields.recipientSources ?? []), ...(s.fields.ldapSource ? [s.fields.ldapSource] : [])];
  const items: MenuItem[] = [
    { id: 'type', label: 'Type or paste addresses', detail: 'one per line: address [alias ...]' },
    { id: 'source', label: 'Load recipients from the peer', detail: 'Exchange CSV, Postfix map, Zimbra gaa/gadl output, a list' },
    { id: 'ldap', label: 'Read recipients live from LDAP / AD', detail: s.fields.ldapSource ? s.fields.ldapSource.url : 'password from a file or $VARIABLE' },
    { id: 'file', label: 'Read them from a file' },
    { id: 'live', label: 'Read live from Zimbra', detail: 'one zmprov -l gaa' },
  ];
  if (inv) items.push({ id: 'inventory', label: 'Show the recipients by class', detail: `${inv.recipients.length} from ${sources.length} source(s)${inv.errors.length ? `, ${inv.errors.length} problem(s)` : ''}` });
  if (bad) items.push({ id: 'drop', label: `Remove the ${bad} invalid or duplicate line(s)` });
  if (sum.lines) items.push({ id: 'edit', label: 'Remove single entries', detail: 'pick them one by one' });
  if (sum.lines || sources.length) items.push({ id: 'clear', label: sources.length ? 'Clear the list and the recipient sources' : 'Clear the list' });
  items.push({
    id: 'continue',
    label: `Continue with ${sum.accounts + (inv?.recipients.length ?? 0)} account(s)`,
    disabled: bad ? `fix or remove the ${bad} problem line(s) first` : inv?.errors.length ? `correct the ${inv.errors.length} problem(s) of the recipient sources first` : undefined,
  });
  return items;
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

/** The entries of the accounts list (no blank or comment lines), with their line index in the text. */
export function accountEntries(text: string): { index: number; text: string }[] {
  const out: { index: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((l, index) => {
    if (l.trim() && !l.trim().startsWith('#')) out.push({ index, text: l.trim() });
  });
  return out;
}

/** Where the accounts menu cursor goes: drop the bad lines, else continue, else type. */
export function preferredAccountsItem(s: WizardState): string {
  const sum = s.accounts.summary;
  return sum.invalid.length + sum.duplicates.length ? 'drop' : sum.lines || s.accounts.loaded ? 'continue' : 'type';
}
