import type { Answers } from '../model/types.js';
import type { Observed } from './observed.js';
import type { Step } from './step.js';
import { manualStep } from './step.js';

/** Users living on Zimbra (an lmtp transport), when the server was read. */
export function zimbraUsersOf(a: Answers, observed?: Observed): string[] {
  const domains = new Set(a.domains);
  return (observed?.accounts ?? [])
    .filter((acc) => domains.has(acc.name.split('@')[1]?.toLowerCase() ?? '') && (acc.attrs.zimbraMailTransport ?? []).some((t) => t.startsWith('lmtp:')))
    .map((acc) => acc.name);
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
