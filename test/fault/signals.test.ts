// A headless apply killed or signalled at a random moment, then rolled back: the rollback must
// learn what really happened (the zmprov session finishes the lines it was sent) and undo all of it.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/journal/lock.js';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';
import { exitOf, waitFor } from '../helpers/wait.js';
import { expectNoStack, journalLines, sleep } from './helpers.js';

const TRIALS = 10;
const N = 30;

describe.each(['SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGINT'] as const)('apply interrupted by %s', (signal) => {
  it(`${TRIALS} random moments, then rollback --yes: byte-identical to before`, async () => {
    const tally = { runs: 0, identical: 0, graceful: 0, reconciled: 0, afterEnd: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const w = simWorld({ ZSPLIT_SIM_CMD_MS: '3' });
      expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
      const before = w.state();
      const accounts = w.file('a.txt', accountLines(N, 't'));
      const child = w.spawnZsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      child.stdout!.resume();
      const runs = join(w.stateDir, 'runs');
      await waitFor(() => child.exitCode !== null || (existsSync(runs) && readdirSync(runs).length > 0), 'the run header to be journaled (or the run to end)', 60_000, 5);
      await sleep(Math.floor(Math.random() * 500));
      child.kill(signal);
      const end = await exitOf(child, `the ${signal}ed apply`);
      tally.runs++;
      if (signal !== 'SIGKILL') {
        // Handled like Ctrl+C: a clean stop (or the run had finished), the lock released, the session closed.
        expectNoStack(err);
        const recs = journalLines(w.stateDir) as { t: string; status?: string; pid?: number }[];
        const ends = recs.filter((r) => r.t === 'end').map((r) => r.status);
        if (end.signal !== null) {
          // Only a run that had already finished may die by the signal: it landed in Node's own
          // teardown after the last line of JavaScript (journal ended, lock released), where no
          // handler runs any more. Nothing is lost; anything earlier must be handled.
          expect(ends, `${signal} killed a run that had not finished: ${err}`).toEqual(['completed']);
          tally.afterEnd++;
        } else {
          expect([0, 1]).toContain(end.code);
          expect(ends).toEqual([end.code === 0 ? 'completed' : 'stopped']);
        }
        expect(existsSync(join(w.stateDir, 'locks', 'local.lock')), 'lock released').toBe(false);
        for (const r of recs) if (r.t === 'spawn') expect(pidAlive(r.pid!), `zmprov pid ${r.pid} outlived zsplit`).toBe(false);
        if (end.code === 1) tally.graceful++;
      }
      const r = w.zsplit(['rollback', '--yes']);
      expectNoStack(r.err);
      if (/reading what it really changed/.test(r.err)) tally.reconciled++;
      if (r.code !== 0) expect(r.err, r.out).toMatch(/nothing to roll back|changed nothing/);
      expect(w.state(), `${signal} trial ${trial}: ${r.err}\n${r.out}`).toBe(before);
      tally.identical++;
      rmSync(w.dir, { recursive: true, force: true });
    }
    console.log(`${signal}: ${JSON.stringify(tally)}`);
    expect(tally.identical).toBe(TRIALS);
  }, 240_000);
});
