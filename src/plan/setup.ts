/** First-time setup, for Zimbra as primary (authoritative) or secondary. */
import type { Answers, Job } from '../model/types.js';
import { smtpTransport } from '../zimbra/attrs.js';
import type { Observed } from './observed.js';
import { dnsSteps, myNetworksSteps, myNetworksWarnings, relayHostSteps, reloadStep, splitDomainCheckSafe, splitDomainCheckSteps } from './mta.js';
import { PEERS, peerContext } from './peer/index.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep, zmprovStepsOf } from './step.js';
import { classifyAccount, reachesLiveMailbox } from '../zimbra/placeholder.js';
import { entryKey } from '../zimbra/commands.js';
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
  steps.push(...relay, ...dnsSteps(a, observed, true, relay.map((s) => s.id)), ...myNetworksSteps(a, observed, 'add'));
  if (splitDomainCheckSafe(a)) steps.push(...splitDomainCheckSteps(a, observed, 'add'));
  steps.push(reloadStep(a), ...otherMtaReloads(a));
  const c = peerContext(a, zimbraUsersOf(a, observed));
  peer.authoritative(c).forEach((m, i) => steps.push(manualStep(`peer.setup.${i + 1}`, 'peer', peer.system, m.title, m.why, m.commands)));
  steps.push(mxStep(a, 'peer'));
  const notes = [`Zimbra is secondary: it delivers its own users and forwards every other address of ${a.domains.join(', ')} to ${a.peer.host}, which must reject unknown users.`];
  if (!splitDomainCheckSafe(a))
    notes.push(`No split-domain recipient check: ${a.peer.host} sends Zimbra's users as user@zimbra-route.<domain>, which that check does not know; with --peer-ip (the peer in mynetworks) zsplit adds it.`);
  return { steps, warnings: [...routing.warnings, ...myNetworksWarnings(a)], notes };
}

export function setupPrimary(a: Answers, observed?: Observed, createdByRun?: ReadonlySet<string>): { steps: Step[]; notes: string[]; warnings: string[]; errors: string[] } {
  const errors = liveMailboxErrors(a, observed, createdByRun);
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
    errors,
    warnings: [...routing.warnings, ...myNetworksWarnings(a)],
    notes: [
      `Zimbra is primary (authoritative): it knows every address and rejects unknown ones at RCPT TO.`,
      'No catch-all on the primary: it would forward unknown addresses to the peer, which forwards them back: a mail loop.',
      ...placeholderCounts(a),
    ],
  };
}

/**
 * A placeholder for an address that is a live Zimbra mailbox (or an alias of one) would route
 * its mail to the peer: the mailbox silently stops receiving. Refused before anything runs.
 */
function liveMailboxErrors(a: Answers, observed: Observed | undefined, createdByRun?: ReadonlySet<string>): string[] {
  if (!observed) return [];
  const live: string[] = [];
  for (const p of a.peerAccounts) {
    const key = entryKey({ kind: 'account', name: p.address });
    if (key in observed.entries && !createdByRun?.has(p.address.toLowerCase())) {
      const c = classifyAccount(p.address, observed.entries[key]);
      if (reachesLiveMailbox(c)) live.push(`${p.address} (${c.kind === 'alias' ? `an alias of ${c.of}` : c.kind === 'live' ? c.why : ''})`);
    }
    // The peer's aliases of the user: one that is already an address of a live mailbox reaches that mailbox.
    for (const alias of p.aliases) {
      const ak = entryKey({ kind: 'account', name: alias });
      if (!(ak in observed.entries)) continue;
      const c = classifyAccount(alias, observed.entries[ak]);
      if (c.kind === 'alias' && c.of === p.address.toLowerCase()) continue; // already this placeholder's alias
      if (reachesLiveMailbox(c)) live.push(`${alias}, listed as an alias of ${p.address} (${c.kind === 'alias' ? `an alias of ${c.of}` : c.kind === 'live' ? c.why : ''})`);
    }
  }
  const lists = listErrors(a, observed);
  if (live.length === 0) return lists;
  const shown = live.slice(0, 10).join(', ') + (live.length > 10 ? `, and ${live.length - 10} more` : '');
  return [
    ...lists,
    `peer accounts (--peer-accounts): ${live.length} address(es) are live Zimbra mailboxes, not users of the peer: ${shown}. ` +
      `A placeholder would route their mail to ${a.peer.host} and their Zimbra mailboxes would silently stop receiving. ` +
      `Fix: remove them from the peer accounts list; or, if a user really moves to the peer, move it with a cutover towards the peer ` +
      `(zsplit apply cutover --direction to-peer --users FILE ...): its mail then goes to ${a.peer.host} and its Zimbra mailbox is locked, keeping the mail already in it.`,
  ];
}

/** Every address of the distribution lists read (`gdl`/`gadl`): address -> the list's primary name. */
function listAddresses(observed: Observed): Map<string, string> {
  const byAddress = new Map<string, string>();
  for (const l of observed.lists ?? []) {
    const name = l.name.toLowerCase();
    byAddress.set(name, name);
    for (const k of Object.keys(l.attrs)) if (k.toLowerCase() === 'zimbramailalias') for (const x of l.attrs[k]) byAddress.set(x.toLowerCase(), name);
  }
  return byAddress;
}

/**
 * A placeholder for an address of a Zimbra distribution list cannot be made (the list holds the
 * address: `ca`/`aaa` fail with account.ACCOUNT_EXISTS halfway through the run), and the list's
 * members are the ones who get its mail. Refused before anything runs, like a live mailbox.
 */
function listErrors(a: Answers, observed: Observed): string[] {
  const byAddress = listAddresses(observed);
  if (byAddress.size === 0) return [];
  const what = (addr: string) => {
    const name = byAddress.get(addr.toLowerCase());
    return name === addr.toLowerCase() ? 'a Zimbra distribution list' : `an alias of the Zimbra distribution list ${name}`;
  };
  const found: string[] = [];
  let fromSource = false;
  for (const p of a.peerAccounts) {
    const from = p.source ? `; read from ${p.source}` : '';
    const before = found.length;
    if (byAddress.has(p.address.toLowerCase())) found.push(`${p.address} (${what(p.address)}${from})`);
    for (const alias of p.aliases) if (byAddress.has(alias.toLowerCase())) found.push(`${alias}, listed as an alias of ${p.address} (${what(alias)}${from})`);
    if (found.length > before && p.source) fromSource = true;
  }
  if (found.length === 0) return [];
  const shown = found.slice(0, 10).join(', ') + (found.length > 10 ? `, and ${found.length - 10} more` : '');
  return [
    `peer accounts (${fromSource ? 'the peer recipients: --peer-recipients / --peer-ldap-url' : '--peer-accounts'}): ${found.length} address(es) are Zimbra distribution lists, not users of the peer: ${shown}. ` +
      `Zimbra holds these addresses for the list (a placeholder cannot be created: account.ACCOUNT_EXISTS), and the list's members get its mail. ` +
      `Fix: remove them from the peer accounts (or recipients) list; or, if the list now lives on ${a.peer.host}, delete it on Zimbra first (zmprov ddl LIST) and plan again.`,
  ];
}

/**
 * The peer addresses a primary setup gives placeholders (and their aliases): each may be a
 * distribution list, which `ga` does not find (Zmprov.probe reads them with `gdl`). With what was
 * observed, only those no account answers to (an address an account holds is not a list).
 */
export function listCheckAddresses(job: Job, a: Answers, observed?: Observed): string[] {
  if (job !== 'setup' || a.role !== 'primary') return [];
  const out = new Set<string>();
  const absent = (addr: string) => observed?.entries[entryKey({ kind: 'account', name: addr })] == null;
  for (const p of a.peerAccounts) for (const addr of [p.address, ...p.aliases]) if (absent(addr)) out.add(addr.toLowerCase());
  return [...out];
}
