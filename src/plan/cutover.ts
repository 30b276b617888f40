/** Moving a wave of users between the peer and Zimbra. */
import type { Answers } from '../model/types.js';
import { lmtpTransport, smtpTransport } from '../zimbra/attrs.js';
import type { Observed } from './observed.js';
import { observedValues } from './observed.js';
import { PEERS, peerContext } from './peer/index.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep } from './step.js';
import { routingDomainSteps } from './common.js';

export function cutover(a: Answers, observed?: Observed): { steps: Step[]; notes: string[]; errors: string[]; warnings: string[] } {
  const c = a.cutover!;
  const peer = PEERS[a.peer.kind];
  // Made by setup too; here for a system set up by an older zsplit (unchanged when it exists).
  const routing = routingDomainSteps(a, observed);
  const steps: Step[] = [...routing.steps];
  const errors: string[] = [];
  const toZimbra = c.direction === 'to-zimbra';
  for (const user of c.users) {
    const account = { kind: 'account' as const, name: user };
    if (observedValues(observed, account, 'zimbraAccountStatus') === null) {
      errors.push(`${user} has no account on Zimbra: create its placeholder first (zsplit plan setup --role primary, or add it to --peer-accounts)`);
      continue;
    }
    // The transport must match the mail host Zimbra assigned, or later mail-host changes fail.
    const mailHost = observedValues(observed, account, 'zimbraMailHost')?.[0] ?? a.mailboxHost;
    const transport = toZimbra ? lmtpTransport(mailHost) : smtpTransport(a.peer.host, a.peer.port);
    steps.push(
      zmprovStep(
        { id: `cutover.transport:${user}`, title: `Deliver ${user} ${toZimbra ? `in Zimbra (${transport})` : `on ${a.peer.host}`}`, why: toZimbra ? 'Its mailbox now lives on Zimbra.' : 'Its mailbox lives on the peer again.', bulk: `wave:${c.wave}` },
        account,
        { op: 'set', attr: 'zimbraMailTransport', values: [transport] },
      ),
      zmprovStep(
        toZimbra
          ? { id: `cutover.status:${user}`, title: `Unlock ${user}`, why: 'The placeholder was locked so nobody logged in to an empty mailbox; now it is the real one.', bulk: `wave:${c.wave}`, onlyIf: ['locked'] }
          : { id: `cutover.status:${user}`, title: `Lock ${user} on Zimbra`, why: 'No login to the Zimbra mailbox while the user lives on the peer; mail is still accepted.', bulk: `wave:${c.wave}`, onlyIf: ['active'] },
        account,
        { op: 'set', attr: 'zimbraAccountStatus', values: [toZimbra ? 'active' : 'locked'] },
      ),
    );
  }
  const pc = peerContext(a, toZimbra ? c.users : []);
  const manual = toZimbra ? peer.routeUsersToZimbra(pc, c.users) : peer.routeUsersToPeer(pc, c.users);
  manual.forEach((m, i) => steps.push(manualStep(`peer.cutover.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  return { steps, errors, warnings: routing.warnings, notes: [`Wave ${c.wave}: ${c.users.length} user(s) ${toZimbra ? 'to Zimbra' : `to ${a.peer.host}`}.`] };
}
