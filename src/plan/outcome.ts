/**
 * What a run's results mean for the operator, computed once for the wizard and the headless
 * commands: the counts, what was skipped, which manual (peer-side) steps are due now (the Zimbra
 * steps they depend on were applied) and which must wait, and what to undo by hand on a rollback.
 * Pure.
 */
import type { Answers, Job } from '../model/types.js';
import { PEERS, peerContext } from './peer/index.js';
import type { Plan, Step } from './step.js';
import { manualStep } from './step.js';

/** A step's result (the journal's StepStatus). */
export type Status = 'applied' | 'unchanged' | 'skipped' | 'not-applicable' | 'failed' | 'manual';
export type Counts = Record<Status, number>;

/** A dependency naming every step of a bulk group (a placeholders batch of 100,000 steps is one entry). */
const BULK = 'bulk:';

/**
 * Gives each manual step the Zimbra steps it depends on: every zmprov and reload step before it
 * (a peer that routes to Zimbra needs Zimbra to accept that mail first; the MX change comes after
 * everything). Consecutive steps of one bulk group are named once, as `bulk:<key>`.
 */
export function withManualDependencies(steps: Step[]): Step[] {
  const before: string[] = [];
  let lastBulk: string | undefined;
  return steps.map((s) => {
    if (s.kind === 'manual') return s.dependsOn ? s : { ...s, dependsOn: [...before] };
    if (s.bulk) {
      if (s.bulk !== lastBulk && !before.includes(BULK + s.bulk)) before.push(BULK + s.bulk);
      lastBulk = s.bulk;
    } else {
      before.push(s.id);
      lastBulk = undefined;
    }
    return s;
  });
}

/** Statuses that leave a step's effect in place (or make it needless). */
const SATISFIED: ReadonlySet<Status | undefined> = new Set<Status | undefined>(['applied', 'unchanged', 'not-applicable']);

export interface ManualDue {
  step: Step;
  /** The dependencies in words ("Placeholder ... (1000 steps)", a step's title). */
  after: string[];
}

export interface ManualHeld {
  step: Step;
  /** The dependencies not applied (a skipped, failed or never-run step), in words. */
  missing: string[];
}

export interface Outcome {
  counts: Counts;
  /** Steps never reached (the run stopped or failed before them). */
  notRun: number;
  /** Steps the operator skipped, or that were skipped because a step they need was not applied. */
  skipped: Step[];
  /** Manual steps to do now: every Zimbra step they depend on is in place. */
  manualDue: ManualDue[];
  /** Manual steps that must NOT be done yet (doing them would loop or lose mail). */
  manualHeld: ManualHeld[];
}

export function emptyCounts(): Counts {
  return { applied: 0, unchanged: 0, skipped: 0, 'not-applicable': 0, failed: 0, manual: 0 };
}

/** The counts of a run from its step results. */
export function countStatuses(statuses: Iterable<Status>): Counts {
  const c = emptyCounts();
  for (const s of statuses) c[s]++;
  return c;
}

/**
 * One wording of the counts for every screen and command. "skipped" is what the operator skipped
 * (or what could not run without a skipped step); steps that did not apply (e.g. unlock an account
 * that is not locked) are counted apart, when there are any.
 */
export function countsText(c: Counts): string {
  return `${c.applied} applied, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed, ${c.manual} manual${c['not-applicable'] ? `, ${c['not-applicable']} not applicable` : ''}`;
}

export function outcomeOf(steps: Step[], statusOf: (id: string) => Status | undefined): Outcome {
  const counts = emptyCounts();
  let notRun = 0;
  const skipped: Step[] = [];
  const groups = new Map<string, Step[]>();
  for (const s of steps) {
    const st = statusOf(s.id);
    if (st === undefined) notRun++;
    else counts[st]++;
    if (st === 'skipped') skipped.push(s);
    if (s.bulk) (groups.get(s.bulk) ?? groups.set(s.bulk, []).get(s.bulk)!).push(s);
  }
  // Built on first use: most plans name only bulk groups as dependencies.
  let byId: Map<string, Step> | undefined;
  const words = (dep: string, group?: Step[]): string => {
    if (dep.startsWith(BULK)) return `${group?.[0]?.title ?? dep.slice(BULK.length)}${group && group.length > 1 ? ` and the rest of that batch (${group.length} steps)` : ''}`;
    byId ??= new Map(steps.map((s) => [s.id, s]));
    return byId.get(dep)?.title ?? dep;
  };
  const manualDue: ManualDue[] = [];
  const manualHeld: ManualHeld[] = [];
  for (const s of steps) {
    if (s.kind !== 'manual') continue;
    const deps = s.dependsOn ?? [];
    const missing: string[] = [];
    for (const d of deps) {
      if (d.startsWith(BULK)) {
        const g = groups.get(d.slice(BULK.length)) ?? [];
        const notDone = g.filter((x) => !SATISFIED.has(statusOf(x.id)));
        if (notDone.length) missing.push(notDone.length === 1 ? notDone[0].title : `${notDone[0].title} and ${notDone.length - 1} more of that batch`);
      } else if (!SATISFIED.has(statusOf(d))) missing.push(words(d));
    }
    if (missing.length) manualHeld.push({ step: s, missing });
    else manualDue.push({ step: s, after: deps.map((d) => words(d, d.startsWith(BULK) ? groups.get(d.slice(BULK.length)) : undefined)) });
  }
  return { counts, notRun, skipped, manualDue, manualHeld };
}

/** The headline word of a finished run, never a bare COMPLETED when something was skipped. */
export function outcomeHeadline(status: 'completed' | 'failed' | 'stopped' | 'rollback-requested', o: Outcome): string {
  const base = status === 'rollback-requested' ? 'STOPPED (rollback requested)' : status.toUpperCase();
  if (status === 'completed' && o.skipped.length) return `${base} WITH ${o.skipped.length} STEP(S) SKIPPED`;
  return base;
}

/**
 * The peer-side steps to undo by hand when a run of `p` is rolled back, in the order to do them
 * (the reverse of the plan, and before zsplit's own rollback: the peer must stop routing to Zimbra
 * before Zimbra stops accepting). Only manual steps that were due (the operator may have done them).
 */
export function manualUndoSteps(p: Plan, statusOf: (id: string) => Status | undefined): Step[] {
  const due = new Set(outcomeOf(p.steps, statusOf).manualDue.map((m) => m.step.id));
  const done = p.steps.filter((s) => s.kind === 'manual' && due.has(s.id));
  const out: Step[] = [];
  let peerUndone = false;
  for (const s of done.reverse()) {
    // The peer's inverse covers all its steps of the plan: listed once.
    if (s.where === 'peer' && peerUndone) continue;
    const undo = inverseManual(p.job, p.answers, s);
    if (undo) out.push(undo);
    if (undo && s.where === 'peer') peerUndone = true;
  }
  return out;
}

/** The hand-made inverse of one manual step, or undefined when there is nothing to undo. */
function inverseManual(job: Job, a: Answers, s: Step): Step | undefined {
  const peer = PEERS[a.peer.kind];
  const mk = (title: string, why: string, commands: string[], system = s.manual!.system) => manualStep(`undo:${s.id}`, s.where, system, title, why, commands);
  if (s.id === 'dns.mx') {
    if (!s.title.startsWith('Point')) return undefined; // "Keep the MX": nothing changed
    const back = a.peer.host;
    return mk(`Point the MX of ${a.domains.join(', ')} back at ${back} (FIRST)`, 'If you already changed it: mail must enter at the peer again before Zimbra stops being authoritative.', a.domains.map((d) => `${d}. IN MX 10 ${back}.   ; check: dig +short MX ${d}`), 'DNS');
  }
  if (s.where !== 'peer') return undefined;
  const c = peerContext(a, a.cutover?.users ?? []);
  const only = (list: { title: string; why: string; commands: string[] }[]) => list.map((m) => mk(`Undo: ${m.title}`, `Undoes "${s.title}" on ${peer.system}. ${m.why}`, m.commands));
  let inv: Step[] = [];
  if (job === 'cutover' && a.cutover) inv = only(a.cutover.direction === 'to-zimbra' ? peer.routeUsersToPeer(c, a.cutover.users) : peer.routeUsersToZimbra(c, a.cutover.users));
  else if (job === 'setup') inv = only(peer.unsplit(c));
  else if (job === 'unsplit') inv = only(a.role === 'primary' ? peer.forwardUnknownToZimbra(c) : peer.authoritative(c));
  if (inv.length === 0) return undefined;
  return { ...inv[0], manual: { system: inv[0].manual!.system, commands: inv.flatMap((x) => x.manual!.commands) } };
}
