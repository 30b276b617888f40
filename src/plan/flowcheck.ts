/**
 * A plan's effect on mail flow: the planned after-state (observed state + the plan's
 * changes) routed through the flow model for every address class. Pure.
 */
import type { Answers, Job } from '../model/types.js';
import { lmtpTransport, smtpTransport } from '../zimbra/attrs.js';
import { plan } from './index.js';
import type { PeerMode, PlanCheck } from '../flow/index.js';
import { checkPlan, expectedPeerBehaviour, zimbraUserAddresses } from '../flow/index.js';
import { entryKey } from '../zimbra/commands.js';
import type { Directory } from './model.js';
import { applyPlanInPlace, applyPlanToModel, copyOnWrite, ownAccount } from './model.js';
import type { Observed } from './observed.js';
import type { Plan } from './step.js';

/** The directory as far as zsplit has read it: gaa listing, probed entries, config and servers. */
export function directoryFromObserved(a: Answers, observed?: Observed): Directory {
  // The listed accounts are shared with `observed`, each copied before the first change to it (a
  // copy of 100,000 accounts cost 1.6 s).
  const d: Directory = { config: {}, servers: {}, domains: {}, accounts: copyOnWrite({}) };
  for (const acc of observed?.accounts ?? []) d.accounts[acc.name.toLowerCase()] = acc.attrs;
  // Calendar resources are accounts in LDAP; lists are expanded by ldap-vam.cf (read for a secondary).
  for (const r of observed?.resources ?? []) d.accounts[r.name.toLowerCase()] = r.attrs;
  for (const l of observed?.lists ?? []) (d.lists ??= {})[l.name.toLowerCase()] = structuredClone(l.attrs);
  const e = observed?.entries ?? {};
  d.config = structuredClone(e[entryKey({ kind: 'config', name: '' })] ?? {});
  for (const h of a.zimbraHosts) d.servers[h] = structuredClone(e[entryKey({ kind: 'server', name: h })] ?? {});
  for (const dom of a.domains) d.domains[dom] = { zimbraMailStatus: ['enabled'], ...structuredClone(e[entryKey({ kind: 'domain', name: dom })] ?? {}) };
  for (const [key, attrs] of Object.entries(e)) {
    if (attrs === null) continue;
    if (!key.startsWith('account:')) {
      // Another domain a probe found (the routing subdomain's alias domain): it routes mail too.
      if (key.startsWith('domain:')) d.domains[key.slice('domain:'.length)] ??= { zimbraMailStatus: ['enabled'], ...structuredClone(attrs) };
      continue;
    }
    const name = key.slice('account:'.length);
    // `ga` resolves an alias to its account: the entry found is that account, and `name` one of its addresses.
    const owner = attrs.zimbraMailDeliveryAddress?.[0]?.toLowerCase();
    if (owner && owner !== name) {
      ownAccount(d.accounts, owner);
      const acc = (d.accounts[owner] ??= { zimbraMailDeliveryAddress: [owner], zimbraMailStatus: ['enabled'], zimbraMailTransport: [`lmtp:${a.mailboxHost}:7025`], ...structuredClone(attrs) });
      const aliases = acc.zimbraMailAlias ?? [];
      if (!aliases.some((x) => x.toLowerCase() === name)) acc.zimbraMailAlias = [...aliases, name];
      continue;
    }
    // A probe reads only some attributes; an account it found is a real mailbox unless it says otherwise.
    d.accounts[name] ??= { zimbraMailDeliveryAddress: [name], zimbraMailStatus: ['enabled'], zimbraMailTransport: [`lmtp:${a.mailboxHost}:7025`] };
    Object.assign(ownAccount(d.accounts, name)!, structuredClone(attrs));
  }
  return d;
}

export interface FlowCheckOptions {
  /** What the peer really does with unknown users, when it is not what zsplit's peer steps ask for. */
  peerMode?: PeerMode;
}

export function planFlowCheck(p: Plan, observed?: Observed, opts: FlowCheckOptions = {}): PlanCheck {
  const answers = observed ? readPeerAccounts(p, observed) : p.answers;
  // directoryFromObserved builds a fresh directory: the plan is applied to it in place, without
  // the copy and the inverses applyPlanToModel makes.
  const after = applyPlanInPlace(directoryFromObserved(answers, observed ?? offlineObserved(p.job, answers)), p.steps);
  const peer = expectedPeerBehaviour(answers, zimbraUserAddresses(after, answers.domains));
  if (opts.peerMode) peer.mode = opts.peerMode;
  // Cutover and unsplit run with the MX where setup left it: on the authoritative side.
  const mx = p.job === 'unsplit' ? 'zimbra' : answers.role === 'primary' ? 'zimbra' : 'peer';
  return checkPlan({ answers, zimbra: after, peer, mx });
}

/**
 * A cutover reads only its own users (not a listing of the whole domain), so the peer users it
 * did not read are left out of its check: the wave does not change their routing, and an entry
 * that was never read would be traced as missing (a false "rejected at RCPT" refusing the wave).
 */
function readPeerAccounts(p: Plan, observed: Observed): Answers {
  if (p.job !== 'cutover' || observed.accounts) return p.answers;
  const read = (name: string) => observed.entries[entryKey({ kind: 'account', name: name.toLowerCase() })] !== undefined;
  const peerAccounts = p.answers.peerAccounts.filter((a) => read(a.address));
  return peerAccounts.length === p.answers.peerAccounts.length ? p.answers : { ...p.answers, peerAccounts };
}

/**
 * Offline (nothing read from Zimbra): an "empty-ish" directory standing in for the server. The
 * shared domains exist; for a cutover or an unsplit the split is assumed in place (the setup plan
 * of the same role applied), and the cutover's users exist on the side they leave (a Zimbra
 * mailbox for `to-peer`, a locked placeholder routed to the peer for `to-zimbra`). Zimbra's own
 * users are unknown offline: an address that is neither a peer account nor a cutover user is
 * traced as an unknown address.
 */
export function offlineObserved(job: Job, answers: Answers): Observed {
  let d: Directory = directoryFromObserved(answers, undefined);
  for (const dom of answers.domains) d.domains[dom] = { zimbraDomainName: [dom], zimbraDomainType: ['local'], ...d.domains[dom] };
  if (job !== 'setup' && answers.role) {
    const setupAnswers: Answers = { ...answers, cutover: undefined };
    const setup = plan('setup', setupAnswers);
    d = applyPlanToModel(d, setup.steps).after;
  }
  const cut = answers.cutover;
  if (job === 'cutover' && cut) {
    for (const u of cut.users) {
      const name = u.toLowerCase();
      if (d.accounts[name]) continue;
      if (cut.direction === 'to-peer') {
        d.accounts[name] = { zimbraMailDeliveryAddress: [name], zimbraMailHost: [answers.mailboxHost], zimbraMailStatus: ['enabled'], zimbraAccountStatus: ['active'], zimbraMailTransport: [lmtpTransport(answers.mailboxHost)] };
      } else {
        d.accounts[name] = { zimbraMailDeliveryAddress: [name], zimbraMailHost: [answers.mailboxHost], zimbraMailStatus: ['enabled'], zimbraAccountStatus: ['locked'], zimbraMailTransport: [smtpTransport(answers.peer.host, answers.peer.port)] };
      }
    }
  }
  return observedOf(d, answers);
}

/** A directory in the shape zsplit reads from a server (probed entries + the gaa listing). */
export function observedOf(d: Directory, answers: Answers): Observed {
  const entries: Observed['entries'] = {};
  entries[entryKey({ kind: 'config', name: '' })] = structuredClone(d.config);
  for (const h of answers.zimbraHosts) entries[entryKey({ kind: 'server', name: h })] = structuredClone(d.servers[h] ?? {});
  for (const [name, attrs] of Object.entries(d.domains)) entries[entryKey({ kind: 'domain', name })] = structuredClone(attrs);
  for (const [name, attrs] of Object.entries(d.accounts)) entries[entryKey({ kind: 'account', name })] = structuredClone(attrs);
  return { entries, accounts: Object.entries(d.accounts).map(([name, attrs]) => ({ name, attrs: structuredClone(attrs) })) };
}
