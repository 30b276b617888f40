// Abandoning a stopped run on purpose: recorded in the journal, never offered for resume again.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abandonRun, AbandonRefused } from '../../src/journal/abandon.js';
import { JournalStore } from '../../src/journal/journal.js';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';

function stoppedRun() {
  const w = simWorld();
  const accounts = w.file('a.txt', accountLines(3, 'u'));
  // Step mode: yes to the first change, then quit.
  const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'y\nq\n' });
  expect(r.code, r.err + r.out).toBe(1);
  const runs = new JournalStore(w.stateDir).runs();
  expect(runs.map((x) => x.status)).toEqual(['stopped']);
  return { w, accounts, runId: runs[0].runId };
}

describe('zsplit abandon', () => {
  it('needs --yes without a terminal, records the end with its reason, and resume no longer offers the run', () => {
    const { w, runId } = stoppedRun();
    const no = w.zsplit(['abandon']);
    expect(no.code).toBe(2);
    expect(no.err).toMatch(/--yes/);
    expect(new JournalStore(w.stateDir).run(runId)!.status).toBe('stopped');

    const ok = w.zsplit(['abandon', '--yes', '--reason', 'wrong peer host']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`Run ${runId} abandoned`);
    const last = readFileSync(join(w.stateDir, 'runs', `${runId}.jsonl`), 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ t: 'end', status: 'abandoned', reason: 'wrong peer host' });

    const st = w.zsplit(['status']);
    expect(st.out).toMatch(/ABANDONED/);
    expect(st.out).toMatch(/wrong peer host/);
    const json = JSON.parse(w.zsplit(['status', '--json']).out);
    expect(json[0].status).toBe('abandoned');

    const resume = w.zsplit(['apply', '--resume', '--yes']);
    expect(resume.code).toBe(1);
    expect(resume.err).toMatch(/no interrupted run/);
    // Abandoned twice: refused.
    const again = w.zsplit(['abandon', '--run', runId, '--yes']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/abandoned/);
  }, 60_000);

  it('refuses a completed run, an unknown run, and a run whose target a live process holds', () => {
    const { w, runId, accounts } = stoppedRun();
    const lockDir = join(w.stateDir, 'locks');
    mkdirSync(lockDir, { recursive: true });
    const run = new JournalStore(w.stateDir).run(runId)!;
    const lockPath = join(lockDir, `${run.header.target.replace(/[^A-Za-z0-9@._-]/g, '_')}.lock`);
    // This test process is alive: its lock is not stale.
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), runId }));
    expect(() => abandonRun(w.stateDir, runId)).toThrow(AbandonRefused);
    expect(() => abandonRun(w.stateDir, runId)).toThrow(/another zsplit run holds the lock/);
    writeFileSync(lockPath, '');
    // An empty lock file (a crash between create and write) is stale: taken over.
    expect(abandonRun(w.stateDir, runId).status).toBe('abandoned');
    expect(() => abandonRun(w.stateDir, 'no-such-run')).toThrow(/no run no-such-run/);

    const done = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(done.code, done.err).toBe(0);
    const completed = new JournalStore(w.stateDir).runs().find((r) => r.status === 'completed')!;
    expect(() => abandonRun(w.stateDir, completed.runId)).toThrow(/completed/);
  }, 60_000);
});
