// "Refused or handled, not crashed" (issue 11): each hostile input or environment gets a clear
// refusal naming what is wrong, and nothing is applied.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Journal, JournalWriteError } from '../../src/journal/journal.js';
import { OrphanRunning, processStart, waitForOrphans } from '../../src/journal/orphan.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountLines, BIN, primaryAnswers, SECONDARY_ANSWERS, simWorld } from '../helpers/sim.js';
import { expectDesired, expectNoStack } from './helpers.js';

function savedPlan() {
  const w = simWorld();
  w.zmprov('gacf', 'zimbraMtaRelayHost');
  const planFile = `${w.dir}/plan.json`;
  const p = w.zsplit(['plan', 'setup', ...SECONDARY_ANSWERS, '--connect', '--format', 'json', '--out', planFile]);
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
    expect(a.err).toMatch(new RegExp(`refused: the plan file differs.*${field}`));
    expect(w.state()).toBe(before);
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
    const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
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
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    await waitForOrphans([{ pid, start }], 60_000);
  });
});
