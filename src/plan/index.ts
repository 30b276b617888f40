/** plan(job, answers, observed?) -> ordered steps. Pure: no I/O. */
import { crypto } from '../model/crypto.js';
import type { Answers, Job } from '../model/types.js';
import type { Entry } from '../zimbra/commands.js';
import { changeArgv, entryKey } from '../zimbra/commands.js';
import type { Observed } from './observed.js';
import { observedValues } from './observed.js';
import type { Plan, Step } from './step.js';
import { inverseChange, showValues, valuesAfter } from './step.js';
import { setupPrimary, setupSecondary } from './setup.js';
import { cutover } from './cutover.js';
import { unsplit } from './unsplit.js';
import { withManualDependencies } from './outcome.js';
import { CLASSIFY_ATTRS } from '../zimbra/placeholder.js';

export class PlanRefused extends Error {
  constructor(public readonly reasons: string[]) {
    super(reasons.join('\n'));
  }
}

export interface PlanOptions {
  /**
   * Accounts an interrupted run of this plan created itself (its journal has their create
   * intent): half-made placeholders (locked, not yet routed), not live mailboxes.
   */
  createdByRun?: ReadonlySet<string>;
}

export function plan(job: Job, answers: Answers, observed?: Observed, opts: PlanOptions = {}): Plan {
  let built: { steps: Step[]; notes: string[]; errors?: string[]; warnings?: string[] };
  if (job === 'setup') built = answers.role === 'primary' ? setupPrimary(answers, observed, opts.createdByRun) : setupSecondary(answers, observed);
  else if (job === 'cutover') {
    if (!answers.cutover) throw new PlanRefused(['a cutover needs --users']);
    built = cutover(answers, observed);
  } else built = unsplit(answers, observed);
  if (built.errors?.length) throw new PlanRefused(built.errors);
  const steps = withManualDependencies(observed ? built.steps.map((s) => withObserved(s, observed)) : built.steps);
  return { schema: 1, job, answers, steps, warnings: built.warnings ?? [], notes: built.notes, observed: Boolean(observed) };
}

/** Fills before, desired and inverse from what the server holds now. */
export function withObserved(step: Step, observed: Observed): Step {
  if (step.kind !== 'zmprov' || !step.entry || !step.change || !step.probe) return step;
  const before = observedValues(observed, step.entry, step.probe.attr);
  if (before === undefined) return step;
  return { ...step, ...stepValues(step, before) };
}

/** before/desired/inverse of a step for a given before-value (the engine calls this with what it probed). */
export function stepValues(step: Step, before: string[] | null): Pick<Step, 'before' | 'desired' | 'inverse'> {
  const change = step.change!;
  const inv = change.op === 'delete' ? null : inverseChange(change, before);
  return { before, desired: showValues(valuesAfter(change, before, step.entry!.kind)), inverse: inv ? changeArgv(step.entry!, inv) : null };
}

/** What a probe of a domain the plan creates reads besides its existence. */
const DOMAIN_CREATE_PROBE = ['zimbraMailStatus', 'zimbraMailCatchAllAddress', 'zimbraMailCatchAllForwardingAddress', 'zimbraMailTransport'];

export interface ProbeRequest {
  entry: Entry;
  attrs: string[];
}

/**
 * Every probe a plan needs, one request per entry (so one batch line per entry),
 * plus the context the planner reads (global and server mynetworks / relay host, mail hosts).
 */
export function probeRequests(steps: Step[], answers: Answers, job: Job): ProbeRequest[] {
  const byKey = new Map<string, ProbeRequest>();
  const want = (entry: Entry, attr: string) => {
    const key = entryKey(entry);
    const req = byKey.get(key) ?? { entry, attrs: [] };
    if (!req.attrs.includes(attr)) req.attrs.push(attr);
    byKey.set(key, req);
  };
  const config: Entry = { kind: 'config', name: '' };
  for (const attr of ['zimbraMtaMyNetworks', 'zimbraMtaRelayHost', 'zimbraMtaSmtpDnsSupportLevel', 'zimbraMtaDnsLookupsEnabled']) {
    want(config, attr);
    for (const name of answers.zimbraHosts) want({ kind: 'server', name }, attr);
  }
  for (const s of steps) {
    if (s.kind !== 'zmprov' || !s.entry || !s.probe) continue;
    want(s.entry, s.probe.attr);
    if (s.entry.kind === 'account') {
      want(s.entry, 'zimbraAccountStatus');
      // An account the plan creates may exist: placeholder or live mailbox (classifyAccount)?
      if (s.change?.op === 'create') for (const attr of CLASSIFY_ATTRS) want(s.entry, attr);
      // An alias the plan adds may already be an address of another account (a live mailbox?).
      if (s.change?.op === 'addAlias') for (const attr of CLASSIFY_ATTRS) want({ kind: 'account', name: s.change.alias }, attr);
      if (job === 'cutover') want(s.entry, 'zimbraMailHost');
    } else if (s.entry.kind === 'domain' && s.change?.op === 'create') {
      // A domain the plan creates may exist already (the step is then unchanged): the flow
      // check routes through what it holds, so read how it routes too.
      for (const attr of DOMAIN_CREATE_PROBE) want(s.entry, attr);
    }
  }
  return [...byKey.values()];
}

/** A stable fingerprint of what a plan will run and of the before-values it assumed. */
export function planHash(p: Plan): string {
  const h = crypto().createHash('sha256');
  h.update(JSON.stringify({ job: p.job, answers: p.answers }));
  // The same bytes as one update per step, fed in chunks (an update per step costs more than its JSON).
  let chunk = '';
  for (const s of p.steps) {
    chunk += JSON.stringify([s.id, s.argv ?? s.reloadArgv ?? s.manual?.commands, s.before]);
    if (chunk.length > 65536) {
      h.update(chunk);
      chunk = '';
    }
  }
  h.update(chunk);
  return h.digest('hex').slice(0, 16);
}

export type { Plan, Step } from './step.js';
export type { Observed } from './observed.js';
export { listCheckAddresses } from './setup.js';
