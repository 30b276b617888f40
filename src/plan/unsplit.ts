/** The migration is over: remove the split configuration. */
import type { Answers } from '../model/types.js';
import type { Observed } from './observed.js';
import { accountsRoutedTo } from './observed.js';
import { dnsSteps, myNetworksSteps, priorValues, priorWhy, relayHostSteps, reloadStep, splitDomainCheckSteps } from './mta.js';
import { PEERS, peerContext } from './peer/index.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep } from './step.js';
import { mxStep, otherMtaReloads, routingDomainRemoval } from './common.js';

export function unsplit(a: Answers, observed?: Observed): { steps: Step[]; notes: string[]; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const routed = accountsRoutedTo(observed, a.peer.host);
  if (!observed?.accounts) warnings.push(`Not checked: accounts still routed to ${a.peer.host} (plan against the server, or apply, to check).`);
  else if (routed.length) {
    const msg = `${routed.length} account(s) are still routed to ${a.peer.host}: ${routed.slice(0, 20).join(', ')}${routed.length > 20 ? ', ...' : ''}. Move them first (zsplit cutover) or pass --force.`;
    (a.force ? warnings : errors).push(msg);
  }
  const steps: Step[] = [];
  if (a.role === 'secondary') {
    for (const d of a.domains) {
      const domain = { kind: 'domain' as const, name: d };
      // Back to what setup found when its journal says (a transport or catch-all of the domain's own), else unset.
      const back = (attr: string, why: string) => {
        const prior = priorValues(a, domain, attr);
        return { values: prior ?? [], why: prior?.length ? `${why} Restored to ${prior.join(', ')}: ${priorWhy(a)}.` : why };
      };
      const catchAll = back('zimbraMailCatchAllAddress', 'Zimbra is the only system now: unknown users must be rejected, not forwarded.');
      const forward = back('zimbraMailCatchAllForwardingAddress', 'It only served the split.');
      const transport = back('zimbraMailTransport', 'No address of the domain goes to the peer any more.');
      steps.push(
        zmprovStep({ id: `domain.catchall:${d}`, title: `Stop catching unknown addresses of ${d}`, why: catchAll.why }, domain, { op: 'set', attr: 'zimbraMailCatchAllAddress', values: catchAll.values }),
        zmprovStep({ id: `domain.catchall-forward:${d}`, title: `Remove the catch-all forwarding of ${d}`, why: forward.why }, domain, { op: 'set', attr: 'zimbraMailCatchAllForwardingAddress', values: forward.values }),
        zmprovStep({ id: `domain.transport:${d}`, title: `Remove the domain transport of ${d}`, why: transport.why }, domain, { op: 'set', attr: 'zimbraMailTransport', values: transport.values }),
      );
    }
    steps.push(...relayHostSteps(a, observed, null), ...dnsSteps(a, observed, false), ...splitDomainCheckSteps(a, observed, 'remove'));
  }
  steps.push(...myNetworksSteps(a, observed, 'remove'));
  if (steps.some((s) => s.reload)) steps.push(reloadStep(a), ...otherMtaReloads(a));
  const peer = PEERS[a.peer.kind];
  peer.unsplit(peerContext(a)).forEach((m, i) => steps.push(manualStep(`peer.unsplit.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  steps.push(...routingDomainRemoval(a));
  if (a.role === 'secondary') steps.push(mxStep(a, 'zimbra'));
  const notes = ['Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.'];
  if (a.prior) notes.push(`Values setup changed go back to what its journal recorded before it (${a.prior.runs.join(', ')}).`);
  else if (a.role === 'secondary') notes.push('No journal of the setup run was found: MX lookups go back on (enabled/TRUE) and the relay host is removed; check that this is what was there before.');
  return { steps, errors, warnings, notes };
}
