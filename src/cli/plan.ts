/** `zsplit plan setup|cutover|unsplit`: validate the answers, plan, render. */
import type { Job } from '../model/types.js';
import { JOBS } from '../model/types.js';
import type { Answers } from '../model/types.js';
import { validateAnswers } from '../model/validate.js';
import type { RawAnswers } from '../model/validate.js';
import { PlanRefused, listCheckAddresses, plan, probeRequests } from '../plan/index.js';
import type { Zmprov } from '../exec/zmprov.js';
import type { Observed, Plan } from '../plan/index.js';
import type { RunAs } from '../plan/render.js';
import { planFlowCheck } from '../plan/flowcheck.js';
import type { Finding, PeerMode } from '../flow/index.js';
import { formatTrace } from '../flow/index.js';
import { writePlan } from './output.js';
import type { Flags } from './args.js';
import { UsageError, rawAnswers } from './args.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { JournalStore } from '../journal/journal.js';
import { priorOfSetup } from '../journal/prior.js';
import { stateDir } from './target.js';
import { withRecipientFlags } from './inventory.js';

export function jobArg(positional: string | undefined): Job {
  if (!positional || !(JOBS as readonly string[]).includes(positional)) throw new UsageError(`name the job: ${JOBS.join(', ')} (e.g. zsplit plan setup ...)`);
  return positional as Job;
}

/** Answers from flags, or a UsageError-like report naming every bad flag. */
export function answersFrom(flags: Flags, job: Job, io: CliIO, saved?: RawAnswers): Answers | undefined {
  const v = validateAnswers(rawAnswers(flags, saved), job);
  if (!v.answers) {
    for (const e of v.errors) io.err(`zsplit: ${e.flag}: ${e.message}\n`);
    return undefined;
  }
  for (const w of v.warnings) io.err(`warning: ${w}\n`);
  const answers = withRecipientFlags(v.answers, flags);
  return job === 'unsplit' ? withPrior(answers, flags, io) : answers;
}

/** Unsplit: what the setup runs of the domain recorded before they changed it (their journals in the state folder). */
function withPrior(answers: Answers, flags: Flags, io: CliIO): Answers {
  const prior = priorOfSetup(new JournalStore(stateDir(flags, io)).runs(), answers.domains);
  if (prior) io.err(`zsplit: unsplit restores the values setup found, from its journal (${prior.runs.join(', ')})\n`);
  return prior ? { ...answers, prior } : answers;
}

export function runAsFlag(flags: Flags): RunAs {
  const r = flags['run-as'] ?? 'zimbra';
  if (r !== 'zimbra' && r !== 'current') throw new UsageError(`--run-as: "${r}" must be zimbra or current`, '--run-as');
  return r;
}

export function peerModeFlag(flags: Flags): PeerMode | undefined {
  const m = flags['peer-mode'];
  if (m === undefined) return undefined;
  if (m !== 'authoritative' && m !== 'forward-unknown') throw new UsageError(`--peer-mode: "${m}" must be authoritative or forward-unknown`, '--peer-mode');
  return m;
}

/** Refuses a plan that loops or loses mail, with the traces that show it (PlanRefused). */
export function flowChecked(p: Plan, flags: Flags, observed?: Observed, io?: CliIO): Plan {
  if (flags['no-flow-check']) return p;
  const check = planFlowCheck(p, observed, { peerMode: peerModeFlag(flags) });
  const explain = (f: Finding) => [`${f.message}${f.count > 1 ? ` (${f.count} addresses, e.g. ${f.examples.join(', ')})` : ''}`, ...(f.hint ? [`  fix: ${f.hint}`] : []), ...formatTrace(f.trace).map((l) => `  ${l}`)].join('\n');
  if (!check.ok) throw new PlanRefused([...check.errors.map(explain), 'The plan would lose or loop mail; nothing was applied. (--no-flow-check skips this check.)']);
  for (const w of check.warnings) io?.err(`warning: ${explain(w)}\n`);
  return { ...p, warnings: [...p.warnings, ...check.warnings.map((w) => w.message)] };
}

export function makePlan(job: Job, answers: Answers, io: CliIO, observed?: Observed, flags?: Flags): Plan | undefined {
  try {
    const p = plan(job, answers, observed);
    return flags ? flowChecked(p, flags, observed, io) : p;
  } catch (e) {
    if (!(e instanceof PlanRefused)) throw e;
    for (const r of e.reasons) io.err(`zsplit: refused: ${r}\n`);
    return undefined;
  }
}

/**
 * Whether planning and applying read every account of the domain too (one `zmprov -l gaa -v -e` per
 * domain): an unsplit looks for accounts still routed to the peer, and a secondary setup lists
 * Zimbra's users for the peer. A cutover reads only its users: on a domain of 50,000 accounts
 * the listing took far longer than the wave itself.
 */
export function needsAccountList(job: Job, answers: Answers): boolean {
  return job === 'unsplit' || (job === 'setup' && answers.role === 'secondary');
}

/** A secondary setup names every Zimbra recipient to the peer: lists and calendar resources too. */
export function needsListsAndResources(job: Job, answers: Answers): boolean {
  return job === 'setup' && answers.role === 'secondary';
}

export async function listsAndResources(zmprov: Pick<Zmprov, 'listListsAndResources'>, domains: string[]): Promise<Pick<Observed, 'lists' | 'resources'>> {
  const all = await Promise.all(domains.map((d) => zmprov.listListsAndResources(d)));
  return { lists: all.flatMap((x) => x.lists), resources: all.flatMap((x) => x.resources) };
}

/** Reads the current values the plan needs from the server (one zmprov batch; gaa when needsAccountList). */
export async function observeWith(zmprov: Zmprov, job: Job, answers: Answers): Promise<Observed> {
  // The listing first, when the job needs one: the probe answers those accounts from it.
  const accounts = needsAccountList(job, answers) ? await zmprov.listDomains(answers.domains) : undefined;
  // Peer addresses may be Zimbra distribution lists, which the planner refuses.
  const observed = await zmprov.probe(probeRequests(plan(job, answers).steps, answers, job), { listCandidates: listCheckAddresses(job, answers), listed: accounts && { domains: answers.domains, accounts } });
  if (accounts) observed.accounts = accounts;
  if (needsListsAndResources(job, answers)) Object.assign(observed, await listsAndResources(zmprov, answers.domains));
  return observed;
}

async function observe(flags: Flags, job: Job, answers: Answers, io: CliIO): Promise<Observed> {
  const { makeExecutor } = await import('./target.js');
  const { Zmprov } = await import('../exec/zmprov.js');
  const zmprov = new Zmprov(makeExecutor(flags, io));
  // One zmprov -l for the probe and the listings, as apply reads (a listing is then parsed as it
  // arrives, never one string); -f batches when no session can be opened.
  await zmprov.begin();
  try {
    return await observeWith(zmprov, job, answers);
  } finally {
    await zmprov.end();
  }
}

export async function planCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  const job = jobArg(positionals[0]);
  const format = flags.format ?? (flags.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'sh' && format !== 'json') throw new UsageError(`--format: "${format}" must be text, sh or json`, '--format');
  const runAs = runAsFlag(flags);
  const answers = answersFrom(flags, job, io);
  if (!answers) return EXIT.invalid;
  const observed = flags.connect ? await observe(flags, job, answers, io) : undefined;
  const p = makePlan(job, answers, io, observed, flags);
  if (!p) return EXIT.refused;
  writePlan(p, format, { runAs, out: flags.out, io });
  if (flags.out) io.err(`zsplit: wrote ${p.steps.length} steps to ${flags.out}\n`);
  return EXIT.ok;
}
