// One zmprov for a whole apply: the session protocol, its traps, and the engine on top of it.
// Behaviour only (process counts, line counts, results); timings are the benchmark's job.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/engine.js';
import { LocalExecutor, mergedAsZimbra } from '../../src/exec/local.js';
import { RehearsalExecutor } from '../../src/exec/rehearsal.js';
import { answerText, cleanTerminal, endsWithPrompt, ProcessSession } from '../../src/exec/session.js';
import { SshExecutor } from '../../src/exec/ssh.js';
import type { Executor } from '../../src/exec/types.js';
import { SessionEnded } from '../../src/exec/types.js';
import { Zmprov } from '../../src/exec/zmprov.js';
import { JournalStore, readJournal } from '../../src/journal/journal.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';
import { loadState, readSidecar, walPath } from '../../src/sim/state.js';
import { accountLines, primaryAnswers, SIM_BIN, simWorld } from '../helpers/sim.js';
import { alive, exitOf, waitFor } from '../helpers/wait.js';


const ZMPROV = join(SIM_BIN, 'zmprov');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'zsplit-session-'));
}

function primary(n: number, prefix = 'user') {
  const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: accountLines(n, prefix) }, 'setup');
  if (!v.answers) throw new Error(JSON.stringify(v.errors));
  return v.answers;
}

/** Reads a child's stdout until `until` matches what arrived since the last call. */
function reader(child: ReturnType<typeof spawn>) {
  let buf = '';
  let wake: (() => void) | undefined;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    wake?.();
  });
  return async (until: RegExp, ms = 10_000): Promise<string> => {
    const t0 = Date.now();
    while (!until.test(buf)) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${until}: ${JSON.stringify(buf)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    const got = buf;
    buf = '';
    return got;
  };
}

describe('terminal clean-up of session answers', () => {
  it('strips escape sequences, CRs and backspaces, and finds the prompt only at a line start', () => {
    expect(cleanTerminal('prov> \u001b[?1h\u001b=')).toBe('prov> ');
    expect(cleanTerminal('ma x\r\n\u001b[K\u001b]0;title\u0007ok\u0007\n')).toBe('ma x\nok\n');
    expect(cleanTerminal('ab\u0008c')).toBe('ac');
    expect(endsWithPrompt('# name x\n\nprov> ', 'prov> ')).toBe(true);
    expect(endsWithPrompt('prov> ', 'prov> ')).toBe(true);
    expect(endsWithPrompt('displayName: my prov> ', 'prov> ')).toBe(false);
    // an echo of the line is dropped once; output that merely resembles it stays
    expect(answerText('ga -e a@x uid\n# name a@x\nuid: a\n\nprov> ', 'ga -e a@x uid', 'prov> ')).toBe('# name a@x\nuid: a\n\n');
    expect(answerText('prov> ', 'ma a@x displayName A', 'prov> ')).toBe('');
  });

  it('builds the session command lines without interpolating values into a shell string', () => {
    expect(mergedAsZimbra(['/opt/zimbra/bin/zmprov', '-l'], 'none')).toEqual(['sh', '-c', 'exec "$0" "$@" 2>&1', '/opt/zimbra/bin/zmprov', '-l']);
    expect(mergedAsZimbra(['/opt/zimbra/bin/zmprov', '-l'], 'runuser')).toEqual(['runuser', '-u', 'zimbra', '--', 'sh', '-c', 'exec "$0" "$@" 2>&1', '/opt/zimbra/bin/zmprov', '-l']);
    expect(mergedAsZimbra(["/opt/o'dd dir/zmprov", '-l'], 'su')).toEqual(['su', '-', 'zimbra', '-c', `exec '/opt/o'\\''dd dir/zmprov' -l 2>&1`]);
    const ssh = new SshExecutor({ user: 'root', host: 'mx.example.com' }, { runAs: 'zimbra' });
    expect(ssh.sessionRemote('zmprov', ['-l'])).toBe(`exec 2>&1; su - zimbra -c '/opt/zimbra/bin/zmprov -l'`);
  });
});

describe('the simulator in stdin mode', () => {
  it('answers each line as it arrives, before the next is written, in one process', async () => {
    const w = simWorld({ ZSPLIT_SIM_JLINE: 'tty' });
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', ZMPROV, '-l'], { env: w.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const read = reader(child);
    // JLine's emulated terminal set-up leaks into the output, after the first prompt
    expect(await read(/\u001b=/)).toBe('prov> \u001b[?1h\u001b=');
    child.stdin!.write('ga -e bob@example.com displayName\n');
    const a = await read(/\nprov> $/);
    expect(a).toBe('ga -e bob@example.com displayName\r\n# name bob@example.com\ndisplayName: Bob Baker\n\nprov> ');
    child.stdin!.write('ma nobody@example.com displayName X\n');
    expect(await read(/\nprov> $/)).toBe('ma nobody@example.com displayName X\r\nERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\nprov> ');
    child.stdin!.write('ma bob@example.com displayName Robert\n');
    await read(/\nprov> $/);
    // applied and persisted (write-ahead log) while the process is still running
    expect(loadState(w.statePath).accounts['bob@example.com'].displayName).toEqual(['Robert']);
    expect(existsSync(walPath(w.statePath))).toBe(true);
    child.stdin!.end('exit\n');
    const { code } = await exitOf(child);
    expect(code).toBe(2); // exit after a ServiceException
    expect(existsSync(walPath(w.statePath))).toBe(false);
    expect(w.json().accounts['bob@example.com'].displayName).toEqual(['Robert']);
    expect(w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov' && r.argv?.[0] === '-l')).toHaveLength(1);
  });

  it('keeps the -l da trap: the confirmation swallows the next line written', async () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const child = spawn(ZMPROV, ['-l'], { env: w.env, stdio: ['pipe', 'pipe', 'ignore'] });
    const read = reader(child);
    await read(/prov> /);
    child.stdin!.write('da alice@example.com\n');
    expect(await read(/Continue\? \[Y\]es, \[N\]o: $/)).toContain('Only the LDAP entry of the account will be deleted');
    child.stdin!.write('ma bob@example.com displayName Robert\n');
    expect(await read(/prov> $/)).toBe('aborted\nprov> ');
    child.stdin!.end();
    await exitOf(child);
    expect(w.json().accounts['alice@example.com']).toBeDefined();
    expect(w.json().accounts['bob@example.com'].displayName).toEqual(['Bob Baker']);
  });

  it('a session killed mid-way keeps the lines it completed (replayed from the write-ahead log)', async () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const child = spawn(ZMPROV, ['-l'], { env: w.env, stdio: ['pipe', 'pipe', 'ignore'] });
    const read = reader(child);
    await read(/prov> /);
    child.stdin!.write("ma bob@example.com displayName 'Bob One'\n");
    await read(/prov> $/);
    child.kill('SIGKILL');
    await exitOf(child);
    expect(JSON.parse(readFileSync(w.statePath, 'utf8')).accounts['bob@example.com'].displayName).toEqual(['Bob Baker']);
    expect(loadState(w.statePath).accounts['bob@example.com'].displayName).toEqual(['Bob One']);
    // the next process sees it and folds the log into the state file
    expect(w.zmprov('ma', 'bob@example.com', 'description', 'x').status).toBe(0);
    expect(w.json().accounts['bob@example.com'].displayName).toEqual(['Bob One']);
  });
});

describe('Zmprov over a session', () => {
  it('runs lines one by one through one process, with line editing leaking echoes and escapes', async () => {
    const w = simWorld({ ZSPLIT_SIM_JLINE: 'tty' });
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const z = new Zmprov(new LocalExecutor({ zmprov: ZMPROV, runAs: 'current', env: w.env }));
    expect(await z.begin()).toBe(true);
    const res = await z.batch([
      ['ma', 'bob@example.com', 'displayName', "Bob O'Brien"],
      ['ma', 'nobody@example.com', 'displayName', 'X'],
      ['ma', 'bob@example.com'],
      ['ga', '-e', 'bob@example.com', 'displayName'],
      ['bogus'],
    ]);
    expect(res.lines.map((l) => l.status)).toEqual(['ok', 'error', 'usage', 'ok', 'unknown-command']);
    expect(res.lines[1].error?.text).toBe('ERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)');
    expect(res.lines[3].output).toBe("# name bob@example.com\ndisplayName: Bob O'Brien");
    expect(res.lines[0].output).toBe('');
    const probe = await z.probe([{ entry: { kind: 'account', name: 'bob@example.com' }, attrs: ['displayName'] }, { entry: { kind: 'account', name: 'gone@example.com' }, attrs: ['uid'] }]);
    expect(probe.entries).toEqual({ 'account:bob@example.com': { displayName: ["Bob O'Brien"] }, 'account:gone@example.com': null });
    // never a confirming command through a -l session
    await expect(z.batch([['da', 'alice@example.com']])).rejects.toThrow(/confirmation/);
    const end = await z.end();
    expect(end?.exitCode).toBe(2);
    expect(z.stats.starts).toBe(1);
    expect(w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov')).toHaveLength(2); // the seeding gacf + the session
    expect(w.json().accounts['alice@example.com']).toBeDefined();
  });

  it('lines written ahead: an abort mid-way reports that line, leaves the rest not run, and later calls use -f', async () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const z = new Zmprov(new LocalExecutor({ zmprov: ZMPROV, runAs: 'current', env: w.env }), { window: 8 });
    expect(await z.begin()).toBe(true);
    const res = await z.batch([
      ['ma', 'bob@example.com', 'displayName', 'One'],
      ['ms', 'zimbra.example.com', 'zimbraServiceEnabled', 'mta'], // safeguarded: zmprov exits 2 (zimbra.md §1.3)
      ['ma', 'bob@example.com', 'displayName', 'Never'],
      ['ma', 'alice@example.com', 'displayName', 'Never'],
    ]);
    expect(res.lines.map((l) => l.status)).toEqual(['ok', 'error', 'not-run', 'not-run']);
    expect(res.lines[1].error?.text).toBe('error: cannot replace multi-valued attr value unless -r is specified');
    expect(z.inSession).toBe(false);
    expect(w.json().accounts['bob@example.com'].displayName).toEqual(['One']);
    const after = await z.batch([['ga', '-e', 'bob@example.com', 'displayName']]);
    expect(after.lines[0]).toMatchObject({ status: 'ok', output: '# name bob@example.com\ndisplayName: One' });
    expect(w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov').map((r) => r.argv?.[0])).toEqual(['gacf', '-l', '-v']);
  });

  it('a hung line is killed after its timeout and reported; later lines are not run, later calls fall back to -f', async () => {
    const dir = tmp();
    const fake = join(dir, 'zmprov');
    // A zmprov that answers every line except "hang", and that handles -f files like the real one.
    writeFileSync(
      fake,
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
const f = args.indexOf('-f');
if (f !== -1) {
  const lines = fs.readFileSync(args[f + 1], 'utf8').split('\\n').filter(Boolean);
  for (const l of lines) process.stdout.write('prov> ' + l + '\\n' + (l === 'exit' ? '' : 'done ' + l + '\\n'));
  process.exit(0);
}
process.stdout.write('prov> ');
let hung = false; // a command that never returns: nothing after it is read
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  if (hung || l === 'hang') return void (hung = true);
  process.stdout.write('done ' + l + '\\nprov> ');
});
`,
    );
    chmodSync(fake, 0o755);
    const z = new Zmprov(new LocalExecutor({ zmprov: fake, runAs: 'current' }), { lineTimeoutMs: 700 });
    expect(await z.begin()).toBe(true);
    const res = await z.batch([['first'], ['hang'], ['third']]);
    expect(res.lines.map((l) => l.status)).toEqual(['ok', 'error', 'not-run']);
    expect(res.lines[0].output).toBe('done first');
    expect(res.lines[1].error?.code).toBe('zsplit.TIMEOUT');
    expect(res.lines[1].error?.text).toMatch(/no answer to: hang within 1 s: killed pid \d+/);
    const pid = Number(/killed pid (\d+)/.exec(res.lines[1].error!.text)![1]);
    await waitFor(() => !alive(pid), `the hung zmprov (pid ${pid}) to be gone`);
    expect(z.inSession).toBe(false);
    const again = await z.batch([['fourth']]);
    expect(again.lines[0]).toMatchObject({ status: 'ok', output: 'done fourth' });
    expect(z.stats.starts).toBe(2);
  });

  it("each line's clock starts at its turn, a short timeout behind a long one included; a session still starting is killed on abort", async () => {
    const dir = tmp();
    const fake = join(dir, 'tool');
    // Answers "slow" after 600 ms, never answers "hang"; with --late, prints its first prompt after 20 s.
    writeFileSync(
      fake,
      `#!${process.execPath}
const late = process.argv.includes('--late');
setTimeout(() => process.stdout.write('prov> '), late ? 20000 : 0);
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  if (l === 'slow') setTimeout(() => process.stdout.write('done slow\\nprov> '), 600);
});
`,
    );
    chmodSync(fake, 0o755);
    const s = await ProcessSession.open([fake], { prompt: 'prov> ' });
    const t0 = Date.now();
    const slow = s.send('slow', { timeoutMs: 10_000 });
    const hang = s.send('hang', { timeoutMs: 300 }).catch((e: SessionEnded) => e);
    expect((await slow).output).toBe('done slow\n');
    const e = await hang;
    expect(e).toBeInstanceOf(SessionEnded);
    expect((e as SessionEnded).timedOut).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(850);
    expect(Date.now() - t0).toBeLessThan(5_000);

    const abort = new AbortController();
    let pid = 0;
    const opening = ProcessSession.open([fake, '--late'], { prompt: 'prov> ', signal: abort.signal, onSpawn: (p) => (pid = p) });
    setTimeout(() => abort.abort(), 200);
    const t1 = Date.now();
    await expect(opening).rejects.toBeInstanceOf(SessionEnded);
    expect(Date.now() - t1).toBeLessThan(5_000);
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !alive(pid), `the aborted session (pid ${pid}) to be gone`, 5_000);
  });

  it('through ssh: one connection, the remote command built by shJoin (a stand-in ssh runs it here)', async () => {
    const w = simWorld({ ZSPLIT_SIM_JLINE: 'tty' });
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const fakeSsh = join(w.dir, 'ssh');
    // Like OpenSSH: options, the destination, `--`, then ONE string for the remote shell.
    writeFileSync(fakeSsh, `#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift\necho "$1" > "$0.remote"\nexec sh -c "$1"\n`);
    chmodSync(fakeSsh, 0o755);
    const saved = { ...process.env };
    Object.assign(process.env, { ZSPLIT_SIM_STATE: w.statePath, ZSPLIT_SIM_JLINE: 'tty', ZSPLIT_SIM_START_MS: '0' });
    try {
      const z = new Zmprov(new SshExecutor({ user: 'zimbra', host: 'mx.example.com' }, { runAs: 'zimbra', zmprov: ZMPROV, ssh: fakeSsh }));
      expect(await z.begin()).toBe(true);
      const res = await z.batch([['ga', '-e', 'bob@example.com', 'displayName'], ['ma', 'nobody@example.com', 'displayName', "it's"]]);
      expect(res.lines.map((l) => [l.status, l.output])).toEqual([
        ['ok', '# name bob@example.com\ndisplayName: Bob Baker'],
        ['error', ''],
      ]);
      expect(res.lines[1].error?.code).toBe('account.NO_SUCH_ACCOUNT');
      expect((await z.end())?.exitCode).toBe(2);
      expect(readFileSync(`${fakeSsh}.remote`, 'utf8')).toBe(`exec 2>&1; ${ZMPROV} -l\n`);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('rehearsal: the in-process session pays the simulated JVM start once', async () => {
    const dir = tmp();
    const exec = new RehearsalExecutor(join(dir, 'sim.json'), { startDelayMs: 400, env: { ZSPLIT_SIM_JLINE: 'tty' } });
    const z = new Zmprov(exec);
    const t0 = performance.now();
    expect(await z.begin()).toBe(true);
    const res = await z.batch(Array.from({ length: 10 }, (_, i) => ['ma', 'bob@example.com', 'description', `v${i}`]));
    await z.end();
    expect(res.lines.every((l) => l.status === 'ok' && l.output === '')).toBe(true);
    expect(performance.now() - t0).toBeLessThan(4000);
    expect(exec.sim.log.filter((r) => r.type === 'start')).toMatchObject([{ tool: 'zmprov', argv: ['-l'], mode: 'stdin' }]);
    expect(loadState(join(dir, 'sim.json')).accounts['bob@example.com'].description).toEqual(['v9']);
  });
});

describe('the engine with a session', () => {
  it('probes, applies and verifies 100 placeholders through one zmprov, reading accounts with gaa', async () => {
    const dir = tmp();
    const exec = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
    // A listing from 50 accounts on (the default is 1,000: below it, ga lines cost less than listing a large domain).
    const zmprov = new Zmprov(exec, { gaaThreshold: 50 });
    const a = primary(100);
    const p = plan('setup', a);
    const s = await applyPlan(p, { zmprov, exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(s.status).toBe('completed');
    expect(s.counts.applied).toBe(202);
    expect(s.zmprovStarts).toBe(1);
    // 202 changes, plus a handful of probe lines: one gaa for the probe and one for the verification, not 200 ga lines
    expect(zmprov.stats.sessionLines).toBeLessThan(202 + 20);
    expect(exec.sim.log.filter((r) => r.type === 'start' && r.tool === 'zmprov')).toHaveLength(1);
    // the journal: every change announced before it ran, with one result each
    const recs = readJournal(s.journal).records;
    const intents = recs.filter((r) => r.t === 'intent').map((r) => (r as { step: string }).step);
    const results = recs.filter((r) => r.t === 'result').map((r) => (r as { step: string }).step);
    for (const st of p.steps.filter((x) => x.kind === 'zmprov')) {
      expect(intents).toContain(st.id);
      expect(results.filter((x) => x === st.id)).toHaveLength(1);
      expect(recs.findIndex((r) => r.t === 'intent' && r.step === st.id)).toBeLessThan(recs.findIndex((r) => r.t === 'result' && r.step === st.id));
    }
    expect(loadState(join(dir, 'sim.json')).accounts['user99@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });
  });

  it('without a session capability it still uses -f batches', async () => {
    const dir = tmp();
    const inner = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
    const exec: Executor = { label: inner.label, targetId: inner.targetId, rehearsal: true, run: (t, a, o) => inner.run(t, a, o), runWithFile: (t, a, c, o) => inner.runWithFile(t, a, c, o) };
    const zmprov = new Zmprov(exec);
    const a = primary(30);
    const s = await applyPlan(plan('setup', a), { zmprov, exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(s.status).toBe('completed');
    expect(inner.sim.log.filter((r) => r.type === 'start' && r.tool === 'zmprov').map((r) => (r.type === 'start' ? r.mode : ''))).toEqual(['file', 'file', 'file']);
  });
});

describe('apply through the external simulator', () => {
  it('500 placeholders: one zmprov process for probe, changes and verification; rollback deletes through -f', () => {
    const w = simWorld({ ZSPLIT_SIM_JLINE: 'tty' });
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const before = w.state();
    const accounts = w.file('accounts.txt', accountLines(500));
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(a.code, a.err.slice(-2000)).toBe(0);
    expect(a.out).toMatch(/COMPLETED: 1002 applied.*zmprov started 1 time\(s\)/);
    const starts = w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov').slice(1);
    expect(starts.map((r) => r.argv)).toEqual([['-l']]);
    expect(w.json().accounts['user499@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });
    // the session's pid is journaled, for a resumed run to wait for
    const journal = readdirSync(join(w.stateDir, 'runs')).map((f) => readFileSync(join(w.stateDir, 'runs', f), 'utf8')).join('');
    expect(journal).toMatch(/"t":"spawn","steps":\[\],"pid":\d+/);
    const r = w.zsplit(['rollback', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    const after = w.log().filter((x) => x.type === 'start' && x.tool === 'zmprov').slice(1 + starts.length);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((x) => x.argv?.includes('-f'))).toBe(true);
    expect(w.state()).toBe(before);
  }, 120_000);

  it('a cutover runs one SOAP-mode zmprov: mailboxd applies the status changes, so no fc process follows', () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const accounts = w.file('accounts.txt', accountLines(25, 'c'));
    expect(w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']).code).toBe(0);
    const common = ['--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--role', 'primary', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];
    const startsBefore = w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov').length;
    const c = w.zsplit(['apply', 'cutover', ...common, '--users', accounts, '--direction', 'to-zimbra', '--yes']);
    expect(c.code, c.err + c.out).toBe(0);
    expect(c.out).toMatch(/COMPLETED: 75 applied/);
    expect(c.err).not.toMatch(/Flushing mailboxd's cache/);
    expect(readSidecar(w.statePath).filter((r) => r.type === 'flush')).toHaveLength(0);
    expect(w.json().accounts['c7@example.com']).toMatchObject({ zimbraAccountStatus: ['active'], zimbraMailTransport: ['lmtp:zimbra.example.com:7025'] });
    const cutoverStarts = w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov').slice(startsBefore);
    expect(cutoverStarts.map((r) => r.argv)).toEqual([[]]);
  }, 60_000);

  it('status changed through a zmprov -l session is flushed from mailboxd once, with fc -a account', async () => {
    const dir = tmp();
    const exec = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
    const a = primary(5, 'c');
    const setup = await applyPlan(plan('setup', a), { zmprov: new Zmprov(exec), exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(setup.status).toBe('completed');
    const cut = { ...a, cutover: { users: a.peerAccounts.map((p) => p.address), direction: 'to-zimbra' as const, wave: 'w1' } };
    const zmprov = new Zmprov(exec);
    const s = await applyPlan(plan('cutover', cut), { zmprov, exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('cutover', cut, o) });
    expect(s.status).toBe('completed');
    expect(s.cacheFlush).toMatchObject({ accounts: 5, ok: true });
    const flushes = exec.sim.log.filter((r) => r.type === 'flush');
    expect(flushes).toHaveLength(1);
    expect((flushes[0] as { entries: string[] }).entries.sort()).toEqual(a.peerAccounts.map((p) => p.address).sort());
  });
});
