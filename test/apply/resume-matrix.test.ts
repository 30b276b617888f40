// Resume works for every job, stopped at every step it asks about: --step, answer yes k times then
// quit, then `apply --resume --yes`. The resumed run reaches the job's desired state (applying the
// job again changes nothing), and rolling it back restores the state from before the job.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simWorld } from '../helpers/sim.js';

const COMMON = ['--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];
const MAX_STOPS = 12;

interface Job {
  name: string;
  /** Brings the world to where the job starts; returns the job's apply arguments. */
  prepare: (w: ReturnType<typeof simWorld>) => string[];
}

function peers(w: ReturnType<typeof simWorld>) {
  return w.file('peers.txt', 'u01@example.com\nu02@example.com\nu03@example.com\n');
}

function ok(r: { code: number; out: string; err: string }) {
  expect(r.code, r.err + r.out).toBe(0);
}

const JOBS: Job[] = [
  { name: 'setup primary', prepare: (w) => ['setup', '--role', 'primary', ...COMMON, '--peer-accounts', peers(w)] },
  { name: 'setup secondary', prepare: () => ['setup', '--role', 'secondary', ...COMMON] },
  {
    name: 'cutover to-zimbra (issue 10)',
    prepare: (w) => {
      const p = peers(w);
      ok(w.zsplit(['apply', 'setup', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--yes']));
      return ['cutover', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--users', w.file('u.txt', 'u01@example.com\nu02@example.com\n'), '--direction', 'to-zimbra'];
    },
  },
  {
    name: 'cutover to-peer',
    prepare: (w) => {
      const p = peers(w);
      ok(w.zsplit(['apply', 'setup', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--yes']));
      return ['cutover', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--users', w.file('u.txt', 'bob@example.com\n'), '--direction', 'to-peer'];
    },
  },
  {
    name: 'unsplit',
    prepare: (w) => {
      const p = peers(w);
      ok(w.zsplit(['apply', 'setup', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--yes']));
      ok(w.zsplit(['apply', 'cutover', '--role', 'primary', ...COMMON, '--peer-accounts', p, '--users', p, '--direction', 'to-zimbra', '--yes']));
      return ['unsplit', '--role', 'primary', ...COMMON];
    },
  },
];

describe.each(JOBS)('resume after a stop: $name', (job) => {
  it('stopped after each answered step, resumed, desired; rolled back, as before', () => {
    const seen: number[] = [];
    for (let k = 0; k < MAX_STOPS; k++) {
      const w = simWorld();
      expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
      const args = job.prepare(w);
      const before = w.state();
      const stop = w.zsplit(['apply', ...args, '--step'], { input: 'y\n'.repeat(k) + 'q\n' });
      if (stop.code === 0) {
        // Fewer than k questions: every stopping point was tried.
        rmSync(w.dir, { recursive: true, force: true });
        break;
      }
      expect(stop.out, stop.err).toMatch(/STOPPED/);
      const resumed = w.zsplit(['apply', '--resume', '--yes']);
      expect(resumed.code, `${job.name}, stopped after ${k} answer(s):\n${resumed.err}\n${resumed.out}`).toBe(0);
      const again = w.zsplit(['apply', ...args, '--yes']);
      expect(again.code, again.err).toBe(0);
      expect(again.out, `${job.name} after ${k}: the resumed run left work undone`).toMatch(/COMPLETED: 0 applied/);
      // Undo the resumed run (the second apply changed nothing): back to the state before the job.
      const runs = JSON.parse(w.zsplit(['status', '--json']).out) as { runId: string; status: string; kind: string }[];
      const resumedRun = runs.filter((r) => r.kind === 'apply').at(-2)!;
      const rb = w.zsplit(["rollback", "--run", resumedRun.runId, "--yes"]);
      expect(rb.code, rb.err + rb.out).toBe(0);
      expect(w.state(), `${job.name} after ${k}: rollback`).toBe(before);
      seen.push(k);
      rmSync(w.dir, { recursive: true, force: true });
    }
    expect(seen.length).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
