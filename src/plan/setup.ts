/** First-time setup, for Zimbra as primary (authoritative) or secondary. */
import type { Answers } from '../model/types.js';
import { smtpTransport } from '../zimbra/attrs.js';
import type { Observed } from './observed.js';
import { dnsSteps, myNetworksSteps, relayHostSteps, reloadStep } from './mta.js';
import { PEERS, peerContext } from './peer/index.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep, zmprovStepsOf } from './step.js';
import { mxStep, otherMtaReloads, placeholderAttrs, placeholderCounts, placeholderWhys, routingDomainSteps, zimbraUsersOf } from './common.js';

export function setupSecondary(a: Answers, observed?: Observed): { steps: Step[]; notes: string[]; warnings: string[] } {
  const toPeer = smtpTransport(a.peer.host, a.peer.port);
  const peer = PEERS[a.peer.kind];
  const steps: Step[] = [];
  for (const d of a.domains) {
    const domain = { kind: 'domain' as const, name: d };
    steps.push(
      zmprovStep(
        { id: `domain.catchall:${d}`, title: `Catch all unknown addresses of ${d}`, why: 'Zimbra accepts every address of the domain instead of rejecting users it does not host.' },
        domain,
        { op: 'set', attr: 'zimbraMailCatchAllAddress', values: [`@${d}`] },
      ),
      zmprovStep(
        { id: `domain.catchall-forward:${d}`, title: `Keep the address unchanged when forwarding (@${d})`, why: 'Forwarding to @samedomain keeps the recipient as it is, so the peer sees the original address.' },
        domain,
        { op: 'set', attr: 'zimbraMailCatchAllForwardingAddress', values: [`@${d}`] },
      ),
      zmprovStep(
        { id: `domain.transport:${d}`, title: `Send mail for users Zimbra does not host to ${toPeer}`, why: 'The domain transport routes every address without an account of its own to the authoritative peer.' },
        domain,
        { op: 'set', attr: 'zimbraMailTransport', values: [toPeer] },
      ),
    );
  }
  const routing = routingDomainSteps(a, observed);
  steps.push(...routing.steps);
  const relay = relayHostSteps(a, observed, `[${a.peer.host}]:${a.peer.port}`);
  steps.push(...relay, ...dnsSteps(a, observed, true, relay.map((s) => s.id)), ...myNetworksSteps(a, observed, 'add'), reloadStep(a), ...otherMtaReloads(a));
  const c = peerContext(a, zimbraUsersOf(a, observed));
  peer.authoritative(c).forEach((m, i) => steps.push(manualStep(`peer.setup.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  steps.push(mxStep(a, 'peer'));
  return { steps, warnings: routing.warnings, notes: [`Zimbra is secondary: it delivers its own users and forwards every other address of ${a.domains.join(', ')} to ${a.peer.host}, which must reject unknown users.`] };
}

export function setupPrimary(a: Answers, observed?: Observed): { steps: Step[]; notes: string[]; warnings: string[] } {
  const toPeer = smtpTransport(a.peer.host, a.peer.port);
  const peer = PEERS[a.peer.kind];
  // The peer forwards the users a cutover moves to Zimbra through the routing subdomain.
  const routing = routingDomainSteps(a, observed);
  const steps: Step[] = [...routing.steps];
  // Every placeholder gets the same two changes: one change object each (changes are never
  // modified), and their steps made by one maker each. A display name makes its own create.
  // Several mailbox servers chosen: placeholders spread over them in turn, one template each.
  const hosts = a.placeholderHosts?.length ? a.placeholderHosts : [undefined];
  const createAttrsOf = hosts.map((h) => placeholderAttrs(a, h));
  const createStepOf = createAttrsOf.map((attrs) => zmprovStepsOf('account', { op: 'create', attrs }));
  const routeStep = zmprovStepsOf('account', { op: 'set', attr: 'zimbraMailTransport', values: [toPeer] });
  const toPeerTitle = ` to ${toPeer}`;
  const whys = placeholderWhys(a);
  // Indexed loops: a for-of allocates while the code is still cold, 100,000 times over.
  for (let i = 0; i < a.peerAccounts.length; i++) {
    const p = a.peerAccounts[i];
    const account = { kind: 'account' as const, name: p.address };
    const cls = p.class ?? 'user';
    const create = { id: `placeholder.create:${p.address}`, title: `Placeholder for ${cls === 'user' ? '' : `${cls} `}${p.address} (locked)`, why: whys[cls], bulk: 'placeholders' };
    steps.push(
      p.displayName ? zmprovStep(create, account, { op: 'create', attrs: [...createAttrsOf[i % hosts.length], ['displayName', p.displayName]] }) : createStepOf[i % hosts.length](create, account),
      routeStep(
        { id: `placeholder.transport:${p.address}`, title: `Route ${p.address}${toPeerTitle}`, why: 'A separate command, so the placeholder keeps its mail host and can later move to Zimbra.', bulk: 'placeholders' },
        account,
      ),
    );
    for (let j = 0; j < p.aliases.length; j++) {
      const alias = p.aliases[j];
      steps.push(
        zmprovStep(
          { id: `placeholder.alias:${alias}`, title: `Alias ${alias} on ${p.address}`, why: 'Aliases must exist on the authoritative side too, or mail to them is rejected.', bulk: 'placeholders' },
          account,
          { op: 'addAlias', alias },
        ),
      );
    }
  }
  steps.push(...myNetworksSteps(a, observed, 'add'));
  if (a.peer.ips.length) steps.push(reloadStep(a), ...otherMtaReloads(a));
  const c = peerContext(a, zimbraUsersOf(a, observed));
  peer.forwardUnknownToZimbra(c).forEach((m, i) => steps.push(manualStep(`peer.setup.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  steps.push(mxStep(a, 'zimbra'));
  return {
    steps,
    warnings: routing.warnings,
    notes: [
      `Zimbra is primary (authoritative): it knows every address and rejects unknown ones at RCPT TO.`,
      'No catch-all on the primary: it would forward unknown addresses to the peer, which forwards them back: a mail loop.',
      ...placeholderCounts(a),
    ],
  };
}
