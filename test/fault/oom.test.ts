// Under memory pressure the kernel's OOM killer picks zsplit and the zmprov it started before
// Zimbra's own processes: zsplit sets its oom_score_adj to 1000 (a run killed mid-way resumes or
// rolls back from its journal; a killed mailboxd stops delivery).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountLines, primaryAnswers, simWorld } from '../helpers/sim.js';
import { exitOf, waitFor } from '../helpers/wait.js';

const adj = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe.runIf(process.platform === 'linux')('the OOM killer', () => {
  it('takes zsplit and its zmprov first: oom_score_adj 1000 for both during an apply', async () => {
    // A slow simulated JVM start keeps the session's zmprov alive long enough to be looked at.
    const w = simWorld({ ZSPLIT_SIM_START_MS: '1500' });
    const child = w.spawnZsplit(['apply', 'setup', ...primaryAnswers(w.file('a.txt', accountLines(3))), '--yes']);
    const ended = exitOf(child, 'zsplit apply');
    const pid = child.pid!;
    let seen: { own?: string; kids: (string | undefined)[] } = { kids: [] };
    await waitFor(() => {
      const kids = children(pid).map(adj);
      seen = { own: adj(pid), kids };
      return seen.own === '1000' && kids.length > 0 && kids.every((k) => k === '1000');
    }, 'zsplit and its children at oom_score_adj 1000', 15_000).catch((e: Error) => {
      throw new Error(`${e.message}: saw ${JSON.stringify(seen)}`);
    });
    const { code } = await ended;
    expect(code).toBe(0);
  }, 60_000);
});
