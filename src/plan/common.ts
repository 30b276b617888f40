// Steps and texts every job shares: the MX step, the routing alias domain, placeholders of each recipient class, reloads of other MTAs.
import type { Answers, PeerKind, RecipientClass } from '../model/types.js';
import { routingDomain, usesRoutingDomain } from '../model/routing.js';
import { shJoin } from '../zimbra/quote.js';
import { isModernMta } from '../zimbra/attrs.js';
import type { Entry } from '../zimbra/commands.js';
import type { Observed } from './observed.js';
import { observedValues } from './observed.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep } from './step.js';

/**
 * Addresses living on Zimbra, when the server was read: accounts and calendar resources with an
 * lmtp transport, every distribution list (Zimbra expands it), and their aliases. An
 * authoritative peer must know every one of them.
 */
export function zimbraUsersOf(a: Answers, observed?: Observed): string[] {
  const domains = new Set(a.domains);
  const inDomain = (x: string) => domains.has(x.split('@')[1]?.toLowerCase() ?? '');
  const delivered = (acc: { attrs: Record<string, string[]> }) => (acc.attrs.zimbraMailTransport ?? []).some((t) => t.startsWith('lmtp:'));
  const enabled = (l: { attrs: Record<string, string[]> }) => (l.attrs.zimbraMailStatus?.[0] ?? 'enabled').toLowerCase() === 'enabled';
  const hosted = [...(observed?.accounts ?? []).filter(delivered), ...(observed?.resources ?? []).filter(delivered), ...(observed?.lists ?? []).filter(enabled)];
  return hosted.filter((e) => inDomain(e.name)).flatMap((e) => [e.name, ...(e.attrs.zimbraMailAlias ?? []).filter(inDomain)]);
}

/** The MX change: always the last step, and done by hand after mail flow was tested (seed 000). */
export function mxStep(a: Answers, to: 'zimbra' | 'peer'): Step {
  const host = to === 'zimbra' ? a.zimbraHosts[0] : a.peer.host;
  return manualStep(
    'dns.mx',
    'dns',
    'DNS',
    to === 'zimbra' ? `Point the MX of ${a.domains.join(', ')} at ${host} (LAST)` : `Keep the MX of ${a.domains.join(', ')} on ${host}`,
    to === 'zimbra'
      ? 'Only after every other step is done and mail flow was tested; earlier, mail bounces.'
      : 'Internet mail must enter at the authoritative side.',
    a.domains.map((d) => `${d}. IN MX 10 ${host}.   ; check: dig +short MX ${d}`),
  );
}

/** How each peer that routes through the routing subdomain does it (see src/plan/peer). */
const ROUTED_BY: Partial<Record<PeerKind, string>> = {
  exchange: 'Exchange (mail contacts, mailbox forwarding)',
  m365: 'Microsoft 365 (mail users)',
  sendmail: 'Sendmail (virtusertable)',
};

/**
 * The routing subdomain of each shared domain as an alias domain of it, for the peers that send
 * Zimbra's users to user@zimbra-route.<domain> (zimbra.md §6.4): its catch-all forwards
 * @zimbra-route.<domain> to @<domain>, so Zimbra rewrites the address back and delivers it (and
 * Postfix lists the name in virtual_alias_domains through ldap-vad.cf). Created with `cad`, as
 * Zimbra's createAliasDomain does, so zimbraDomainAliasTargetId names <domain>. Without it Zimbra rejects
 * that mail, or relays it back to the peer, which routes it to Zimbra again: a loop. A real,
 * reversible change (rollback deletes the domain with `dd`); unchanged when the domain exists.
 * These steps go before the peer's manual steps: the peer must not route there before Zimbra
 * accepts the name. Warnings when an existing entry of that name would not do.
 */
export function routingDomainSteps(a: Answers, observed: Observed | undefined): { steps: Step[]; warnings: string[] } {
  const steps: Step[] = [];
  const warnings: string[] = [];
  if (!usesRoutingDomain(a.peer.kind)) return { steps, warnings };
  for (const d of a.domains) {
    const name = routingDomain(d);
    const entry: Entry = { kind: 'domain', name };
    steps.push(
      zmprovStep(
        {
          id: `domain.routing:${d}`,
          title: `Accept ${name} as an alias domain of ${d}`,
          why: `${ROUTED_BY[a.peer.kind] ?? 'The peer'} sends the users who live on Zimbra to user@${name}; Zimbra rewrites that back to user@${d}. Without it, it rejects that mail or sends it back to the peer (a loop).`,
        },
        entry,
        {
          // cad, as Zimbra's own createAliasDomain: it also links the alias to its target
          // (zimbraDomainAliasTargetId), and createDomain gives it the catch-all @<name> itself.
          op: 'create',
          aliasOf: d,
          attrs: [
            ['zimbraDomainType', 'alias'],
            ['zimbraMailCatchAllForwardingAddress', `@${d}`],
          ],
        },
      ),
    );
    const type = observedValues(observed, entry, 'zimbraDomainType');
    if (!type) continue;
    const forward = observedValues(observed, entry, 'zimbraMailCatchAllForwardingAddress') ?? [];
    if ((type[0] ?? 'local').toLowerCase() !== 'alias')
      warnings.push(`${name} exists on Zimbra as a ${type[0] ?? 'local'} domain, not as an alias domain of ${d}: mail the peer routes to user@${name} is not delivered to user@${d}. If it holds nothing, delete it (zmprov dd ${name}) and plan again.`);
    else if (!forward.some((f) => f.toLowerCase() === `@${d}`))
      warnings.push(`alias domain ${name} forwards to ${forward.join(', ') || 'nothing'}, not to @${d}: set it with zmprov md ${name} zimbraMailCatchAllForwardingAddress @${d}.`);
  }
  return { steps, warnings };
}

/** Unsplit: the routing subdomains go, by hand, once the peer no longer routes there (zsplit plans no deletion it could not undo). */
export function routingDomainRemoval(a: Answers): Step[] {
  if (!usesRoutingDomain(a.peer.kind)) return [];
  const names = a.domains.map(routingDomain);
  return [
    manualStep(
      'domain.routing-remove',
      'zimbra',
      'Zimbra (as zimbra)',
      `Delete the alias domain${names.length > 1 ? 's' : ''} ${names.join(', ')} on Zimbra`,
      'Only after the peer no longer routes users there: until then Zimbra must keep accepting user@zimbra-route addresses. zsplit does not delete it itself, since a deletion cannot be undone.',
      names.map((n) => `zmprov dd ${shJoin([n])}   # check first: zmprov gd ${shJoin([n])} zimbraDomainType`),
    ),
  ];
}

/**
 * What a placeholder is created with (attributes of account in zimbra-attrs.xml): locked (no
 * login, mail still accepted), hidden from Zimbra's GAL unless the operator wants peer
 * recipients listed there, and on the mailbox server the operator chose.
 */
export function placeholderAttrs(a: Answers, host?: string): [string, string][] {
  const attrs: [string, string][] = [['zimbraAccountStatus', 'locked']];
  if (!a.placeholdersInGal) attrs.push(['zimbraHideInGal', 'TRUE']);
  if (host) attrs.push(['zimbraMailHost', host]);
  return attrs;
}

/** Who serves a peer recipient of each class, for the placeholder's why. */
const SERVED_BY: Record<RecipientClass, string> = {
  user: 'the user\'s mailbox is on the peer',
  shared: 'the peer delivers it to the shared mailbox',
  room: 'the peer books the room (its calendar stays there)',
  equipment: 'the peer books the equipment (its calendar stays there)',
  list: 'the peer expands the list to its members',
  group: 'the peer delivers it to the Microsoft 365 group',
  contact: 'the peer forwards it to the contact\'s outside address',
  mailuser: 'the peer forwards it to the mail user\'s outside mailbox',
  'public-folder': 'the peer delivers it to the public folder',
  system: 'the peer delivers it to its system mailbox',
  alias: 'the peer forwards it to its targets',
};

/** One why per class, made once per plan (100,000 placeholders share a handful of strings). */
export function placeholderWhys(a: Answers): Record<RecipientClass, string> {
  const gal = a.placeholdersInGal
    ? ' Shown in the GAL (--placeholders-in-gal): Zimbra users find it in their address book and mail to it goes to the peer; its free/busy and membership are not in Zimbra.'
    : ' Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.';
  const out = {} as Record<RecipientClass, string>;
  for (const [cls, served] of Object.entries(SERVED_BY) as [RecipientClass, string][])
    out[cls] = `The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (${served}).${gal}`;
  return out;
}

/**
 * The MTA reload on every other MTA server (--zimbra-host repeated): zmconfigd on each rewrites
 * its own main.cf from the changed config and server values, and zsplit reloads only the one it
 * runs on. Manual, since zsplit has no session there.
 */
export function otherMtaReloads(a: Answers): Step[] {
  const cmd = isModernMta(a.zimbraVersion) ? 'zmmtactl reload' : 'postfix stop; postfix start';
  return a.zimbraHosts.slice(1).map((h) =>
    manualStep(
      `mta.reload:${h}`,
      'zimbra',
      `Zimbra MTA ${h} (as zimbra)`,
      `Reload the MTA on ${h}`,
      `The relay host, DNS and mynetworks changes reach ${h}'s main.cf only through its own zmconfigd; zsplit reloads the MTA it runs on (${a.zimbraHosts[0]}).`,
      [`${shJoin(['ssh', `root@${h}`, shJoin(['su', '-', 'zimbra', '-c', cmd])])}   # then check there: postconf mynetworks relayhost`],
    ),
  );
}

/** "Placeholders for 120 peer recipients: 100 user, 12 list, 8 room", when the recipients have classes (read from the peer). */
export function placeholderCounts(a: Answers): string[] {
  if (!a.peerAccounts.some((p) => p.class !== undefined)) return [];
  const counts = new Map<string, number>();
  for (const p of a.peerAccounts) counts.set(p.class ?? 'user', (counts.get(p.class ?? 'user') ?? 0) + 1);
  const aliases = a.peerAccounts.reduce((n, p) => n + p.aliases.length, 0);
  return [`Placeholders for ${a.peerAccounts.length} peer recipient(s) with ${aliases} alias(es): ${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')}.`];
}
