/**
 * A plan's effect on mail flow: the planned after-state (observed state + the plan's
 * changes) routed through the flow model for every address class. Pure.
 */
import type { Answers } from '../model/types.js';
import type { PeerMode, PlanCheck } from '../flow/index.js';
import { checkPlan, expectedPeerBehaviour, zimbraUserAddresses } from '../flow/index.js';
import { entryKey } from '../zimbra/commands.js';
import type { Directory } from './model.js';
import { applyPlanToModel } from './model.js';
import type { Observed } from './observed.js';
import type { Plan } from './step.js';

/** The directory as far as zsplit has read it: gaa listing, probed entries, config and servers. */
export function directoryFromObserved(a: Answers, observed?: Observed): Directory {
  const d: Directory = { config: {}, servers: {}, domains: {}, accounts: {} };
  for (const acc of observed?.accounts ?? []) d.accounts[acc.name.toLowerCase()] = structuredClone(acc.attrs);
  const e = observed?.entries ?? {};
  d.config = structuredClone(e[entryKey({ kind: 'config', name: '' })] ?? {});
  for (const h of a.zimbraHosts) d.servers[h] = structuredClone(e[entryKey({ kind: 'server', name: h })] ?? {});
  for (const dom of a.domains) d.domains[dom] = { zimbraMailStatus: ['enabled'], ...structuredClone(e[entryKey({ kind: 'domain', name: dom })] ?? {}) };
  for (const [key, attrs] of Object.entries(e)) {
    if (!key.startsWith('account:') || attrs === null) continue;
    const name = key.slice('account:'.length);
    // A probe reads only some attributes; an account it found is a real mailbox unless it says otherwise.
    d.accounts[name] ??= { zimbraMailDeliveryAddress: [name], zimbraMailStatus: ['enabled'], zimbraMailTransport: [`lmtp:${a.mailboxHost}:7025`] };
    Object.assign(d.accounts[name], structuredClone(attrs));
  }
  return d;
}

export interface FlowCheckOptions {
  /** What the peer really does with unknown users, when it is not what zsplit's peer steps ask for. */
  peerMode?: PeerMode;
}

export function planFlowCheck(p: Plan, observed?: Observed, opts: FlowCheckOptions = {}): PlanCheck {
  const before = directoryFromObserved(p.answers, observed);
  const { after } = applyPlanToModel(before, p.steps);
  const peer = expectedPeerBehaviour(p.answers, zimbraUserAddresses(after, p.answers.domains));
  if (opts.peerMode) peer.mode = opts.peerMode;
  // Cutover and unsplit run with the MX where setup left it: on the authoritative side.
  const mx = p.job === 'unsplit' ? 'zimbra' : p.answers.role === 'primary' ? 'zimbra' : 'peer';
  return checkPlan({ answers: p.answers, zimbra: after, peer, mx });
}
