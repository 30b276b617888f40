// "Refused or handled, not crashed" (issue 11): each hostile input or environment gets a clear
// refusal naming what is wrong, and nothing is applied.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Journal, JournalWriteError } from '../../src/journal/journal.js';
import { OrphanRunning, processStart, waitForOrphans } from '../../src/journal/orphan.js';
import { readInputFile } from '../../src/cli/args.js';
import { parseSshTarget } from '../../src/exec/ssh.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountLines, BIN, primaryAnswers, SECONDARY_ANSWERS, simWorld } from '../helpers/sim.js';
import { expectDesired, expectNoStack } from './helpers.js';
import { exitOf } from '../helpers/wait.js';

function savedPlan(connect = true) {
  const w = simWorld();
  w.zmprov('gacf', 'zimbraMtaRelayHost');
  const planFile = `${w.dir}/plan.json`;
  const p = w.zsplit(['plan', 'setup', ...SECONDARY_ANSWERS, ...(connect ? ['--connect'] : []), '--format', 'json', '--out', planFile]);
  expect(p.code, p.err).toBe(0);
  return { w, planFile, json: JSON.parse(readFileSync(planFile, 'utf8')), before: w.state() };
}

describe('a saved plan is applied only as reviewed', () => {
  it('a removed step (the relay host) is refused, nothing applied', () => {
    const { w, planFile, json, before } = savedPlan();
    const i = json.steps.findIndex((s: { id: string }) => /relay/i.test(s.id));
    expect(i).toBeGreaterThanOrEqual(0);
    const id = json.steps[i].id;
    json.steps.splice(i, 1);
    writeFileSync(planFile, JSON.stringify(json));
    const a = w.zsplit(['apply', '--plan', planFile, '--yes']);
    expect(a.code, a.err).toBe(2);
    expect(a.err).toContain(`${id} (missing from the file)`);
    expect(w.state()).toBe(before);
  }, 60_000);

  it.each(['change', 'desired', 'inverse', 'probe', 'entry', 'kind', 'observed'])('an edited %s is refused, nothing applied', (field) => {
    const { w, planFile, json, before } = savedPlan();
    const s = json.steps.find((x: { kind: string }) => x.kind === 'zmprov');
    if (field === 'observed') json.observed = false;
    else if (field === 'change') s.change = { ...s.change, attr: 'zimbraMailHost' };
    else if (field === 'desired') s.desired = 'something else';
    else if (field === 'inverse') s.inverse = ['md', 'example.com', 'zimbraMailTransport', 'smtp:[evil.example]:25'];
    else if (field === 'probe') s.probe = { ...s.probe, attr: 'zimbraId' };
    else if (field === 'entry') s.entry = { ...s.entry, name: 'other.example' };
    else s.kind = 'manual';
    writeFileSync(planFile, JSON.stringify(json));
    const a = w.zsplit(['apply', '--plan', planFile, '--yes']);
    expect(a.code, a.err).toBe(2);
    expect(a.err).toMatch(new RegExp(`refused: the plan file's commands differ.*${field}`));
    expect(w.state()).toBe(before);
  }, 60_000);
});

describe('a saved plan made offline (no before-values) is applied only as reviewed too', () => {
  it.each(['desired', 'inverse'])('an edited %s is refused, nothing applied', (field) => {
    const { w, planFile, json, before } = savedPlan(false);
    expect(json.observed).toBe(false);
    const s = json.steps.find((x: { kind: string; change?: { op: string } }) => x.kind === 'zmprov' && x.change?.op === 'set');
    if (field === 'desired') s.desired = 'something else';
    else s.inverse = ['md', 'example.com', 'zimbraMailTransport', 'smtp:[evil.example]:25'];
    writeFileSync(planFile, JSON.stringify(json));
    const a = w.zsplit(['apply', '--plan', planFile, '--yes']);
    expect(a.code, a.err).toBe(2);
    expect(a.err).toMatch(new RegExp(`refused: the plan file's commands differ.*${field}`));
    expect(w.state()).toBe(before);
  }, 60_000);

  it('unedited, it applies', () => {
    const { w, planFile } = savedPlan(false);
    const a = w.zsplit(['apply', '--plan', planFile, '--yes']);
    expect(a.code, a.err + a.out).toBe(0);
  }, 60_000);
});

describe('output errors never kill an apply', () => {
  it('apply ... | head -c 1 (EPIPE) still finishes the run', async () => {
    const w = simWorld();
    const accounts = w.file('a.txt', accountLines(30, 't'));
    const child = w.spawnZsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    // The reader takes one chunk of each stream, then goes away.
    child.stdout!.once('data', () => child.stdout!.destroy());
    child.stderr!.once('data', () => child.stderr!.destroy());
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    expectDesired(w, 30);
    expect(w.zsplit(['status']).out).toMatch(/COMPLETED/);
  }, 60_000);
});

describe('operator errors get a message, not a stack trace', () => {
  it('a state dir on a read-only file system', () => {
    const w = simWorld();
    const ro = join(w.dir, 'ro');
    mkdirSync(ro);
    const r0 = spawnSyncOk('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro,mode=0700', 'tmpfs', ro]);
    if (!r0) return; // no mounting here: the root user ignores mode bits, so nothing else makes a read-only dir
    try {
      const a = zsplitRaw(['status', '--state-dir', ro], w.env);
      expectNoStack(a.err);
      expect(a.code).toBe(1);
      expect(a.err).toMatch(/read-only file system|cannot create/);
    } finally {
      spawnSyncOk('umount', [ro]);
    }
  });

  it('a bad --out', () => {
    const w = simWorld();
    const a = w.zsplit(['plan', 'setup', ...SECONDARY_ANSWERS, '--out', join(w.dir, 'no', 'such', 'dir', 'p.txt')]);
    expectNoStack(a.err);
    expect(a.code).not.toBe(0);
    expect(a.err).toMatch(/no such file or directory/);
  });
});

function spawnSyncOk(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args).status === 0;
}

/** zsplit with exactly these arguments (no state dir added). */
function zsplitRaw(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('the state dir is trusted only when private', () => {
  it('refuses a state dir writable by others, a runs/ that is a symlink, a state dir owned by someone else', () => {
    const w = simWorld();
    const dir = join(w.dir, 'state');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    let a = zsplitRaw(['status', '--state-dir', dir], w.env);
    expect(a.code, a.err).toBe(2);
    expect(a.err).toMatch(/can be written by everyone \(mode 777\): refused; run chmod go-w/);
    chmodSync(dir, 0o700);
    symlinkSync(join(w.dir), join(dir, 'runs'));
    a = zsplitRaw(['status', '--state-dir', dir], w.env);
    expect(a.code, a.err).toBe(2);
    expect(a.err).toMatch(/journal dir .*runs is a symbolic link: refused/);
    rmSync(join(dir, 'runs'));
    if (process.geteuid?.() === 0) {
      chownSync(dir, 65534, 65534);
      a = zsplitRaw(['status', '--state-dir', dir], w.env);
      expect(a.code, a.err).toBe(2);
      expect(a.err).toMatch(/belongs to uid 65534/);
    }
  });

  it('a journal is never written through a symlink (O_NOFOLLOW) nor over an existing file (O_EXCL)', () => {
    const w = simWorld();
    const target = join(w.dir, 'victim');
    writeFileSync(target, 'keep\n');
    const link = join(w.dir, 'j.jsonl');
    symlinkSync(target, link);
    const j = new Journal(link);
    expect(() => j.append({ t: 'end', status: 'stopped', time: 'x' })).toThrow(JournalWriteError);
    expect(() => new Journal(target).create()).toThrow(/EEXIST/);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
  });
});

describe('orphaned zmprov', () => {
  it('is waited for with a timeout, and only while the pid is still that process', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    const start = processStart(pid);
    expect(start).toBeDefined();
    const t0 = Date.now();
    await expect(waitForOrphans([{ pid, start }], 300)).rejects.toThrow(OrphanRunning);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    // The same pid with another start time is another process (a recycled pid): not waited for.
    await waitForOrphans([{ pid, start: String(Number(start) + 1) }], 60_000);
    child.kill('SIGKILL');
    await exitOf(child);
    await waitForOrphans([{ pid, start }], 60_000);
  });
});

describe('the generated sh script', () => {
  it('quotes its temporary batch file and removes it when the batch fails', () => {
    const w = simWorld();
    const accounts = w.file('a.txt', accountLines(12, 'b'));
    const out = join(w.dir, 'p.sh');
    const fake = w.file('fake-zmprov', '#!/bin/sh\necho "fake zmprov $*" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = w.zsplit(['plan', 'setup', ...primaryAnswers(accounts), '--format', 'sh', '--out', out, '--run-as', 'current']);
    expect(r.code, r.err).toBe(0);
    const script = readFileSync(out, 'utf8').replace(/(^|\n)zmprov /g, `$1${fake} `).replace(/'zmprov' -v -f/g, `'${fake}' -v -f`);
    expect(script).toContain('trap \'rm -f "$batch"\' EXIT');
    const before = new Set(readdirSync('/tmp').filter((f) => f.startsWith('zsplit-batch.')));
    const run = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/fake zmprov -v -f \/tmp\/zsplit-batch\./);
    expect(readdirSync('/tmp').filter((f) => f.startsWith('zsplit-batch.') && !before.has(f))).toEqual([]);
  });
});

describe('hostile flag values are refused naming the flag, nothing applied', () => {
  it('--config: wrong types and unknown keys (nearest key suggested)', () => {
    const w = simWorld();
    const base = { domain: 'example.com', role: 'secondary', zimbraHost: 'zimbra.example.com', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: '10.0.0.0/8' };
    let cfg = w.file('c1.json', JSON.stringify({ ...base, allowWideNetwork: 'false' }));
    let r = w.zsplit(['plan', 'setup', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--config: .*"allowWideNetwork" must be true or false/);
    cfg = w.file('c2.json', JSON.stringify({ ...base, alowWideNetwork: true }));
    r = w.zsplit(['plan', 'setup', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown key "alowWideNetwork"; did you mean "allowWideNetwork"\?/);
    cfg = w.file('c3.json', JSON.stringify({ ...base, peerPort: [25] }));
    r = w.zsplit(['plan', 'setup', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"peerPort" must be a port number/);
  });

  it('input files: devices, FIFOs and directories refused; size limited', () => {
    const w = simWorld();
    for (const [path, what] of [['/dev/zero', 'a device'], [w.dir, 'a directory']] as const) {
      const r = w.zsplit(['plan', 'setup', '--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'z.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-accounts', path]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`--peer-accounts: ${path} is ${what}`);
    }
    const fifo = join(w.dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = w.zsplit(['plan', 'cutover', '--users', fifo]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`--users: ${fifo} is a FIFO`);
    expect(() => readInputFile(w.file('big.txt', 'x'.repeat(2000)), '--users', 1000)).toThrow(/more than the 1000 allowed/);
  });

  it('recipient-source files (--peer-recipients, its --peer-accounts, the password and CA files): FIFOs and devices refused, naming the flag', () => {
    const w = simWorld();
    const fifo = join(w.dir, 'recipients-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const good = w.file('r.txt', 'bob@example.com\n');
    const base = ['inventory', '--domain', 'example.com'];
    const cases: [string[], string, string][] = [
      [['--peer-recipients', fifo], '--peer-recipients', `${fifo} is a FIFO`],
      [['--peer-recipients', '/dev/zero'], '--peer-recipients', '/dev/zero is a device'],
      [['--peer-recipients', good, '--peer-accounts', fifo], '--peer-accounts', `${fifo} is a FIFO`],
      [['--peer-ldap-url', 'ldap://127.0.0.1:1', '--peer-ldap-base', 'dc=example,dc=com', '--peer-ldap-password-file', fifo], '--peer-ldap-password-file', `${fifo} is a FIFO`],
      [['--peer-ldap-url', 'ldaps://127.0.0.1:1', '--peer-ldap-base', 'dc=example,dc=com', '--peer-ldap-ca', '/dev/zero'], '--peer-ldap-ca', '/dev/zero is a device'],
    ];
    for (const [args, flag, what] of cases) {
      // Before: readFileSync waited for a FIFO's writer (a hang) and read /dev/zero until memory ran out.
      const r = w.zsplit([...base, ...args], { timeout: 20_000 });
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toContain(`${flag}: ${what}`);
    }
  });

  it("--run '' and --to '' are errors, not the newest run", () => {
    const w = simWorld();
    for (const args of [['rollback', '--run', '', '--yes'], ['rollback', '--to', '', '--yes'], ['abandon', '--run', '', '--yes']]) {
      const r = w.zsplit(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/--(run|to): empty/);
    }
  });

  it('--target ssh:// with an option-like user or host, or a port out of range', () => {
    const w = simWorld();
    for (const t of ['ssh://-Jx@host', 'ssh://root@-oProxyCommand=x', 'ssh://root@host:0', 'ssh://root@host:65536', 'ssh://root@host:99999']) {
      const a = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--target', t, '--yes']);
      expect(a.code, t).toBe(2);
      expect(a.err).toMatch(/--target: .* is not ssh:\/\/user@host/);
    }
    expect(parseSshTarget('ssh://zimbra@mail.example.com:2222')).toEqual({ user: 'zimbra', host: 'mail.example.com', port: 2222 });
  });

  it('trace validates its address', () => {
    const w = simWorld();
    for (const a of ['not-an-address', 'a b@example.com', 'x@@example.com']) {
      const r = w.zsplit(['trace', a, ...SECONDARY_ANSWERS]);
      expect(r.code, a).toBe(2);
      expect(r.err).toMatch(/ADDRESS: /);
    }
  });

  it('an unknown --zimbra-host is caught by the probe before any change', () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const before = w.state();
    const args = SECONDARY_ANSWERS.map((a) => (a === 'zimbra.example.com' ? 'nosuch.example.com' : a));
    const r = w.zsplit(['apply', 'setup', ...args, '--yes']);
    expect(r.code, r.err + r.out).toBe(2);
    expect(r.err).toMatch(/--zimbra-host: no such server on this Zimbra: nosuch.example.com/);
    expect(w.state()).toBe(before);
  });
});

describe('mailboxd down', () => {
  it('a rollback that needs SOAP says mailboxd is down, without a stack trace, and changes nothing', () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', 'u01@example.com\n')), '--yes']);
    expect(a.code, a.err).toBe(0);
    const after = w.state();
    const r = w.zsplit(['rollback', '--yes'], { env: { ZSPLIT_SIM_SOAP_DOWN: '1' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/zclient.IO_ERROR/);
    expect(r.err).toMatch(/mailboxd is not answering/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(w.state()).toBe(after);
  });
});
