/** The migration is over: remove the split configuration. */
import type { Answers } from '../model/types.js';
import type { Observed } from './observed.js';
import { accountsRoutedTo } from './observed.js';
import { dnsSteps, myNetworksSteps, relayHostSteps, reloadStep } from './mta.js';
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
      steps.push(
        zmprovStep({ id: `domain.catchall:${d}`, title: `Stop catching unknown addresses of ${d}`, why: 'Zimbra is the only system now: unknown users must be rejected, not forwarded.' }, domain, { op: 'set', attr: 'zimbraMailCatchAllAddress', values: [] }),
        zmprovStep({ id: `domain.catchall-forward:${d}`, title: `Remove the catch-all forwarding of ${d}`, why: 'It only served the split.' }, domain, { op: 'set', attr: 'zimbraMailCatchAllForwardingAddress', values: [] }),
        zmprovStep({ id: `domain.transport:${d}`, title: `Remove the domain transport of ${d}`, why: 'No address of the domain goes to the peer any more.' }, domain, { op: 'set', attr: 'zimbraMailTransport', values: [] }),
      );
    }
    steps.push(...relayHostSteps(a, observed, null), ...dnsSteps(a, observed, false));
  }
  steps.push(...myNetworksSteps(a, observed, 'remove'));
  if (steps.some((s) => s.reload)) steps.push(reloadStep(a), ...otherMtaReloads(a));
  const peer = PEERS[a.peer.kind];
  peer.unsplit(peerContext(a)).forEach((m, i) => steps.push(manualStep(`peer.unsplit.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  steps.push(...routingDomainRemoval(a));
  if (a.role === 'secondary') steps.push(mxStep(a, 'zimbra'));
  return { steps, errors, warnings, notes: ['Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.'] };
}
