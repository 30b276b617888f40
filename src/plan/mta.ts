/** MTA-level steps shared by the jobs: relay host, DNS, mynetworks, the one reload. */
import type { Answers } from '../model/types.js';
import type { Entry } from '../zimbra/commands.js';
import { entryKey } from '../zimbra/commands.js';
import { isModernMta } from '../zimbra/attrs.js';
import { usesRoutingDomain } from '../model/routing.js';
import type { Observed } from './observed.js';
import { observedValues } from './observed.js';
import type { Step } from './step.js';
import { manualStep, zmprovStep } from './step.js';

/**
 * Where an MTA attribute must be written: a server-level value overrides the global one
 * (pitfall 7), so when any MTA server has its own value, write it there.
 */
export function mtaEntries(a: Answers, observed: Observed | undefined, attr: string): Entry[] {
  const servers: Entry[] = a.zimbraHosts.map((name) => ({ kind: 'server', name }));
  const serverLevel = servers.some((s) => (observedValues(observed, s, attr) ?? []).length > 0);
  return serverLevel ? servers : [{ kind: 'config', name: '' }];
}

export function dnsAttr(a: Answers): { attr: string; off: string; on: string } {
  return isModernMta(a.zimbraVersion)
    ? { attr: 'zimbraMtaSmtpDnsSupportLevel', off: 'disabled', on: 'enabled' }
    : { attr: 'zimbraMtaDnsLookupsEnabled', off: 'FALSE', on: 'TRUE' };
}

const where = (e: Entry) => (e.kind === 'config' ? 'global' : e.name);

/** The key of one attribute of one entry in Answers.prior. */
export function priorKey(entry: Entry, attr: string): string {
  return `${entryKey(entry)} ${attr.toLowerCase()}`;
}

/** What the attribute held before setup changed it, when the setup run's journal says (undefined: unknown). */
export function priorValues(a: Answers, entry: Entry, attr: string): string[] | undefined {
  const v = a.prior?.values[priorKey(entry, attr)];
  return v === undefined ? undefined : (v ?? []);
}

/** The why-line tail that says where a restored value comes from. */
export function priorWhy(a: Answers): string {
  return `the value before setup, from its journal (${a.prior?.runs.join(', ')})`;
}

export function relayHostSteps(a: Answers, observed: Observed | undefined, value: string | null): Step[] {
  return mtaEntries(a, observed, 'zimbraMtaRelayHost').map((e) => {
    if (value)
      return zmprovStep(
        { id: `mta.relayhost:${where(e)}`, title: `Relay outgoing mail through ${a.peer.host} (${where(e)})`, why: 'As secondary, Zimbra sends everything it does not deliver itself through the authoritative peer.' },
        e,
        { op: 'set', attr: 'zimbraMtaRelayHost', values: [value] },
      );
    // Unsplit: the relay host there was before setup (a smarthost, say), else none.
    const prior = priorValues(a, e, 'zimbraMtaRelayHost');
    return zmprovStep(
      prior?.length
        ? { id: `mta.relayhost:${where(e)}`, title: `Put back the relay host ${prior.join(', ')} (${where(e)})`, why: `Zimbra no longer relays through the peer: ${priorWhy(a)}.` }
        : { id: `mta.relayhost:${where(e)}`, title: `Remove the relay host (${where(e)})`, why: `Zimbra delivers to the internet itself again${prior ? ` (${priorWhy(a)}: none)` : ''}.` },
      e,
      { op: 'set', attr: 'zimbraMtaRelayHost', values: prior ?? [] },
    );
  });
}

export function dnsSteps(a: Answers, observed: Observed | undefined, off: boolean, requires?: string[]): Step[] {
  const d = dnsAttr(a);
  return mtaEntries(a, observed, d.attr).map((e) => {
    // Unsplit: back to what setup found (dnssec stays dnssec; unset inherits again), when its journal says.
    const prior = off ? undefined : priorValues(a, e, d.attr);
    const shown = prior ? (prior.length ? prior.join(', ') : 'unset, inherited') : d.on;
    return zmprovStep(
      {
        id: `mta.dns:${where(e)}`,
        title: off ? `Turn off MX lookups (${d.attr} ${d.off}, ${where(e)})` : `Turn MX lookups back on (${d.attr} ${shown}, ${where(e)})`,
        why: off
          ? 'All mail leaves through the relay host; without it this would break internet delivery, so it only applies together with the relay host.'
          : `Without a relay host Zimbra must look up MX records itself${prior ? `; ${priorWhy(a)}` : ''}.`,
        requires,
      },
      e,
      { op: 'set', attr: d.attr, values: off ? [d.off] : (prior ?? [d.on]) },
    );
  });
}

/**
 * What trusting the peer means besides relaying: zmconfigd feeds the same networks to Postfix's
 * permit_mynetworks (before the RBL and sender checks), amavis's @mynetworks (internal, originating
 * mail) and OpenDKIM's InternalHosts (signed with the domain's key).
 */
export const MYNETWORKS_SIDE_EFFECTS =
  'Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain\'s key. Only the peer\'s own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra\'s users needs no mynetworks entry).';

/** For the review: said once per plan that trusts the peer. */
export function myNetworksWarnings(a: Answers): string[] {
  return a.peer.ips.length ? [`${a.peer.ips.join(', ')} go(es) into zimbraMtaMyNetworks. ${MYNETWORKS_SIDE_EFFECTS}`] : [];
}

export function myNetworksSteps(a: Answers, observed: Observed | undefined, op: 'add' | 'remove'): Step[] {
  const steps: Step[] = [];
  if (op === 'add' && a.peer.ips.length === 0) {
    // zsplit never guesses an address to trust for relaying: the operator fills it in.
    return [
      manualStep(
        'mta.mynetworks',
        'zimbra',
        'Zimbra (as zimbra), once the peer address is known',
        `Let ${a.peer.host} relay through Zimbra (give --peer-ip to make this a step zsplit applies)`,
        `The peer relays its internet-bound mail through Zimbra; the installer keeps mynetworks per server, so add to the server value. ${MYNETWORKS_SIDE_EFFECTS}`,
        a.zimbraHosts.map((h) => `zmprov ms ${h} +zimbraMtaMyNetworks <IP of ${a.peer.host}>/32`),
      ),
    ];
  }
  for (const host of a.zimbraHosts) {
    const server: Entry = { kind: 'server', name: host };
    const own = observedValues(observed, server, 'zimbraMtaMyNetworks');
    const global = observedValues(observed, { kind: 'config', name: '' }, 'zimbraMtaMyNetworks') ?? [];
    if (op === 'remove' && own && own.some((v) => tokens(v).length > 1 && tokens(v).some((t) => isPeerNetwork(a, t)))) {
      steps.push(removeFromJoined(a, server, own, global));
      continue;
    }
    if (op === 'add' && own !== undefined && own !== null && own.length === 0 && global.length > 0) {
      // A first server-level value would hide the global list (127.0.0.0/8 among it): copy it down.
      const tokens = [...new Set([...global.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean), ...a.peer.ips])];
      steps.push(
        zmprovStep(
          { id: `mta.mynetworks:${host}`, title: `Let ${a.peer.ips.join(', ')} relay through ${host} (global networks kept)`, why: `The peer relays its internet mail through Zimbra; the installer keeps mynetworks per server. ${MYNETWORKS_SIDE_EFFECTS}` },
          server,
          { op: 'set', attr: 'zimbraMtaMyNetworks', values: [tokens.join(' ')] },
        ),
      );
      continue;
    }
    for (const ip of a.peer.ips) {
      steps.push(
        zmprovStep(
          op === 'add'
            ? { id: `mta.mynetworks:${host}:${ip}`, title: `Let ${ip} relay through ${host}`, why: `The peer relays its internet-bound mail through Zimbra; existing networks are kept. ${MYNETWORKS_SIDE_EFFECTS}` }
            : { id: `mta.mynetworks:${host}:${ip}`, title: `Stop ${ip} relaying through ${host}`, why: 'The peer is gone; it must not stay a trusted network.' },
          server,
          { op, attr: 'zimbraMtaMyNetworks', value: ip },
        ),
      );
    }
  }
  return steps;
}

const tokens = (v: string) => v.split(/[\s,]+/).filter(Boolean);
/** `192.0.2.10` and `192.0.2.10/32` are one network. */
const hostNet = (t: string) => t.replace(/\/(32|128)$/, '').toLowerCase();
const isPeerNetwork = (a: Answers, t: string) => a.peer.ips.some((ip) => hostNet(ip) === hostNet(t));

/**
 * Unsplit of a server whose mynetworks holds the peer inside a value of several networks (the
 * global list setup copied down, joined): `-attr ip` matches whole values only and would leave
 * the peer trusted, so the value is set without the peer's networks. When what is left is the
 * global list and setup's journal says the server had no value of its own, it is unset again
 * (the global list applies, as before setup).
 */
function removeFromJoined(a: Answers, server: Entry, own: string[], global: string[]): Step {
  const rest = own.map((v) => tokens(v).filter((t) => !isPeerNetwork(a, t)).join(' ')).filter(Boolean);
  const prior = priorValues(a, server, 'zimbraMtaMyNetworks');
  const same = (x: string[], y: string[]) => {
    const s = new Set(x.flatMap(tokens));
    const t = new Set(y.flatMap(tokens));
    return s.size === t.size && [...s].every((n) => t.has(n));
  };
  const values = prior !== undefined && same(rest, global) && !prior.some((v) => tokens(v).some((t) => isPeerNetwork(a, t))) ? prior : rest;
  return zmprovStep(
    {
      id: `mta.mynetworks:${server.name}`,
      title: `Stop ${a.peer.ips.join(', ')} relaying through ${server.name}${values.length ? ' (other networks kept)' : ' (the global networks apply again)'}`,
      why: `The peer is gone; it must not stay a trusted network. Its address sits in a value of several networks, so that value is written without it${values === prior ? `; ${priorWhy(a)}` : ''}.`,
    },
    server,
    { op: 'set', attr: 'zimbraMtaMyNetworks', values },
  );
}

/**
 * Zimbra's split-domain recipient check (8.5+, bug 83784): zmconfigd renders
 * `check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf` and then `reject` into
 * smtpd_recipient_restrictions, after permit_sasl_authenticated and permit_mynetworks, when
 * zimbraMtaRestriction holds these values (smtpd_recipient_restrictions.cf). A client that is
 * neither logged in nor in mynetworks may then only send to addresses Zimbra's LDAP knows
 * (delivery address or alias): a catch-all does not open the door (access lookups never ask for
 * `@domain`). On a secondary Zimbra that catches all unknown users this keeps the internet from
 * dropping unknown addresses on Zimbra, which would forward them to the peer and bounce what it
 * rejects back to forged senders (backscatter). Zimbra's own users, the peer's relayed mail
 * for Zimbra users and mail from mynetworks pass as before.
 */
export const SPLITDOMAIN_CHECK = 'check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf';

/** Whether the check may go on: a peer that sends Zimbra's users as user@zimbra-route.<domain> must be in mynetworks, since the check knows no alias domain. */
export function splitDomainCheckSafe(a: Answers): boolean {
  return !usesRoutingDomain(a.peer.kind) || a.peer.ips.length > 0;
}

export function splitDomainCheckSteps(a: Answers, observed: Observed | undefined, op: 'add' | 'remove'): Step[] {
  const steps: Step[] = [];
  for (const e of mtaEntries(a, observed, 'zimbraMtaRestriction')) {
    // Unsplit removes the pair only when setup's journal says setup added it: `reject` without the check before it would refuse all inbound mail.
    if (op === 'remove') {
      const prior = priorValues(a, e, 'zimbraMtaRestriction');
      if (!prior || prior.includes(SPLITDOMAIN_CHECK)) continue;
    }
    for (const value of [SPLITDOMAIN_CHECK, 'reject']) {
      steps.push(
        zmprovStep(
          op === 'add'
            ? {
                id: `mta.splitdomain:${where(e)}:${value === 'reject' ? 'reject' : 'check'}`,
                title: value === 'reject' ? `... and reject every other recipient from outside (${where(e)})` : `Zimbra's split-domain recipient check (${where(e)})`,
                why: 'Clients outside mynetworks that have not logged in may only send to addresses Zimbra knows: the catch-all no longer accepts unknown users from the internet, which Zimbra would forward to the peer and bounce to forged senders (backscatter). The peer relays only known users and its own mail passes through mynetworks.',
                requires: value === 'reject' ? [`mta.splitdomain:${where(e)}:check`] : undefined,
              }
            : { id: `mta.splitdomain:${where(e)}:${value === 'reject' ? 'reject' : 'check'}`, title: `Remove the split-domain recipient check (${value}, ${where(e)})`, why: `Setup added it (${priorWhy(a)}); the two values go together.` },
          e,
          { op, attr: 'zimbraMtaRestriction', value },
        ),
      );
    }
  }
  // Removed in reverse: `reject` first, never left without the check before it.
  return op === 'remove' ? steps.reverse() : steps;
}

export function reloadStep(a: Answers): Step {
  const modern = isModernMta(a.zimbraVersion);
  return {
    id: 'mta.reload',
    title: modern ? 'Reload the MTA (zmmtactl reload)' : 'Restart Postfix (postfix stop; postfix start)',
    why: 'Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.',
    where: 'zimbra',
    kind: 'reload',
    reloadArgv: modern ? [['zmmtactl', 'reload']] : [['postfix', 'stop'], ['postfix', 'start']],
    reload: false,
  };
}
