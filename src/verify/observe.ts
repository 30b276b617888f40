/**
 * Reads what the flow model needs from Zimbra through zmprov (any executor: local, ssh,
 * rehearsal): the plan's probes, the domains' routing attributes, the MTA settings of the global
 * config and of each MTA server; and every account of the shared domains with `zmprov -l gaa -v -e`
 * (one per domain): through one zmprov session.
 */
import type { Zmprov } from '../exec/zmprov.js';
import type { Answers, Job } from '../model/types.js';
import { plan, probeRequests } from '../plan/index.js';
import type { Observed, ProbeRequest } from '../plan/index.js';
import { entryKey, type Entry } from '../zimbra/commands.js';
import { pushAll } from '../model/arrays.js';

export const DOMAIN_ROUTING_ATTRS = [
  'zimbraDomainName',
  'zimbraDomainType',
  'zimbraMailStatus',
  'zimbraMailTransport',
  'zimbraMailCatchAllAddress',
  'zimbraMailCatchAllForwardingAddress',
];

export const MTA_ATTRS = ['zimbraMtaMyNetworks', 'zimbraMtaRelayHost', 'zimbraMtaSmtpDnsSupportLevel', 'zimbraMtaDnsLookupsEnabled', 'zimbraMtaRestriction', 'zimbraMtaHopcountLimit'];

/** The plan's probes plus the routing context, one request per entry. */
export function flowProbeRequests(job: Job, answers: Answers): ProbeRequest[] {
  const byKey = new Map<string, ProbeRequest>();
  const want = (entry: Entry, attrs: string[]) => {
    const key = entryKey(entry);
    const req = byKey.get(key) ?? { entry, attrs: [] };
    for (const a of attrs) if (!req.attrs.includes(a)) req.attrs.push(a);
    byKey.set(key, req);
  };
  for (const r of probeRequests(plan(job, answers).steps, answers, job)) want(r.entry, r.attrs);
  for (const d of answers.domains) want({ kind: 'domain', name: d }, DOMAIN_ROUTING_ATTRS);
  want({ kind: 'config', name: '' }, MTA_ATTRS);
  for (const h of answers.zimbraHosts) want({ kind: 'server', name: h }, [...MTA_ATTRS, 'zimbraServiceEnabled']);
  return [...byKey.values()];
}

/** Everything `flowState` routes through, as read from the server now. */
export async function observeForFlow(zmprov: Zmprov, job: Job, answers: Answers): Promise<Observed> {
  // One zmprov -l for all of it (one JVM start; listings parsed as they arrive); -f batches when
  // no session can be opened. A session the caller opened stays open.
  const opened = !zmprov.inSession && (await zmprov.begin());
  try {
    return await readForFlow(zmprov, job, answers);
  } finally {
    if (opened) await zmprov.end();
  }
}

async function readForFlow(zmprov: Zmprov, job: Job, answers: Answers): Promise<Observed> {
  // The listing first: the probe answers the domains' accounts from it instead of listing again.
  const accounts = await zmprov.listDomains(answers.domains);
  const observed = await zmprov.probe(flowProbeRequests(job, answers), { listed: { domains: answers.domains, accounts } });
  observed.accounts = accounts;
  // A secondary: Zimbra's lists and calendar resources are routed to it by the peer too.
  if (answers.role === 'secondary')
    for (const d of answers.domains) {
      const r = await zmprov.listListsAndResources(d);
      pushAll((observed.lists ??= []), r.lists);
      pushAll((observed.resources ??= []), r.resources);
    }
  return observed;
}
