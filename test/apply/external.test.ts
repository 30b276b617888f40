// The engine against the simulated Zimbra run as an external process (--zmprov <sim> --run-as current).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/journal.js';
import { readJournal } from '../../src/journal/journal.js';
import { accountLines, primaryAnswers, SECONDARY_ANSWERS, simWorld } from '../helpers/sim.js';
import { exitOf, waitFor } from '../helpers/wait.js';

const readText = (p: string) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return ''; // removed between the listing and the read
  }
};

describe('apply and rollback through real processes', () => {
  it('secondary setup applied then rolled back leaves the state file byte-identical', () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const a = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--yes']);
    expect(a.code, a.err + a.out).toBe(0);
    const applied = w.json();
    expect(applied.domains['example.com'].zimbraMailCatchAllAddress).toEqual(['@example.com']);
    expect(applied.domains['example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    expect(applied.config.zimbraMtaRelayHost).toEqual(['[mail.example.com]:25']);
    expect(applied.config.zimbraMtaSmtpDnsSupportLevel).toEqual(['disabled']);
    expect(w.log().filter((r) => r.type === 'reload')).toHaveLength(1);
    const r = w.zsplit(['rollback', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(w.state()).toBe(before);
    // a second apply of the same setup finds nothing to do
    w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--yes']);
    const again = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--yes']);
    expect(again.out).toMatch(/COMPLETED: 0 applied, 9 unchanged/);
  });

  it('a primary setup with 500 placeholders starts zmprov at most 3 times', () => {
    const w = simWorld();
    const accounts = w.file('accounts.txt', accountLines(500));
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(a.code, a.err.slice(-2000)).toBe(0);
    const starts = w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov');
    expect(starts.length).toBeLessThanOrEqual(3);
    const s = w.json();
    expect(Object.keys(s.accounts).filter((k) => k.startsWith('user'))).toHaveLength(500);
    expect(s.accounts['user499@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'], zimbraMailStatus: ['enabled'] });
    // the placeholder kept a mail host (two commands, not ca with a transport)
    expect(s.accounts['user0@example.com'].zimbraMailHost).toEqual(['zimbra.example.com']);
    expect(a.out).toMatch(/COMPLETED: 1002 applied/);
  });

  it('an injected failure on one batch line is reported with its line and error text; rollback restores the before-state', () => {
    const w = simWorld({ ZSPLIT_SIM_FAIL: '^ma carol@example\\.com ', ZSPLIT_SIM_FAIL_CODE: 'service.FAILURE' });
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const accounts = w.file('accounts.txt', 'alice.p@example.com\nbob.p@example.com\ncarol@example.com\ndave@example.com\n');
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/FAILED\s+Route carol@example.com/);
    expect(a.out).toMatch(/line 6 \(ma carol@example.com zimbraMailTransport smtp:\[mail.example.com\]:25\): ERROR: service.FAILURE \(/);
    expect(a.out).toMatch(/zsplit rollback --run /);
    const r = w.zsplit(['rollback', '--yes'], { env: { ZSPLIT_SIM_FAIL: '' } });
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain('zmprov da carol@example.com');
    expect(w.state()).toBe(before);
  });

  it('refuses to apply without --yes or --step when there is no terminal, naming the flag', () => {
    const w = simWorld();
    const a = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--yes/);
  });

  it('--step asks per step on stdin and skips by default', () => {
    const w = simWorld();
    const a = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--step'], { input: 'y\n\nq\n' });
    expect(a.out).toMatch(/APPLIED\s+Catch all unknown/);
    expect(a.out).toMatch(/SKIPPED\s+Keep the address unchanged/);
    expect(a.out).toMatch(/STOPPED/);
    expect(w.json().domains['example.com'].zimbraMailCatchAllForwardingAddress).toBeUndefined();
  });

  it('refuses a saved plan whose before-values went stale, and --refresh re-plans', () => {
    const w = simWorld();
    w.zmprov('gacf', 'zimbraMtaRelayHost');
    // a plan made against the server (apply --plan checks it), saved as JSON
    const planFile = `${w.dir}/plan.json`;
    const p = w.zsplit(['plan', 'setup', ...SECONDARY_ANSWERS, '--connect', '--format', 'json', '--out', planFile]);
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(readFileSync(planFile, 'utf8')).observed).toBe(true);
    w.zmprov('md', 'example.com', 'zimbraMailTransport', 'smtp:[other.example.com]:25');
    const a = w.zsplit(['apply', '--plan', planFile, '--yes']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/domain.transport:example.com: planned before \(unset\), now smtp:\[other.example.com\]:25/);
    const b = w.zsplit(['apply', '--plan', planFile, '--yes', '--refresh']);
    expect(b.code, b.err).toBe(0);
  });

  it('a second run on the same target is refused while the lock is held, naming the holder', async () => {
    const w = simWorld();
    const child = w.spawnZsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(50))), '--yes'], { ZSPLIT_SIM_START_MS: '1500', ZSPLIT_SIM_CMD_MS: '40' });
    // the first run holds the lock once its lock file names it (not after a guessed delay)
    const locks = join(w.stateDir, 'locks');
    await waitFor(() => existsSync(locks) && readdirSync(locks).some((f) => readText(join(locks, f)).includes(`"pid":${child.pid}`)), 'the first run to take the lock');
    // its zmprov, started while it planned, is killed with the refusal, not waited for
    const t0 = Date.now();
    const b = w.zsplit(['apply', 'setup', ...SECONDARY_ANSWERS, '--yes'], { env: { ZSPLIT_SIM_START_MS: '20000' } });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/another zsplit run holds the lock for this target: pid \d+ on /);
    expect((await exitOf(child, 'the first run')).code).toBe(0);
  });

  it('with --yes the MTA reload runs while the changes are read back, after all of them were applied', () => {
    const w = simWorld({ ZSPLIT_SIM_START_MS: '300' });
    const a = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(30))), '--yes']);
    expect(a.code, a.err + a.out).toBe(0);
    expect(a.out).toMatch(/APPLIED\s+Reload the MTA/);
    const [file] = readdirSync(join(w.stateDir, 'runs'));
    const records = readJournal(join(w.stateDir, 'runs', file)).records;
    const at = (pred: (r: JournalRecord) => boolean) => records.findIndex(pred);
    const reload = (records[0] as Extract<JournalRecord, { t: 'run' }>).plan.steps.find((s) => s.kind === 'reload')!.id;
    const changes = new Set(records.flatMap((r) => (r.t === 'intent' && r.step !== reload ? [r.step] : [])));
    expect(changes.size).toBeGreaterThan(60); // two per placeholder, and the MTA-level ones
    // every change announced (and answered) before the reload; their results recorded after it started, its own after theirs
    expect(at((r) => r.t === 'intent' && r.step === reload)).toBeGreaterThan(changes.size);
    expect(at((r) => r.t === 'intent' && r.step === reload)).toBeLessThan(at((r) => r.t === 'result'));
    const lastChange = records.map((r) => r.t === 'result' && changes.has(r.step)).lastIndexOf(true);
    expect(at((r) => r.t === 'result' && r.step === reload)).toBeGreaterThan(lastChange);
    expect(w.log().filter((r) => r.type === 'start' && r.tool === 'zmprov')).toHaveLength(1);
  });
});
