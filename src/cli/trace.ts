/**
 * `zsplit trace [JOB] ADDRESS [--from internet|zimbra|peer] [--json] [answers]`: where mail for
 * ADDRESS goes once the plan is applied, hop by hop. Offline, the plan is applied to an
 * "empty-ish" directory (src/verify/state.ts); with --connect (or --rehearsal) to what zmprov
 * reads from the server now. Exit 0 whatever the outcome (a loop is an answer, not an error).
 */
import { formatTrace, route, ENTRY_POINTS, type EntryPoint, type Trace, OUTCOME_LABEL } from '../flow/index.js';
import type { Job } from '../model/types.js';
import { JOBS } from '../model/types.js';
import { PlanRefused } from '../plan/index.js';
import type { Observed } from '../plan/index.js';
import { flowState, offlineObserved } from '../verify/state.js';
import type { Flags } from './args.js';
import { UsageError } from './args.js';
import { addressError } from '../model/validate.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { answersFrom, peerModeFlag } from './plan.js';
import type { RawAnswers } from '../model/validate.js';

/** `[JOB] REST...`: an optional leading job name; without it, cutover when --users is given, else setup. */
export function jobAndRest(flags: Flags, positionals: string[]): { job: Job; rest: string[] } {
  if (positionals.length > 0 && (JOBS as readonly string[]).includes(positionals[0])) return { job: positionals[0] as Job, rest: positionals.slice(1) };
  return { job: flags.users ? 'cutover' : 'setup', rest: positionals };
}

export function fromFlag(flags: Flags): EntryPoint[] {
  const f = flags.from;
  if (f === undefined || f === 'all') return [...ENTRY_POINTS];
  if (!(ENTRY_POINTS as readonly string[]).includes(f)) throw new UsageError(`--from: "${f}" must be internet, zimbra or peer`, '--from');
  return [f as EntryPoint];
}

/**
 * The wizard's saved answers of the domain (the --domain given, else `domain`, else the newest),
 * under the flags: trace and verify need the same answers the setup was made with.
 */
export async function savedBase(flags: Flags, io: CliIO, domain?: string): Promise<RawAnswers | undefined> {
  // Answers given on the command line (or in --config) are the whole set: nothing saved mixes in.
  if (flags.config || flags.role || flags['peer-host'] || flags['peer-kind']) return undefined;
  const { savedAnswersFor } = await import('./saved.js');
  const saved = await savedAnswersFor(flags, io, flags.domain?.[0] ?? domain);
  if (saved) io.err(`-- using the answers saved for ${saved.domain} (${saved.savedAt}, ${saved.path}); flags override them\n`);
  return saved?.raw;
}

/** Answers from flags, filling the Zimbra host and version from the server when connecting (as apply does). */
export async function connectedAnswers(flags: Flags, job: Job, io: CliIO, saved?: RawAnswers) {
  const { detectZimbra, makeExecutor } = await import('./target.js');
  const exec = makeExecutor(flags, io);
  const have = (flag: 'zimbra-version' | 'zimbra-host', key: 'zimbraVersion' | 'zimbraHost') => flags[flag] !== undefined || Boolean(saved?.[key]);
  const detected = have('zimbra-version', 'zimbraVersion') && have('zimbra-host', 'zimbraHost') ? {} : await detectZimbra(exec);
  const withDefaults: Flags = {
    ...flags,
    'zimbra-version': flags['zimbra-version'] ?? (saved?.zimbraVersion ? undefined : detected.version),
    'zimbra-host': flags['zimbra-host'] ?? (saved?.zimbraHost || !detected.hostname ? undefined : [detected.hostname]),
  };
  return { exec, answers: answersFrom(withDefaults, job, io, saved) };
}

export async function traceCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  const { job, rest } = jobAndRest(flags, positionals);
  if (rest.length !== 1) throw new UsageError('name one address: zsplit trace [setup|cutover|unsplit] ADDRESS [--from internet|zimbra|peer] [answers]');
  const address = rest[0].trim().toLowerCase();
  // Validated like every other address input: it reaches SMTP probes (--connect) and the output.
  const bad = addressError(address, []);
  if (bad) throw new UsageError(`ADDRESS: ${bad}`);
  const froms = fromFlag(flags);
  const peerMode = peerModeFlag(flags);
  const saved = await savedBase(flags, io, address.split('@')[1]);
  // In rehearsal (no Zimbra here, as apply) the simulated directory, once there is one, is what
  // to read: its users exist and are not traced as unknown addresses.
  const { rehearsalStatePath, rehearsalTarget } = await import('./target.js');
  const { existsSync } = await import('node:fs');
  const connect = Boolean(flags.connect || flags.rehearsal || (rehearsalTarget(flags, io) && existsSync(rehearsalStatePath(flags, io))));

  let observed: Observed;
  let source: string;
  let answers;
  if (connect) {
    const c = await connectedAnswers(flags, job, io, saved);
    answers = c.answers;
    if (!answers) return EXIT.invalid;
    const { Zmprov } = await import('../exec/zmprov.js');
    const { observeForFlow } = await import('../verify/observe.js');
    observed = await observeForFlow(new Zmprov(c.exec), job, answers);
    source = `the directory read on ${c.exec.label}`;
  } else {
    answers = answersFrom(flags, job, io, saved);
    if (!answers) return EXIT.invalid;
    observed = offlineObserved(job, answers);
    source = 'an empty directory (offline: Zimbra was not read)';
  }

  let state;
  try {
    state = flowState(job, answers, observed, { peerMode });
  } catch (e) {
    if (!(e instanceof PlanRefused)) throw e;
    for (const r of e.reasons) io.err(`zsplit: refused: ${r}\n`);
    return EXIT.refused;
  }
  const traces: Trace[] = froms.map((f) => route(state.input(state.after), address, f));

  const notes: string[] = [];
  const known = Boolean(state.after.accounts[address]) || Object.values(state.after.accounts).some((a) => (a.zimbraMailAlias ?? []).some((x) => x.toLowerCase() === address));
  const peerKnown = state.peer.users.some((u) => u.address.toLowerCase() === address || u.aliases.some((x) => x.toLowerCase() === address));
  if (!connect && !known && !peerKnown) {
    notes.push(`${address} is neither a peer account (--peer-accounts) nor a cutover user, and Zimbra's own accounts are not known offline: it is traced as an unknown address. Add --connect to trace through the real directory.`);
  }
  if (state.pending.length && connect) notes.push(`${state.pending.length} change(s) of the ${job} plan are not applied yet; the trace shows the state after them.`);
  if (peerMode) notes.push(`the peer is modelled as ${peerMode} (--peer-mode), not as zsplit's peer steps would configure it`);

  if (flags.json) {
    io.out(`${JSON.stringify({ format: 'zsplit.trace/1', address, job, role: answers.role, state: connect ? 'observed+plan' : 'offline+plan', peerMode: state.peer.mode, mx: state.mx, traces, notes }, null, 2)}\n`);
    return EXIT.ok;
  }
  const role = answers.role === 'primary' ? 'Zimbra primary (authoritative)' : answers.role === 'secondary' ? 'Zimbra secondary' : '';
  io.out(`zsplit trace ${address}: after the ${job} plan${role ? ` (${role}, peer ${answers.peer.kind} ${answers.peer.host}, ${state.peer.mode})` : ''}, applied to ${source}; MX of ${answers.domains[0]} -> ${state.mx === 'zimbra' ? 'Zimbra' : 'the peer'}\n`);
  for (const t of traces) {
    io.out('\n');
    io.out(`${formatTrace(t, { width: 100 }).join('\n')}\n`);
  }
  io.out(`\n${traces.map((t) => `from ${t.from}: ${OUTCOME_LABEL[t.outcome]}`).join('; ')}\n`);
  for (const n of notes) io.out(`note: ${n}\n`);
  return EXIT.ok;
}
