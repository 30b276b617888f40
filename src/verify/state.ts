/**
 * The directory states `zsplit trace` and `zsplit verify` route through: what Zimbra holds now
 * (observed, or an "empty-ish" stand-in when offline) and the planned after-state (the plan
 * applied to it), with the peer behaviour zsplit's peer steps ask for. Pure.
 */
import type { FlowInput, MxTarget, PeerBehaviour, PeerMode } from '../flow/index.js';
import { expectedPeerBehaviour, zimbraUserAddresses } from '../flow/index.js';
import type { Answers, Job } from '../model/types.js';
import { directoryFromObserved, observedOf, offlineObserved } from '../plan/flowcheck.js';
export { observedOf, offlineObserved };
import { plan } from '../plan/index.js';
import type { Observed, Plan, Step } from '../plan/index.js';
import { applyChange, applyPlanToModel, cloneDirectory, readValues, type Directory } from '../plan/model.js';
import { isSatisfied } from '../plan/step.js';
import { changedAttr } from '../zimbra/commands.js';

export interface FlowState {
  job: Job;
  answers: Answers;
  plan: Plan;
  /** What Zimbra holds now (as far as it was read). */
  before: Directory;
  /** The plan applied to `before`. */
  after: Directory;
  /** zmprov steps that would still change something: not applied (yet), or undone since. */
  pending: Step[];
  peer: PeerBehaviour;
  /** Where the shared domain's MX points (or will, once the plan's last manual step is done). */
  mx: MxTarget;
  /** A flow-model input for a directory (and, to probe one MTA, an MX override). */
  input(dir: Directory, mx?: MxTarget): FlowInput;
}

/** Cutover and unsplit run with the MX where setup left it: on the authoritative side. */
export function mxFor(job: Job, answers: Answers): MxTarget {
  if (job === 'unsplit') return 'zimbra';
  return answers.role === 'primary' ? 'zimbra' : 'peer';
}

export function flowState(job: Job, answers: Answers, observed: Observed, opts: { peerMode?: PeerMode } = {}): FlowState {
  const p = plan(job, answers, observed);
  const before = directoryFromObserved(answers, observed);
  const { after } = applyPlanToModel(before, p.steps);
  const pending = pendingSteps(before, p.steps);
  const peer = expectedPeerBehaviour(answers, zimbraUserAddresses(after, answers.domains));
  if (opts.peerMode) peer.mode = opts.peerMode;
  const mx = mxFor(job, answers);
  const inputs = new WeakMap<Directory, Map<MxTarget, FlowInput>>();
  return {
    job,
    answers,
    plan: p,
    before,
    after,
    pending,
    peer,
    mx,
    input: (dir, m) => {
      // One input object per directory and MX: the flow model is compiled once per input (route's
      // cache), not once per address and entry point (18 compiles of 100,000 accounts in verify --post).
      const target = m ?? mx;
      const byMx = inputs.get(dir) ?? new Map<MxTarget, FlowInput>();
      inputs.set(dir, byMx);
      let x = byMx.get(target);
      if (!x) byMx.set(target, (x = { answers, zimbra: dir, peer, mx: target }));
      return x;
    },
  };
}

/** The zmprov steps of `steps` that are not satisfied by `before` (in order, each applied to the next). */
export function pendingSteps(before: Directory, steps: Step[]): Step[] {
  const d = cloneDirectory(before);
  const out: Step[] = [];
  for (const s of steps) {
    if (s.kind !== 'zmprov' || !s.entry || !s.change) continue;
    const current = readValues(d, s.entry, changedAttr(s.change, s.entry.kind));
    if (s.onlyIf && !(current && s.onlyIf.includes(current[0]))) continue;
    if (isSatisfied(s.change, current)) continue;
    out.push(s);
    try {
      applyChange(d, s.entry, s.change);
    } catch {
      // the entry is missing: the step would fail; it stays pending
    }
  }
  return out;
}

