/** Moving a wave of users between the peer and Zimbra. */
import type { Answers, RecipientClass } from '../model/types.js';
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
  const { users, notes: waveNotes } = waveAccounts(a);
  const classOf = new Map(a.peerAccounts.map((p) => [p.address.toLowerCase(), p.class ?? 'user']));
  const warnings = [...routing.warnings];
  for (const user of users) {
    const account = { kind: 'account' as const, name: user };
    if (observedValues(observed, account, 'zimbraAccountStatus') === null) {
      errors.push(`${user} has no account on Zimbra: create its placeholder first (zsplit plan setup --role primary, or add it to --peer-accounts)`);
      continue;
    }
    // Each account goes to its own mail host, read from the server: a domain spans several
    // mailbox servers, and a transport to another one fails delivery (and later mail-host moves).
    const observedHost = observedValues(observed, account, 'zimbraMailHost');
    if (toZimbra && observedHost !== undefined && observedHost !== null && observedHost.length === 0) {
      errors.push(`${user} has no zimbraMailHost on Zimbra, so zsplit cannot tell which mailbox server delivers it: give it one (zmprov ma ${user} zimbraMailHost <mailbox server>) and plan again`);
      continue;
    }
    const mailHost = observedHost?.[0] ?? a.mailboxHost;
    const transport = toZimbra ? lmtpTransport(mailHost) : smtpTransport(a.peer.host, a.peer.port);
    const cls = classOf.get(user.toLowerCase()) ?? 'user';
    const what = cls === 'user' ? user : `${cls} ${user}`;
    if (toZimbra && MOVES_AS_MAILBOX[cls] === false)
      warnings.push(`${what} is a ${cls} on the peer: moved, it becomes a Zimbra mailbox delivered by ${mailHost}, not a ${cls}; recreate it on Zimbra (a distribution list: zmprov cdl) if its members must get the mail`);
    steps.push(
      zmprovStep(
        { id: `cutover.transport:${user}`, title: `Deliver ${what} ${toZimbra ? `in Zimbra (${transport})` : `on ${a.peer.host}`}`, why: toZimbra ? `Its mailbox now lives on Zimbra, on its own mail host ${mailHost}.` : 'Its mailbox lives on the peer again.', bulk: `wave:${c.wave}` },
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
    if (toZimbra)
      steps.push(
        zmprovStep(
          { id: `cutover.gal:${user}`, title: `Show ${user} in the GAL`, why: 'Its placeholder was hidden from the GAL (zimbraHideInGal TRUE); a real Zimbra mailbox belongs in the address book. Only when it is hidden.', bulk: `wave:${c.wave}`, onlyIf: ['TRUE'] },
          account,
          { op: 'set', attr: 'zimbraHideInGal', values: [] },
        ),
      );
    else if (!a.placeholdersInGal)
      steps.push(
        zmprovStep(
          { id: `cutover.gal:${user}`, title: `Hide ${user} from the GAL`, why: 'It is a locked placeholder again: the peer\'s address book lists the real one (--placeholders-in-gal keeps it listed).', bulk: `wave:${c.wave}` },
          account,
          { op: 'set', attr: 'zimbraHideInGal', values: ['TRUE'] },
        ),
      );
  }
  const pc = peerContext(a, toZimbra ? users : []);
  const manual = toZimbra ? peer.routeUsersToZimbra(pc, users) : peer.routeUsersToPeer(pc, users);
  manual.forEach((m, i) => steps.push(manualStep(`peer.cutover.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  return { steps, errors, warnings, notes: [`Wave ${c.wave}: ${users.length} recipient(s) ${toZimbra ? 'to Zimbra' : `to ${a.peer.host}`}.`, ...waveNotes] };
}

/** Classes whose peer object is not a mailbox: moved to Zimbra they become one (a warning says so). */
const MOVES_AS_MAILBOX: Partial<Record<RecipientClass, boolean>> = { list: false, group: false, contact: false, mailuser: false, alias: false };

/**
 * The accounts a wave moves: an address listed that is an alias of a known recipient moves
 * with its owner (the owner's account carries every alias), never as an account of its own.
 */
export function waveAccounts(a: Answers): { users: string[]; notes: string[] } {
  const ownerOf = new Map<string, string>();
  for (const p of a.peerAccounts) for (const alias of p.aliases) ownerOf.set(alias.toLowerCase(), p.address);
  const users: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const u of a.cutover?.users ?? []) {
    const owner = ownerOf.get(u.toLowerCase());
    const account = owner ?? u;
    if (owner) notes.push(`${u} is an alias of ${owner}: it moves with ${owner}, with all its addresses.`);
    if (seen.has(account.toLowerCase())) continue;
    seen.add(account.toLowerCase());
    users.push(account);
  }
  return { users, notes };
}
