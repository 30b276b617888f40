/**
 * The Zimbra MTA's rules: what Postfix on Zimbra does with a recipient, map by map (ldap-vmd.cf /
 * ldap-vad.cf, RCPT checks, ldap-vam.cf alias and list expansion, catch-alls, transport_maps,
 * relayhost or MX) and what the mailbox server says over LMTP (zimbra.md §4.1). Pure.
 */
import { domainOf } from './directory.js';
import { catchAllTarget, relayHostName, type FlowModel, type ListEntry } from './model.js';
import { parseTransport, type ParsedTransport } from './transport.js';
import { SYSTEM_LABEL, type ListMember, type Outcome, type Trace } from './trace.js';
import { clientLabel, MAX_ALIAS_DEPTH, type Arrival, type Walk } from './walk.js';

// ---------------------------------------------------------------- Zimbra MTA

export function atZimbra(w: Walk, a: Arrival): Arrival | Trace {
  const m = w.m;
  const host = a.host;
  let addr = a.address;
  const d = domainOf(addr);
  const dom = m.domains.get(d);

  // virtual_mailbox_domains / virtual_alias_domains (ldap-vmd.cf / ldap-vad.cf)
  if (!dom || !dom.mailEnabled) {
    const why = !dom ? `${d} is not a domain on this Zimbra` : `domain ${d} has zimbraMailStatus disabled`;
    let trusted: boolean;
    if (a.client === 'internet') trusted = false;
    else if (a.client === 'peer') {
      trusted = m.peerInMyNetworks !== false;
      if (m.peerInMyNetworks === undefined) w.note('assuming the peer relay IPs are in zimbraMtaMyNetworks (no value known)');
    } else trusted = true;
    if (!trusted) {
      return w.reject(
        'zimbra-mta',
        host,
        addr,
        `554 5.7.1 <${addr}>: Relay access denied`,
        `${why}, and ${clientLabel(a.client)} may not relay (smtpd_relay_restrictions, zimbraMtaMyNetworks)`,
      );
    }
    w.hop('zimbra-mta', host, addr, `virtual_mailbox_domains ${d}`, `${why}: relay for ${clientLabel(a.client)}`);
    w.accept('zimbra-mta', host, a.client);
    return relayRoute(w, host, addr);
  }

  // RCPT TO: smtpd_reject_unlisted_recipient checks ldap-vam.cf then ldap-vmm.cf
  const exact = m.vam(addr);
  const list = exact ? undefined : m.lists.get(addr);
  let viaCatchAll = false;
  if (list) w.hop('zimbra-mta', host, addr, `RCPT TO <${addr}>: virtual_alias_maps`, `listed: distribution list ${list.address} (${list.members.length} member(s))`);
  else if (exact) {
    const acct = exact[0];
    const listed =
      acct.delivery === addr
        ? `listed: account ${acct.address} (zimbraMailStatus enabled, zimbraAccountStatus ${acct.status})`
        : `listed: ${acct.aliases.includes(addr) ? 'alias' : 'old address'} of account ${acct.address}`;
    w.hop('zimbra-mta', host, addr, `RCPT TO <${addr}>: virtual_alias_maps, virtual_mailbox_maps`, listed);
  } else {
    const ca = m.catchAll.get(`@${d}`);
    const hidden = m.account(addr);
    const hiddenWhy = hidden
      ? `account ${hidden.address} exists but Postfix does not see it: zimbraMailStatus disabled` +
        (hidden.status === 'closed' || hidden.status === 'pending' ? ` (zimbraAccountStatus ${hidden.status} forces it)` : '')
      : undefined;
    const listedBy = ca && (ca.domainForward || ca.accounts.length > 0) ? ca : undefined;
    if (!listedBy) {
      const why =
        hiddenWhy ??
        (ca?.domainWithoutForward
          ? `no account or alias ${addr}, and catch-all @${d} has no zimbraMailCatchAllForwardingAddress, so it lists nothing`
          : `no account, alias or catch-all @${d} lists ${addr}`);
      // With virtual_transport=error, Postfix names the domain (what Zimbra's NDRs and the lab show).
      const text = dom.type === 'alias' ? 'User unknown in virtual alias table' : d;
      return w.reject('zimbra-mta', host, addr, `550 5.1.1 <${addr}>: Recipient address rejected: ${text}`, why);
    }
    viaCatchAll = true;
    const target = listedBy.domainForward ?? listedBy.accounts[0].delivery;
    w.hop(
      'zimbra-mta',
      host,
      addr,
      `RCPT TO <${addr}>: virtual_alias_maps`,
      `${hiddenWhy ? `${hiddenWhy}; falls through to` : 'no account or alias; matched by'} catch-all @${d} -> ${target}: listed`,
    );
  }
  const refused = splitDomainCheck(w, a);
  if (refused) return refused;
  w.accept('zimbra-mta', host, a.client);

  return expandAndRoute(w, host, addr, viaCatchAll);
}

/**
 * Zimbra's split-domain recipient check, after reject_unlisted_recipient in
 * smtpd_recipient_restrictions (smtpd_recipient_restrictions.cf): a logged-in user
 * (permit_sasl_authenticated) and mynetworks (permit_mynetworks: Zimbra itself, the peer when its
 * IPs are in zimbraMtaMyNetworks) pass before it. For anyone else, ldap-splitdomain.cf permits an
 * address Zimbra's LDAP knows, and `reject` refuses the rest (an access lookup asks for
 * user@domain, domain and user@, never @domain: a catch-all does not open the door).
 */
function splitDomainCheck(w: Walk, a: Arrival): Trace | undefined {
  const m = w.m;
  if (!m.splitDomain.reject) return undefined;
  if (a.client === 'user' || a.client === 'zimbra') return undefined;
  if (a.client === 'peer' && m.peerInMyNetworks !== false) return undefined;
  const addr = a.address;
  if (m.splitDomain.check) {
    const keys = [addr, domainOf(addr), `${addr.slice(0, addr.lastIndexOf('@') + 1)}`];
    const hit = keys.find((k) => m.splitDomainKnows(k));
    if (hit !== undefined) {
      w.hop('zimbra-mta', a.host, addr, `check_recipient_access ldap-splitdomain.cf ${hit}`, `OK: Zimbra's LDAP knows ${hit} (split-domain check)`);
      return undefined;
    }
  }
  const who = a.client === 'peer' ? 'the peer (not in zimbraMtaMyNetworks)' : clientLabel(a.client);
  return w.reject(
    'zimbra-mta',
    a.host,
    addr,
    `554 5.7.1 <${addr}>: Recipient address rejected: Access denied`,
    m.splitDomain.check
      ? `Zimbra's split-domain check (zimbraMtaRestriction ldap-splitdomain.cf, then reject): no enabled account, alias or list has ${addr}, and ${who} may only send to addresses Zimbra's LDAP knows`
      : `zimbraMtaRestriction has reject without the split-domain check before it: ${who} may send to no recipient`,
  );
}

/** After RCPT: virtual alias expansion, then transport_maps (or relay) for what it gives. */
function expandAndRoute(w: Walk, host: string, address: string, viaCatchAll: boolean): Arrival | Trace {
  const m = w.m;
  let addr = address;
  // virtual alias expansion (recursive in Postfix; ldap-vam.cf returns delivery address + forwards)
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const dl = m.lists.get(addr);
    if (dl) return expandList(w, host, addr, dl);
    const ex = m.vam(addr);
    if (ex) {
      const acct = ex[0];
      if (ex.length > 1) {
        w.note(`${addr} is claimed by ${ex.map((e) => e.address).join(', ')}: ldap-vam.cf returns all of them and Postfix delivers a copy to each (traced: the first)`);
      }
      if (acct.forwards.length > 0) {
        w.note(`account ${acct.address} also forwards to ${acct.forwards.join(', ')} (zimbraMailForwardingAddress; not traced)`);
      }
      if (acct.delivery !== addr) {
        w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `alias -> ${acct.delivery}`);
        addr = acct.delivery;
        continue;
      }
      break;
    }
    const ca = m.catchAll.get(`@${domainOf(addr)}`);
    if (!ca) break;
    if (ca.domainForward && ca.accounts.length > 0) {
      w.note(
        `catch-all @${domainOf(addr)} is on the domain and on account(s) ${ca.accounts.map((e) => e.address).join(', ')}: ` +
          'ldap-vam.cf returns several results and the mail goes to all of them (§7.4)',
      );
    }
    const target = ca.domainForward ? catchAllTarget(addr, ca.domainForward) : ca.accounts[0]?.delivery;
    if (!target) break;
    if (target === addr) {
      w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `catch-all @${domainOf(addr)} -> ${ca.domainForward}: same address, kept as is`);
      break;
    }
    w.hop(
      'zimbra-mta',
      host,
      addr,
      `virtual_alias_maps ${addr}`,
      ca.domainForward ? `catch-all @${domainOf(addr)} -> ${ca.domainForward}: rewritten to ${target}` : `catch-all mailbox ${target}`,
    );
    addr = target;
  }

  // transport_maps: user@domain (account), then domain (domain entry); else virtual_transport=error
  const d2 = domainOf(addr);
  const dom2 = m.domains.get(d2);
  const acct = m.vmm(addr);
  if (acct?.transport) {
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}`, `account zimbraMailTransport ${acct.transport}`);
    return applyTransport(w, host, addr, parseTransport(acct.transport), 'account');
  }
  const pre = acct ? `account ${addr} has no zimbraMailTransport` : `no account ${addr}`;
  if (dom2 && dom2.mailEnabled) {
    if (dom2.transport) {
      w.hop('zimbra-mta', host, addr, `transport_maps ${addr}, then ${d2}`, `${pre}; domain ${d2} zimbraMailTransport ${dom2.transport}`);
      return applyTransport(w, host, addr, parseTransport(dom2.transport), 'domain');
    }
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}, then ${d2}`, `${pre}; domain ${d2} has no zimbraMailTransport: virtual_transport = error`);
    return w.bounce(
      'zimbra-mta',
      host,
      `no transport for ${addr}: Postfix falls back to virtual_transport = error and bounces it` +
        (viaCatchAll ? ` (a catch-all without a domain zimbraMailTransport is a black hole, §7.3)` : ''),
    );
  }
  // rewritten into a domain this Zimbra does not host
  return relayRoute(w, host, addr);
}

/** Where the smtp next hop of a transport goes. */
function smtpHandOff(w: Walk, host: string, addr: string, t: ParsedTransport, source: string): Arrival | Trace {
  const m = w.m;
  let target = t.host;
  if (!t.bracketed) {
    if (m.shared.has(target) || m.domains.has(target)) {
      const mx = m.input.mx;
      w.note(`${t.raw} (${source}): without brackets Postfix looks up the MX of ${target}, which points at the ${mx === 'zimbra' ? 'Zimbra MTA' : 'peer'} (§7.8)`);
      target = m.mxHost(mx);
    } else {
      w.note(
        `${t.raw} (${source}) has no brackets: Postfix looks up the MX of ${t.host} first; if that MX points back at Zimbra the mail loops (§7.8). ` +
          `Prefer smtp:[${t.host}]:${t.port ?? 25}`,
      );
    }
  }
  if (m.isPeerHost(target)) {
    const port = t.port ?? 25;
    if (port !== m.peerPort) w.note(`${t.raw} uses port ${port}, but the peer listens on ${m.peerPort}`);
    return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
  }
  if (m.isZimbraHost(target)) {
    return { to: 'zimbra-mta', host: target, address: addr, client: 'zimbra' };
  }
  w.hop('internet', target, addr, `SMTP to ${target}`, `neither a Zimbra host nor the peer (${m.peerHost})`);
  return w.finish('external', `${SYSTEM_LABEL['zimbra-mta']} ${host} hands ${addr} to ${target} (${t.raw}), which is neither Zimbra nor the peer`);
}

function applyTransport(w: Walk, host: string, addr: string, t: ParsedTransport, source: string): Arrival | Trace {
  switch (t.kind) {
    case 'lmtp':
      return deliverZimbra(w, addr, t);
    case 'smtp':
      return smtpHandOff(w, host, addr, t, source);
    case 'error':
      return w.bounce('zimbra-mta', host, `${source} transport ${t.raw}: the error service bounces it${t.text ? ` ("${t.text}")` : ''}`);
    case 'discard':
      return w.bounce('zimbra-mta', host, `${source} transport ${t.raw}: discarded silently (a black hole; nobody is told)`);
    case 'unknown':
      return w.bounce(
        'zimbra-mta',
        host,
        `${source} transport "${t.raw}" is not usable (${t.text}): Postfix defers it ("mail transport unavailable") and bounces it when it expires from the queue`,
      );
  }
}

/** Mail for a domain Zimbra does not host: relayhost, or the domain's MX. */
function relayRoute(w: Walk, host: string, addr: string): Arrival | Trace {
  const m = w.m;
  const d = domainOf(addr);
  if (m.dnsNote) w.note(m.dnsNote);
  if (m.relayHost) {
    const rh = relayHostName(m.relayHost);
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; relayhost`, `zimbraMtaRelayHost ${m.relayHost}`);
    if (m.isPeerHost(rh)) return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
    if (m.isZimbraHost(rh)) return { to: 'zimbra-mta', host: rh, address: addr, client: 'zimbra' };
    w.hop('internet', rh, addr, `SMTP to relay host ${m.relayHost}`, 'relayed on to the Internet');
    return w.finish('external', `leaves through relay host ${m.relayHost} (zimbraMtaRelayHost)`);
  }
  if (m.dnsDisabled) {
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; no relayhost`, 'DNS lookups disabled: no MX lookup');
    return w.bounce('zimbra-mta', host, `DNS lookups are disabled and no zimbraMtaRelayHost is set, so Postfix cannot find ${d}'s mail server (§7.6)`);
  }
  if (m.shared.has(d)) {
    const mx = m.input.mx;
    w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; MX ${d}`, `-> ${mx === 'zimbra' ? 'this Zimbra MTA' : `peer MTA ${m.peerHost}`}`);
    if (mx === 'zimbra') {
      return w.bounce('zimbra-mta', host, `"5.4.6 mail for ${d} loops back to myself": ${d} is not a Zimbra domain but its MX points at Zimbra`);
    }
    return { to: 'peer-mta', host: m.peerHost, address: addr, client: 'zimbra' };
  }
  w.hop('zimbra-mta', host, addr, `transport_maps ${addr}: no entry; no relayhost; DNS MX ${d}`, 'deliver to the Internet (DNS lookups enabled)');
  return w.finish('external', `${d} is not a shared domain: Zimbra delivers it to ${d}'s own MX`);
}

function deliverZimbra(w: Walk, addr: string, t: ParsedTransport): Trace {
  const m = w.m;
  const box = t.host;
  if (!m.isMailboxHost(box)) {
    w.note(`lmtp host ${box} is neither the mailbox host ${m.answers.mailboxHost} nor a known Zimbra server: the LMTP connection would fail and mail would stay deferred`);
  }
  const acct = m.account(addr);
  if (!acct) {
    w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, '550 5.1.1 No such user here');
    return w.bounce('zimbra-mailbox', box, `the mailbox server has no account ${addr}`);
  }
  switch (acct.status) {
    case 'closed':
    case 'pending':
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, `5xx: zimbraAccountStatus ${acct.status}`);
      return w.bounce('zimbra-mailbox', box, `account ${acct.address} is ${acct.status}: LMTP refuses delivery (5xx)`);
    case 'maintenance':
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, '4xx: zimbraAccountStatus maintenance');
      return w.finish(
        'delivered-zimbra',
        `delivered to Zimbra mailbox ${acct.address} on ${box} only after maintenance ends: LMTP answers 4xx and the message waits in the queue`,
        { deferred: true },
      );
    default: {
      const status = acct.status === 'active' ? '' : ` (zimbraAccountStatus ${acct.status}: no login, mail still delivered)`;
      w.hop('zimbra-mailbox', box, addr, `LMTP RCPT TO <${addr}>`, `stored in ${acct.address}${status}`);
      return w.finish('delivered-zimbra', `delivered to Zimbra mailbox ${acct.address} on ${box}${status}`);
    }
  }
}

// ---------------------------------------------------------------- distribution lists

/** How bad a member's outcome is for the list: the list's outcome is its worst member's. */
const OUTCOME_RANK: Record<Outcome, number> = { loop: 3, bounced: 2, rejected: 1, 'delivered-zimbra': 0, 'delivered-peer': 0, external: 0 };

/**
 * Members whose walk on from the list is the same get the same key: a mail-enabled account
 * delivered at the address itself (no alias rewrite, no forwards, claimed once), by its domain,
 * transport, status and what the peer knows of the address. Anything else is its own key.
 */
function memberKey(m: FlowModel, addr: string): string {
  if (m.lists.has(addr) || m.duplicates.has(addr)) return addr;
  const acct = m.vmm(addr);
  if (!acct || acct.forwards.length > 0) return addr;
  const box = m.peerLocal.get(addr);
  const peer = box === undefined ? (m.peerRoutes.has(addr) ? 'route' : 'none') : box === addr ? `box:${m.peerClass.get(addr) ?? 'user'}` : addr;
  return `${domainOf(addr)}|${acct.transport ?? ''}|${acct.status}|${peer}`;
}

/**
 * ldap-vam.cf returns every zimbraMailForwardingAddress of the list and Postfix delivers a copy
 * to each member: each member's walk goes on from here, one walk per group of members that route
 * alike (a list of 10,000 users on Zimbra is a few walks). A list met again inside itself is
 * expanded once (Postfix drops the repeated address).
 */
function expandList(w: Walk, host: string, addr: string, dl: ListEntry): Trace {
  const m = w.m;
  if (dl.members.length === 0) return w.finish('delivered-zimbra', `distribution list ${dl.address} has no members: Zimbra accepts the mail and delivers it to nobody`);
  w.expanded.add(dl.address);
  const again = dl.members.filter((x) => w.expanded.has(m.lists.get(x)?.address ?? ''));
  const members = again.length ? dl.members.filter((x) => !again.includes(x)) : dl.members;
  const shown = dl.members.length > 10 ? `${dl.members.slice(0, 10).join(', ')} and ${dl.members.length - 10} more` : dl.members.join(', ');
  w.hop('zimbra-mta', host, addr, `virtual_alias_maps ${addr}`, `distribution list -> ${shown} (a copy to each member)`);
  if (again.length) w.note(`distribution list ${dl.address} contains ${again.join(', ')}, already expanded for this message: Postfix expands it once`);
  if (members.length === 0) return w.finish('delivered-zimbra', `distribution list ${dl.address} has no members besides lists already expanded`);
  const groups = new Map<string, string[]>();
  for (const x of members) {
    const k = memberKey(m, x);
    const g = groups.get(k);
    if (g) { if (!g.includes(x)) g.push(x); } else groups.set(k, [x]);
  }
  const out: ListMember[] = [];
  let worst: ListMember | undefined;
  for (const addresses of groups.values()) {
    const f = w.fork(addresses[0]);
    const trace = f.drive(f, expandAndRoute(f, host, addresses[0], false));
    const mb = { addresses, trace };
    out.push(mb);
    if (!worst || OUTCOME_RANK[trace.outcome] > OUTCOME_RANK[worst.trace.outcome]) worst = mb;
  }
  const t = worst!.trace;
  const count = `${members.length} member(s)${out.length < members.length ? ` in ${out.length} routing(s)` : ''}`;
  const who = worst!.addresses.length > 1 ? `${worst!.addresses[0]} (and ${worst!.addresses.length - 1} more)` : worst!.addresses[0];
  const reason =
    OUTCOME_RANK[t.outcome] > 0
      ? `distribution list ${dl.address} (${count}): member ${who}: ${t.reason}`
      : `distribution list ${dl.address} (${count}): every member reached; ${who}: ${t.reason}`;
  return w.finish(t.outcome, reason, {
    members: out,
    rejectedBy: t.rejectedBy,
    cycle: t.cycle,
    deferred: out.some((x) => x.trace.deferred) || undefined,
  });
}
