// The jobs at the size of real domains, through the real command and the simulated Zimbra (no
// simulated delays): 100,000 peer accounts are 200,000 changes in one zmprov batch, journaled
// before they are sent, and read back by every command that lists or continues runs.
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/engine.js';
import { RehearsalExecutor } from '../../src/exec/rehearsal.js';
import { Zmprov } from '../../src/exec/zmprov.js';
import { JournalStore } from '../../src/journal/journal.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan, PlanRefused } from '../../src/plan/index.js';
import { replanOnce, rollbackPlan } from '../../src/journal/rollback.js';
import type { Plan } from '../../src/plan/step.js';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';

const N = 100_000;

describe(`an apply of ${N.toLocaleString('en')} placeholders`, () => {
  it('saved as a plan, applies it and journals every change; status, unsplit and rollback read that journal', () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const answers = primaryAnswers(w.file('accounts.txt', accountLines(N)));
    // Plan, review, apply: the saved plan of 100,000 accounts is 160 MB.
    const saved = join(w.dir, 'plan.json');
    const p = w.zsplit(['plan', 'setup', ...answers, '--format', 'json', '--out', saved]);
    expect(p.code, p.err).toBe(0);
    expect(statSync(saved).size).toBeGreaterThan(100 * 2 ** 20);
    const r = w.zsplit(['apply', '--plan', saved, '--yes']);
    expect(r.code, r.err.slice(0, 2000)).toBe(0);
    expect(r.out).toMatch(new RegExp(`\\nCOMPLETED: ${2 * N + 2} applied, 0 unchanged, 0 skipped, 0 failed`));
    const accounts = w.json().accounts;
    for (const i of [0, N / 2, N - 1]) expect(accounts[`user${i}@example.com`]).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });

    const [run] = readdirSync(join(w.stateDir, 'runs'));
    const journal = readFileSync(join(w.stateDir, 'runs', run), 'utf8').split('\n');
    expect(journal.filter((l) => l.startsWith('{"t":"intent"'))).toHaveLength(2 * N + 2);
    const status = w.zsplit(['status']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(new RegExp(`apply\\s+setup\\s+local\\s+COMPLETED\\s+by \\S+\\s+\\(${2 * N + 2} applied, 0 unchanged, 0 failed\\)`));
    // Unsplit reads what setup found from that journal.
    const unsplit = w.zsplit(['plan', 'unsplit', ...answers]);
    expect(unsplit.code, unsplit.err).toBe(0);
    expect(unsplit.err).toContain(`from its journal (${run.replace(/\.jsonl$/, '')})`);
    // And undone: 100,000 deletes and their read-back, in SOAP mode (zmprov -f).
    const back = w.zsplit(['rollback', '--yes']);
    expect(back.code, back.err.slice(0, 2000)).toBe(0);
    expect(back.out).toMatch(new RegExp(`\\nCOMPLETED: ${N + 2} applied, 0 unchanged, 0 skipped, 0 failed`));
    expect(Object.keys(w.json().accounts).filter((a) => a.startsWith('user'))).toEqual([]);
    rmSync(w.dir, { recursive: true, force: true }); // some 500 MB
  }, 600_000);
});

describe('a journal longer than the longest string V8 holds (2^29 - 24 characters)', () => {
  it('is listed, and its run rolls back byte-identical', () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(8))), '--yes']);
    expect(a.code, a.err + a.out).toBe(0);
    const [run] = readdirSync(join(w.stateDir, 'runs'));
    const path = join(w.stateDir, 'runs', run);
    // A run that failed and was resumed over and over, each failure with zmprov's stack trace
    // (~50 KB): those results come before the final ones, which still decide.
    const [header, ...rest] = readFileSync(path, 'utf8').split('\n');
    const step = JSON.parse(rest.find((l) => l.startsWith('{"t":"result"'))!).step;
    const trace = `ERROR: service.FAILURE (system failure: LDAP error)\n${'\tat com.zimbra.cs.account.ldap.LdapProvisioning.modifyAttrs(LdapProvisioning.java:1234)\n'.repeat(600)}`;
    const failed = `${JSON.stringify({ t: 'result', step, status: 'failed', error: trace, time: '2026-01-01T00:00:00.000Z' })}\n`;
    const big = `${path}.big`;
    const fd = openSync(big, 'w', 0o600);
    writeSync(fd, `${header}\n`);
    const times = Math.ceil((2 ** 29 + 2 ** 24) / failed.length);
    for (let i = 0; i < times; i++) writeSync(fd, failed);
    writeSync(fd, rest.join('\n'));
    closeSync(fd);
    renameSync(big, path);
    expect(statSync(path).size).toBeGreaterThan(2 ** 29);

    const status = w.zsplit(['status']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).not.toContain('UNREADABLE');
    expect(status.out).toMatch(/apply\s+setup\s+local\s+COMPLETED/);
    const r = w.zsplit(['rollback', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(w.state()).toBe(before);
    rmSync(w.dir, { recursive: true, force: true }); // the 540 MB journal
  }, 600_000);
});

/** A simulated Zimbra in process, and the answers of a primary setup with two peer accounts. */
function twoPeerAccounts() {
  const dir = mkdtempSync(join(tmpdir(), 'zsplit-scale-'));
  const exec = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
  const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: accountLines(2) }, 'setup');
  return { dir, exec, a: v.answers! };
}

describe('a plan whose journal line is longer than the longest string V8 holds (2^29 - 24 characters)', () => {
  it('is journaled in pieces, applied, read back from its journal and rolled back', async () => {
    const { dir, exec, a } = twoPeerAccounts();
    const before = readFileSync(join(dir, 'sim.json'), 'utf8');
    // Two explanations of 2^28 characters stand for a plan of some 330,000 accounts: the plan, the
    // journal's first line, is then longer than V8's longest string. Refused until the line was
    // written and read in pieces ("do not fit in a run's journal").
    const long = 'x'.repeat(2 ** 28);
    const huge = (p: Plan): Plan => ({ ...p, steps: p.steps.map((s, i) => (i < 2 ? { ...s, why: long } : s)) });
    const store = new JournalStore(join(dir, 'state'));
    const s = await applyPlan(huge(plan('setup', a)), { zmprov: new Zmprov(exec), exec, store, version: 'test', replan: (o) => huge(plan('setup', a, o)) });
    expect(s.status).toBe('completed');
    expect(JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).accounts['user1@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'] });
    const [file] = readdirSync(store.runsDir);
    expect(statSync(join(store.runsDir, file)).size).toBeGreaterThan(2 ** 29);
    const run = store.run(s.runId)!;
    expect(run.status).toBe('completed');
    expect(run.header.plan.steps.map((x) => x.why.length).slice(0, 3)).toEqual([2 ** 28, 2 ** 28, run.header.plan.steps[2].why.length]);
    expect(run.header.plan.steps.map((x) => x.id)).toEqual(huge(plan('setup', a)).steps.map((x) => x.id));
    // Listed without its plan, and undone from it.
    expect(store.runs().map((r) => r.runId)).toEqual([s.runId]);
    const rb = rollbackPlan(run);
    const back = await applyPlan(rb, { zmprov: new Zmprov(exec), exec, store, version: 'test', kind: 'rollback', of: run.runId, replan: replanOnce(run, rb, false) });
    expect(back.status).toBe('completed');
    expect(readFileSync(join(dir, 'sim.json'), 'utf8')).toBe(before);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});

describe('a step longer than the longest string V8 holds', () => {
  it('is refused before any change, and the journal its run began is removed', async () => {
    const { dir, exec, a } = twoPeerAccounts();
    // A string of the greatest length: the JSON of its step cannot be made.
    const longest = 'x'.repeat(2 ** 29 - 24);
    const huge = (p: Plan): Plan => ({ ...p, steps: p.steps.map((s, i) => (i === 0 ? { ...s, why: longest } : s)) });
    const store = new JournalStore(join(dir, 'state'));
    const run = applyPlan(huge(plan('setup', a)), { zmprov: new Zmprov(exec), exec, store, version: 'test', replan: (o) => huge(plan('setup', a, o)) });
    await expect(run).rejects.toThrow(PlanRefused);
    await expect(run).rejects.toThrow(/cannot be journaled: one of its \d+ steps is longer than the longest string/);
    expect(readdirSync(store.runsDir)).toEqual([]);
    expect(exec.sim.log.filter((r) => r.type !== 'read' && r.type !== 'start')).toEqual([]);
    expect(existsSync(join(dir, 'sim.json')) ? JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).accounts['user0@example.com'] : undefined).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
