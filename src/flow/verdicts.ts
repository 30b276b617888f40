/**
 * The verdicts of the flow check: what each address class expects (delivered on Zimbra, on the
 * peer, refused at RCPT...), what counts as loss, loop, bounce or backscatter for it, and the
 * hint that fixes it. Adding a class or a finding code means editing this file (and findings.ts
 * for the label). Pure.
 */
import { domainOf } from './directory.js';
import type { FlowModel } from './model.js';
import type { EntryPoint, Outcome, Trace } from './trace.js';
import { CLASS_EXPECT, type AddressClass, type FindingCode, type Severity } from './findings.js';

function isAlias(c: AddressClass): boolean {
  return c === 'zimbra-alias' || c === 'peer-alias';
}

export const FROM_LABEL: Record<EntryPoint, string> = {
  internet: 'from the Internet',
  zimbra: 'from Zimbra users',
  peer: 'from peer users',
};

export interface Verdict {
  severity: Severity;
  code: FindingCode;
  what: string;
}

export function judge(cls: AddressClass, t: Trace): Verdict | undefined {
  const o: Outcome = t.outcome;
  if (o === 'loop') return { severity: 'error', code: 'loop', what: 'loops between Zimbra and the peer' };
  const expect = CLASS_EXPECT[cls];
  if (expect === 'zimbra' || expect === 'peer') {
    const want = expect === 'zimbra' ? 'delivered-zimbra' : 'delivered-peer';
    if (o === want) {
      return t.deferred ? { severity: 'warning', code: 'deferred', what: 'waits in the queue (account in maintenance)' } : undefined;
    }
    switch (o) {
      case 'delivered-zimbra':
      case 'delivered-peer':
        return { severity: 'error', code: 'wrong-side', what: `is delivered on the wrong side (${o === 'delivered-zimbra' ? 'Zimbra' : 'the peer'})` };
      case 'external':
        return { severity: 'error', code: 'external', what: 'is handed to a host that is neither Zimbra nor the peer' };
      case 'bounced':
        return { severity: 'error', code: 'bounced', what: 'is accepted, then bounced or lost' };
      case 'rejected':
        return isAlias(cls)
          ? { severity: 'warning', code: 'alias-rejected', what: 'is rejected at RCPT' }
          : { severity: 'error', code: 'rejected', what: 'is rejected at RCPT' };
    }
  }
  if (expect === 'reject') {
    switch (o) {
      case 'bounced':
        return t.from === 'internet'
          ? { severity: 'warning', code: 'backscatter', what: 'is accepted, then bounced (backscatter) instead of rejected at RCPT,' }
          : undefined;
      case 'delivered-zimbra':
      case 'delivered-peer':
        return { severity: 'warning', code: 'unknown-accepted', what: `is accepted and delivered (${o === 'delivered-zimbra' ? 'Zimbra' : 'peer'} catch-all)` };
      case 'external':
        return { severity: 'warning', code: 'unknown-external', what: 'is accepted and handed to a third host' };
      default:
        return undefined;
    }
  }
  if (expect === 'members') {
    // a list's outcome is its worst member's (loop handled above)
    if (o === 'bounced') return { severity: 'error', code: 'bounced', what: 'loses a member\'s copy (accepted, then bounced)' };
    if (o === 'rejected') return { severity: 'error', code: 'rejected', what: 'is rejected at RCPT' };
    return t.deferred ? { severity: 'warning', code: 'deferred', what: 'waits in the queue for a member (account in maintenance)' } : undefined;
  }
  if (expect === 'none' && (o === 'bounced' || o === 'rejected')) {
    return { severity: 'warning', code: 'undeliverable', what: o === 'bounced' ? 'is accepted, then bounced' : 'is rejected at RCPT' };
  }
  return undefined;
}

/**
 * When a trace went through a routing subdomain that Zimbra does not accept as an alias domain of
 * its shared domain (zimbra.md §6.4): what makes it one.
 */
function routingDomainHint(m: FlowModel, t: Trace): string | undefined {
  if (m.peerRoutingDomains.size === 0) return undefined;
  for (const h of t.hops) {
    if (h.system !== 'zimbra-mta') continue;
    const rd = domainOf(h.address);
    const shared = m.peerRoutingDomains.get(rd);
    if (shared === undefined) continue;
    const dom = m.domains.get(rd);
    if (!dom) return `make Zimbra accept ${rd} as an alias domain of ${shared}: zmprov cad ${rd} ${shared} zimbraMailCatchAllForwardingAddress @${shared} (zsplit apply setup does it)`;
    if (dom.type !== 'alias' || !dom.mailEnabled || dom.catchAllForward !== `@${shared}` || !dom.catchAll.includes(`@${rd}`))
      return `${rd} must be an alias domain of ${shared} on Zimbra (zimbraDomainType alias, zimbraMailStatus enabled, catch-all @${rd} forwarding to @${shared}); check it with zmprov gd ${rd}`;
    return undefined;
  }
  return undefined;
}

export function hintFor(m: FlowModel, code: FindingCode, cls: AddressClass, address: string, t: Trace): string | undefined {
  if (code === 'loop' || code === 'external' || code === 'rejected' || code === 'bounced') {
    const routing = routingDomainHint(m, t);
    if (routing) return routing;
  }
  const peer = m.answers.peer;
  const smtp = `smtp:[${peer.host}]:${peer.port}`;
  const d = domainOf(address);
  switch (code) {
    case 'loop':
      return 'exactly one side may forward unknown recipients: on a Zimbra primary remove the domain catch-all; with a Zimbra catch-all make the peer authoritative';
    case 'rejected':
    case 'alias-rejected':
      if (t.rejectedBy === 'zimbra-mta' && t.reason.includes("split-domain check") && t.from === 'internet' && (cls === 'peer-user' || cls === 'peer-alias' || cls === 'cutover-to-peer')) {
        return `point the MX of ${d} at the peer: Zimbra's split-domain check refuses Internet mail for addresses its LDAP does not know (or create the placeholder: zmprov ca ${address} '' zimbraAccountStatus locked, then zmprov ma ${address} zimbraMailTransport ${smtp})`;
      }
      if (t.rejectedBy === 'zimbra-mta' && (cls === 'peer-user' || cls === 'cutover-to-peer')) {
        return `create the placeholder: zmprov ca ${address} '' zimbraAccountStatus locked, then zmprov ma ${address} zimbraMailTransport ${smtp}`;
      }
      if (t.rejectedBy === 'zimbra-mta' && cls === 'peer-alias') {
        const owner = m.answers.peerAccounts.find((p) => p.aliases.some((x) => x.toLowerCase() === address));
        return `add the alias on the placeholder: zmprov aaa ${owner?.address.toLowerCase() ?? '<placeholder>'} ${address}`;
      }
      if (t.rejectedBy === 'peer-mta') {
        return `make the peer route ${address} to Zimbra (mail contact / mail user / transport entry), or list it as a peer mailbox if it lives there`;
      }
      return undefined;
    case 'bounced':
      if (t.reason.includes('virtual_transport = error')) return `set the domain transport: zmprov md ${d} zimbraMailTransport ${smtp}`;
      return undefined;
    case 'backscatter':
      if (t.acceptedBy === 'zimbra-mta') {
        return 'let Zimbra check the next hop before accepting: zmprov mcf +zimbraMtaRestriction reject_unverified_recipient (or point the MX at the authoritative side)';
      }
      return 'point the MX at the authoritative side (it rejects unknown recipients at RCPT); until then the peer accepts them';
    default:
      return undefined;
  }
}

export function entriesText(from: EntryPoint[]): string {
  return from.map((f) => FROM_LABEL[f]).join(', ');
}
