import type { Answers } from '../model/types.js';
import type { Observed } from './observed.js';
import type { Step } from './step.js';
import { manualStep } from './step.js';

/**
 * Addresses living on Zimbra (accounts with an lmtp transport, and their aliases), when the
 * server was read: an authoritative peer must know every one of them.
 */
export function zimbraUsersOf(a: Answers, observed?: Observed): string[] {
  const domains = new Set(a.domains);
  const inDomain = (x: string) => domains.has(x.split('@')[1]?.toLowerCase() ?? '');
  return (observed?.accounts ?? [])
    .filter((acc) => inDomain(acc.name) && (acc.attrs.zimbraMailTransport ?? []).some((t) => t.startsWith('lmtp:')))
    .flatMap((acc) => [acc.name, ...(acc.attrs.zimbraMailAlias ?? []).filter(inDomain)]);
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
