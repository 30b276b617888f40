/**
 * `zsplit verify --post`: read-only checks after apply.
 *  - every zmprov change of the plan is in place (nothing pending, nothing undone since);
 *  - the planned state passes the mail-flow check;
 *  - `postmap -q` of sample addresses against Zimbra's ldap-transport.cf and ldap-vam.cf answers
 *    what the directory says (the same evaluation the simulator uses);
 *  - `postconf -h relayhost mynetworks smtp_dns_support_level` is what zmconfigd writes;
 *  - SMTP probes (EHLO, MAIL FROM:<>, RCPT TO, RSET, QUIT; never DATA) against Zimbra's MTA and
 *    the peer get the accept or reject the flow model expects;
 *  - each sample address routes now as the plan intends (current state vs planned state).
 * Every command goes through the Executor, so it works locally, over ssh and in rehearsal.
 */
import { checkPlan, ENTRY_POINTS, inNetworks, OUTCOME_LABEL, route, traceRow, type PeerMode } from '../flow/index.js';
import type { Executor } from '../exec/types.js';
import { Zmprov } from '../exec/zmprov.js';
import type { Answers, Job } from '../model/types.js';
import { PlanRefused } from '../plan/index.js';
import { readValues } from '../plan/model.js';
import { showValues } from '../plan/step.js';
import { changedAttr, entryLabel } from '../zimbra/commands.js';
import { connectAddress, type DnsOptions } from './dns.js';
import { expectedMapValues, expectedPostconf, expectedRcpt, POSTCONF_PARAMS, sameSet, sampleAddresses, splitValues, type Sample } from './expect.js';
import { observeForFlow } from './observe.js';
import { makeReport, type Check, type VerifyReport } from './report.js';
import { probeRecipients, replyLine } from './smtp.js';
import { flowState, type FlowState } from './state.js';

export interface VerifyOptions {
  exec: Executor;
  job: Job;
  answers: Answers;
  peerMode?: PeerMode;
  /** --address: more sample addresses. */
  addresses?: string[];
  /** Where Zimbra's MTA listens for SMTP (--zimbra-smtp-port, default 25). */
  zimbraSmtpPort?: number;
  dns?: DnsOptions;
  /** Per SMTP connect/reply and per command (default 10 s). */
  timeoutMs?: number;
  /** --rehearsal was asked for (else a rehearsal executor means zmprov was not found here). */
  rehearsalRequested?: boolean;
}

const CONF = '/opt/zimbra/conf';
const show = (v: string[] | null) => (v === null ? 'nothing (not found)' : v.join(', '));

export async function verifyPost(o: VerifyOptions): Promise<VerifyReport> {
  const checks: Check[] = [];
  const notes: string[] = [];
  const a = o.answers;
  const timeoutMs = o.timeoutMs ?? 10_000;

  // --- the directory, through zmprov
  if (o.exec.rehearsal && !o.rehearsalRequested) {
    checks.push({
      check: 'zmprov',
      target: o.exec.label,
      status: 'fail',
      detail: 'zmprov is not installed on this host',
      reason: 'zsplit fell back to the simulated Zimbra, so the directory, postmap and postconf checks below are about the simulator; run it on the Zimbra server, over --target ssh://..., or give --zmprov PATH',
    });
  }
  const zmprov = new Zmprov(o.exec);
  let state: FlowState;
  const started = performance.now();
  try {
    const observed = await observeForFlow(zmprov, o.job, a);
    state = flowState(o.job, a, observed, { peerMode: o.peerMode });
  } catch (e) {
    const refused = e instanceof PlanRefused;
    checks.push({
      check: refused ? 'plan' : 'zmprov',
      target: refused ? o.job : o.exec.label,
      status: 'fail',
      detail: refused ? 'the plan is refused' : 'cannot read the directory',
      reason: refused ? e.reasons.join('; ') : (e as Error).message,
    });
    return makeReport('post', checks, notes);
  }
  checks.push({
    check: 'zmprov',
    target: o.exec.label,
    status: 'pass',
    detail: `read ${Object.keys(state.before.accounts).length} account(s) of ${a.domains.join(', ')} and the MTA settings`,
    durationMs: performance.now() - started,
  });

  // --- changes of the plan
  const zmprovSteps = state.plan.steps.filter((s) => s.kind === 'zmprov');
  if (state.pending.length === 0) {
    checks.push({ check: 'changes', target: `${o.job} plan`, status: 'pass', detail: `all ${zmprovSteps.length} zmprov change(s) are in place` });
  }
  for (const s of state.pending) {
    const now = readValues(state.before, s.entry!, changedAttr(s.change!, s.entry!.kind));
    checks.push({
      check: 'changes',
      target: entryLabel(s.entry!),
      status: 'fail',
      detail: `pending: ${s.title}`,
      expected: s.desired,
      actual: showValues(now),
      reason: `${changedAttr(s.change!, s.entry!.kind)} is ${showValues(now)}, the ${o.job} plan wants ${s.desired}: not applied, or changed since (zsplit apply ${o.job} puts it back; zsplit plan ${o.job} --connect shows it)`,
    });
  }

  // --- the planned state's mail flow
  const check = checkPlan(state.input(state.after));
  if (check.ok) checks.push({ check: 'plan flow', target: 'every address class', status: 'pass', detail: `no loop, no lost mail (${check.stats.traced} traces)` });
  for (const f of check.errors) checks.push({ check: 'plan flow', target: f.address, status: 'fail', detail: f.message, reason: f.trace.reason });
  for (const f of check.warnings) checks.push({ check: 'plan flow', target: f.address, status: 'warn', detail: f.message, reason: f.hint ?? f.trace.reason });

  const samples = sampleAddresses(state, o.addresses ?? []);
  notes.push(`sample addresses: ${samples.map((s) => `${s.address} (${s.kind})`).join(', ')}`);

  // --- postmap -q against Zimbra's LDAP maps
  const keys: { file: string; key: string; what: string }[] = [];
  for (const s of samples) {
    keys.push({ file: 'ldap-transport.cf', key: s.address, what: s.kind });
    keys.push({ file: 'ldap-vam.cf', key: s.address, what: s.kind });
  }
  for (const d of a.domains) {
    keys.push({ file: 'ldap-transport.cf', key: d, what: 'domain transport' });
    keys.push({ file: 'ldap-vam.cf', key: `@${d}`, what: 'domain catch-all' });
  }
  for (const k of keys) checks.push(await postmapCheck(o.exec, state, k, timeoutMs));

  // --- postconf
  checks.push(...(await postconfChecks(o.exec, state, timeoutMs)));

  // --- SMTP probes
  const addresses = samples.map((s) => s.address);
  const mtas: { mta: 'zimbra' | 'peer'; host: string; port: number }[] = [
    { mta: 'zimbra', host: a.zimbraHosts[0], port: o.zimbraSmtpPort ?? 25 },
    { mta: 'peer', host: a.peer.host, port: a.peer.port },
  ];
  const probes = await Promise.all(mtas.map((m) => smtpChecks(state, m, samples, addresses, o.dns ?? {}, timeoutMs)));
  for (const p of probes) checks.push(...p);

  // --- routing now vs as planned
  for (const s of samples) checks.push(flowCheck(state, s));

  return makeReport('post', checks, notes);
}

async function postmapCheck(exec: Executor, s: FlowState, k: { file: string; key: string; what: string }, timeoutMs: number): Promise<Check> {
  const table = `ldap:${CONF}/${k.file}`;
  const expected = expectedMapValues(s.after, s.answers, k.file, k.key);
  const base: Pick<Check, 'check' | 'target'> = { check: `postmap ${k.file.replace(/^ldap-|\.cf$/g, '')}`, target: k.key };
  let actual: string[] | null;
  const started = performance.now();
  try {
    const r = await exec.run('postmap', ['-q', k.key, table], { timeoutMs });
    if (r.exitCode === 0) actual = splitValues(r.stdout);
    else if (r.exitCode === 1 && r.stderr.trim() === '') actual = null;
    else {
      return { ...base, status: 'fail', detail: `postmap -q ${k.key} ${table} failed (exit ${r.exitCode})`, reason: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || 'no output', durationMs: performance.now() - started };
    }
  } catch (e) {
    return { ...base, status: 'fail', detail: `postmap could not run`, reason: (e as Error).message };
  }
  const durationMs = performance.now() - started;
  const detail = `${show(actual)}${k.what ? ` (${k.what})` : ''}`;
  if (sameSet(expected, actual)) return { ...base, status: 'pass', detail, expected: show(expected), actual: show(actual), durationMs };
  const current = expectedMapValues(s.before, s.answers, k.file, k.key);
  let why: string;
  if (!sameSet(current, expected) && sameSet(current, actual)) why = 'LDAP still holds the value from before the plan: the change is not applied (see the changes rows)';
  else if (!sameSet(current, actual)) {
    const strangers = (actual ?? []).filter((v) => v.includes('@') && !v.startsWith('@') && !s.before.accounts[v.toLowerCase()] && !s.answers.domains.includes(v.split('@')[1]?.toLowerCase() ?? ''));
    why = strangers.length
      ? `the map also returns ${strangers.join(', ')}, an account outside ${s.answers.domains.join(', ')} (a catch-all or alias there claims this key; zimbra.md 7.4)`
      : 'Postfix reads something else than zmprov reports: an LDAP replica behind the master, another LDAP server, or a map file that differs from Zimbra\'s';
  }
  else why = 'the directory differs from the plan';
  const effect =
    k.file === 'ldap-transport.cf'
      ? expected && !actual
        ? ` Without it Postfix falls back to the domain's transport or to virtual_transport = error, so mail for ${k.key} does not go to ${expected.join(', ')}.`
        : ''
      : expected && !actual
        ? ` Without it ${k.key} is unknown to Postfix (rejected at RCPT, or caught by a catch-all).`
        : '';
  return { ...base, status: 'fail', detail, expected: show(expected), actual: show(actual), reason: `expected ${show(expected)}, Postfix's map answers ${show(actual)}: ${why}.${effect}`, durationMs };
}

async function postconfChecks(exec: Executor, s: FlowState, timeoutMs: number): Promise<Check[]> {
  const a = s.answers;
  const want = expectedPostconf(s.after, a);
  let got: string[];
  try {
    const r = await exec.run('postconf', ['-h', ...POSTCONF_PARAMS], { timeoutMs });
    if (r.exitCode !== 0) return [{ check: 'postconf', target: POSTCONF_PARAMS.join(' '), status: 'fail', detail: `postconf -h failed (exit ${r.exitCode})`, reason: (r.stderr || r.stdout).trim() }];
    got = r.stdout.replace(/\n$/, '').split('\n');
  } catch (e) {
    return [{ check: 'postconf', target: POSTCONF_PARAMS.join(' '), status: 'fail', detail: 'postconf could not run', reason: (e as Error).message }];
  }
  const out: Check[] = [];
  POSTCONF_PARAMS.forEach((p, i) => {
    const actual = (got[i] ?? '').trim();
    const expected = want[p];
    let same: boolean;
    if (p === 'mynetworks') same = sameSet(expected.split(/[\s,]+/).filter(Boolean), actual.split(/[\s,]+/).filter(Boolean));
    else if (p === 'smtp_dns_support_level') same = (expected || 'enabled') === (actual || 'enabled');
    else same = expected.toLowerCase() === actual.toLowerCase();
    const c: Check = { check: 'postconf', target: p, status: same ? 'pass' : 'fail', detail: actual === '' ? '(empty)' : actual, expected, actual };
    if (!same) {
      c.reason = `main.cf has "${actual}", the directory says "${expected}": zmconfigd has not rewritten main.cf yet (run zmmtactl reload), or main.cf was edited by hand`;
    }
    out.push(c);
  });
  if (a.peer.ips.length) {
    const nets = (got[1] ?? '').split(/[\s,]+/).filter(Boolean);
    const missing = a.peer.ips.filter((ip) => !inNetworks(ip, nets));
    out.push(
      missing.length === 0
        ? { check: 'postconf', target: 'peer relay', status: 'pass', detail: `${a.peer.ips.join(', ')} in mynetworks` }
        : { check: 'postconf', target: 'peer relay', status: 'fail', detail: `${missing.join(', ')} not in mynetworks`, reason: `the peer relays from ${missing.join(', ')}; its Internet-bound mail through Zimbra gets "554 5.7.1 Relay access denied" (zimbra.md 7.5)` },
    );
  }
  return out;
}

async function smtpChecks(s: FlowState, m: { mta: 'zimbra' | 'peer'; host: string; port: number }, samples: Sample[], addresses: string[], dns: DnsOptions, timeoutMs: number): Promise<Check[]> {
  const name = m.mta === 'zimbra' ? 'Zimbra MTA' : 'peer MTA';
  const check = `smtp ${m.mta}`;
  const where = `${m.host}:${m.port}`;
  const target = await connectAddress(m.host, dns);
  if (!target.address) return [{ check, target: where, status: 'fail', detail: `cannot resolve ${m.host}`, reason: target.error }];
  const r = await probeRecipients(target.address, m.port, addresses, { timeoutMs });
  const out: Check[] = [];
  if (r.error && !r.banner) return [{ check, target: where, status: 'fail', detail: `no SMTP session with the ${name}`, reason: r.error, durationMs: r.durationMs }];
  out.push({
    check,
    target: where,
    status: r.error ? 'fail' : 'pass',
    detail: r.banner ? replyLine(r.banner) : 'no banner',
    reason: r.error,
    durationMs: r.durationMs,
  });
  for (const sample of samples) {
    const res = r.results.find((x) => x.address === sample.address);
    const exp = expectedRcpt(s, sample.address, m.mta);
    const expText = exp.accept === undefined ? 'no expectation' : exp.accept ? 'accept' : 'reject';
    const c: Check = { check, target: sample.address, status: 'pass', detail: '', expected: expText };
    if (!res || (!res.reply && res.error)) {
      c.status = 'fail';
      c.detail = `${sample.kind}: not probed`;
      c.reason = res?.error ?? r.error ?? 'the session ended early';
      out.push(c);
      continue;
    }
    const reply = res.reply!;
    c.actual = replyLine(reply);
    c.detail = `RCPT ${replyLine(reply)} (${sample.kind}, expected ${expText})`;
    const accepted = reply.code >= 200 && reply.code < 300;
    if (exp.accept === undefined) c.status = 'info';
    else if (exp.accept && !accepted) {
      c.status = 'fail';
      c.reason =
        reply.code >= 400 && reply.code < 500
          ? `a temporary refusal where the model expects the ${name} to accept (${exp.why}); mail waits or is refused`
          : `the ${name} refuses ${sample.address}, the model expects it to accept it (${exp.why}): mail for it is rejected`;
    } else if (!exp.accept && accepted) {
      c.status = 'fail';
      c.reason = `the ${name} accepts ${sample.address}, the model expects a refusal at RCPT (${exp.why}): accepted mail for it is bounced later (backscatter) or loops`;
    }
    out.push(c);
  }
  return out;
}

function flowCheck(s: FlowState, sample: Sample): Check {
  const parts: string[] = [];
  const diffs: string[] = [];
  for (const from of ENTRY_POINTS) {
    const planned = route(s.input(s.after), sample.address, from);
    const now = route(s.input(s.before), sample.address, from);
    parts.push(`${from}: ${traceRow(now).result}`);
    if (now.outcome !== planned.outcome || now.outcome === 'loop') {
      diffs.push(`from ${from}: the plan gives ${OUTCOME_LABEL[planned.outcome]}, now ${OUTCOME_LABEL[now.outcome]} (${now.reason})`);
    }
  }
  return {
    check: 'flow now',
    target: sample.address,
    status: diffs.length ? 'fail' : 'pass',
    detail: `${sample.kind}: ${parts.join(', ')}`,
    reason: diffs.length ? diffs.join('; ') : undefined,
  };
}
