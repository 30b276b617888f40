// Disk full during an apply: the state dir on a small tmpfs (several sizes), or, where mounting is
// not allowed, an injected ENOSPC at the same write call. No change may be sent before its intent is
// durably journaled; the run must stay resumable and rollback-able once space is freed.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';
import { canMountTmpfs, expectDesired, expectNoStack, growTmpfs, journalLines, mountTmpfs, umount } from './helpers.js';

const TRIALS = 12;
const N = 40;
// A whole run's journal is ~82 KB (a 57 KB header with the plan): sizes that fail at the header,
// the intents, the results, the reload and the end record.
const SIZES_KIB = [48, 64, 68, 72, 76, 80, 84, 88];

describe('disk full during apply', () => {
  it(`${TRIALS} runs on a full state dir end in the desired state (resume) or byte-identical (rollback)`, () => {
    const tally = { trials: 0, failedOnFullDisk: 0, resumed: 0, rolledBack: 0, desired: 0, identical: 0, mode: '' };
    for (let trial = 0; trial < TRIALS; trial++) {
      const w = simWorld({ ZSPLIT_SIM_CMD_MS: String(Math.floor(Math.random() * 3)) });
      expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
      const before = w.state();
      const accounts = w.file('a.txt', accountLines(N, 't'));
      const args = ['apply', 'setup', ...primaryAnswers(accounts), '--yes'];
      const size = SIZES_KIB[trial % SIZES_KIB.length] + 4 * Math.floor(Math.random() * 2);
      const real = canMountTmpfs(`${w.dir}/probe-mnt`);
      tally.mode = real ? 'tmpfs' : 'injected ENOSPC';
      const injected = real ? {} : { ZSPLIT_FAULT_JOURNAL_BYTES: String((size - 8) * 1024) };
      if (real) mountTmpfs(w.stateDir, size);
      try {
        const a = w.zsplit(args, { env: injected });
        tally.trials++;
        expectNoStack(a.err + a.out);
        if (a.code !== 0) {
          expect(a.code, a.err + a.out).toBe(1);
          expect(a.err).toMatch(/no space left on device/);
          tally.failedOnFullDisk++;
          // Write-ahead: every placeholder that exists on the server had its intent journaled.
          const intents = new Set(journalLines(w.stateDir).flatMap((r) => ((r as { t: string }).t === 'intent' ? [(r as { step: string }).step] : [])));
          const s = w.json();
          for (let i = 0; i < N; i++) if (s.accounts[`t${i}@example.com`]) expect(intents.has(`placeholder.create:t${i}@example.com`), `t${i} created without a journaled intent`).toBe(true);
        }
        if (real) growTmpfs(w.stateDir, 64 * 1024);
        if (Math.random() < 0.5) {
          const r = w.zsplit(['apply', '--resume', '--yes']);
          let final = r;
          if (r.code !== 0) {
            // Nothing to resume when even the run's header could not be written, or the run had completed.
            expect(r.err, r.out).toMatch(/no interrupted run/);
            final = w.zsplit(args);
          }
          expect(final.code, final.err + final.out).toBe(0);
          expectDesired(w, N);
          tally.resumed++;
          tally.desired++;
        } else {
          const r = w.zsplit(['rollback', '--yes']);
          if (r.code !== 0) expect(r.err, r.out).toMatch(/nothing to roll back/);
          expect(w.state()).toBe(before);
          tally.rolledBack++;
          tally.identical++;
        }
      } finally {
        if (real) umount(w.stateDir);
        rmSync(w.dir, { recursive: true, force: true });
      }
    }
    console.log(`disk full: ${JSON.stringify(tally)}`);
    expect(tally.failedOnFullDisk).toBeGreaterThanOrEqual(TRIALS / 2);
    expect(tally.desired + tally.identical).toBe(TRIALS);
  }, 300_000);
});
