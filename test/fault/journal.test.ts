// A damaged journal: unreadable lines are reported by number, the run is treated as uncertain
// (re-probed, not trusted), and a corrupt first line or a dangling symlink never hides or crashes status.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';
import { expectNoStack } from './helpers.js';

const TRIALS = 10;

function appliedWorld(n = 8) {
  const w = simWorld();
  expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
  const before = w.state();
  const accounts = w.file('a.txt', accountLines(n, 't'));
  const a = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
  expect(a.code, a.err + a.out).toBe(0);
  const dir = join(w.stateDir, 'runs');
  const path = join(dir, readdirSync(dir)[0]);
  return { w, before, path };
}

const GARBAGE = [(l: string) => l.slice(0, Math.floor(l.length / 2)), () => '\u0000\u0000garbage\u00ff', () => 'null', () => '{"t":"result"}', (l: string) => l.replace(/"/g, "'")];

describe('damaged journal', () => {
  it(`${TRIALS} runs with one random line damaged roll back byte-identical, the line reported by number`, () => {
    let identical = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const { w, before, path } = appliedWorld();
      const lines = readFileSync(path, 'utf8').split('\n');
      // The first trial damages the result of the peer's relay permission (zimbraMtaMyNetworks), the case.
      const mynet = lines.findIndex((l) => l.includes('"t":"result"') && l.includes('mta.mynetworks'));
      const at = trial === 0 ? mynet : 1 + Math.floor(Math.random() * (lines.length - 2));
      lines[at] = GARBAGE[trial % GARBAGE.length](lines[at]);
      writeFileSync(path, lines.join('\n'));
      const st = w.zsplit(['status']);
      expect(st.code).toBe(0);
      expect(st.out).toContain(`unreadable journal line(s): ${at + 1}`);
      const r = w.zsplit(['rollback', '--yes']);
      expectNoStack(r.err);
      expect(r.code, r.err + r.out).toBe(0);
      expect(r.err).toMatch(new RegExp(`unreadable line\\(s\\) ${at + 1}\\b`));
      expect(w.state(), `damaged line ${at + 1}`).toBe(before);
      identical++;
      rmSync(w.dir, { recursive: true, force: true });
    }
    console.log(`damaged journal: ${identical}/${TRIALS} byte-identical after rollback`);
  }, 180_000);

  it('a corrupt first line keeps the run in status (text and --json), with its line number', () => {
    const { w, path } = appliedWorld(2);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[0] = lines[0].slice(0, 100);
    writeFileSync(path, lines.join('\n'));
    const st = w.zsplit(['status']);
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/UNREADABLE: its first line .* cannot be read \(unreadable line\(s\): 1\)/);
    const json = JSON.parse(w.zsplit(['status', '--json']).out);
    expect(json).toEqual([expect.objectContaining({ status: 'unreadable', unreadableLines: [1] })]);
  }, 60_000);

  it('a dangling symlink in runs/ is listed, not followed, and does not crash status', () => {
    const { w } = appliedWorld(2);
    symlinkSync('/nonexistent/zsplit-x.jsonl', join(w.stateDir, 'runs', '20990101T000000Z-apply.jsonl'));
    symlinkSync('/etc/passwd', join(w.stateDir, 'runs', '20990101T000001Z-apply.jsonl'));
    const st = w.zsplit(['status']);
    expectNoStack(st.err);
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/20990101T000000Z-apply {2}UNREADABLE: it is a symbolic link/);
    expect(st.out).toMatch(/20990101T000001Z-apply {2}UNREADABLE: it is a symbolic link/);
    expect(st.out).toMatch(/COMPLETED/);
  }, 60_000);
});

describe('run order', () => {
  it('runs made in the same second are listed oldest first (X-apply before X-apply-2 and X-apply-10)', async () => {
    const { JournalStore } = await import('../../src/journal/journal.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const store = new JournalStore(mkdtempSync(join(tmpdir(), 'zsplit-order-')));
    const header = (runId: string) => JSON.stringify({ t: 'run', runId, kind: 'apply', job: 'setup', target: 'local', executor: 'x', planHash: 'h', operator: 'o', host: 'h', version: 'v', time: '2026-01-01T00:00:00.000Z', plan: { steps: [] } });
    for (const id of ['20260101T000000Z-apply-10', '20260101T000000Z-apply-2', '20260101T000000Z-apply']) writeFileSync(join(store.runsDir, `${id}.jsonl`), header(id) + '\n');
    expect(store.runs().map((r) => r.runId)).toEqual(['20260101T000000Z-apply', '20260101T000000Z-apply-2', '20260101T000000Z-apply-10']);
  });
});

describe('listing runs reads no plan', () => {
  /** A real run whose plan is made ~100 MB (notes), as a 60,000-account setup's plan is. */
  function bigPlanWorld() {
    const { w, path } = appliedWorld(2);
    const lines = readFileSync(path, 'utf8').split('\n');
    const header = JSON.parse(lines[0]);
    header.plan.notes = Array.from({ length: 100_000 }, (_, i) => `note ${i} ${'x'.repeat(1000)}`);
    lines[0] = JSON.stringify(header);
    writeFileSync(path, lines.join('\n'));
    const inSmallHeap = (...args: string[]) => spawnSync(process.execPath, ['--max-old-space-size=48', BIN, ...args, ...w.flags], { env: w.env, encoding: 'utf8', timeout: 60_000 });
    return { w, path, header, inSmallHeap };
  }

  it('status and status --json list a run with a 100 MB plan within a 48 MB heap (parsing the plan ran out of memory)', () => {
    const { w, header, inSmallHeap } = bigPlanWorld();
    const st = inSmallHeap('status');
    expect(st.stderr).toBe('');
    expect(st.status).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^${header.runId}  apply  setup  local  COMPLETED  by \\S+  \\(\\d+ applied, 0 unchanged, 0 failed\\)$`, 'm'));
    const json = JSON.parse(inSmallHeap('status', '--json').stdout);
    expect(json).toEqual([expect.objectContaining({ runId: header.runId, status: 'completed', job: 'setup', unreadableLines: [] })]);
    // A command that acts on the run reads its plan: the rollback undoes it (a normal heap).
    const r = w.zsplit(['rollback', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(w.zsplit(['status']).out).toContain('ROLLED-BACK');
  }, 120_000);

  it('a plan damaged inside its line: listed by its own fields, and a command that needs it says the first line cannot be read', () => {
    const { w, path } = appliedWorld(2);
    const lines = readFileSync(path, 'utf8').split('\n');
    const runId = JSON.parse(lines[0]).runId;
    const at = lines[0].indexOf('"steps":[') + 20;
    lines[0] = lines[0].slice(0, at) + '\u0000' + lines[0].slice(at + 1);
    writeFileSync(path, lines.join('\n'));
    expect(w.zsplit(['status']).out).toContain(`${runId}  apply  setup`);
    const r = w.zsplit(['rollback', '--run', runId, '--yes']);
    expectNoStack(r.err);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--run: ${runId}: the first line of its journal (the run and its plan) cannot be read`);
  }, 60_000);
});
