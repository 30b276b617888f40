// The lab's per-run loopback block (lab.ts labNet): claims never shared, stale ones taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labNet } from './lab.js';

const lockOf = (ip: string) => join(tmpdir(), `zsplit-lab-net-${ip.split('.').slice(0, 3).join('.')}.lock`);

describe('labNet', () => {
  it('gives each claim its own 127.x.y.0/24 block, held by a lock file naming the claimer', () => {
    const a = labNet()(2);
    const b = labNet()(2);
    expect(a).toMatch(/^127\.\d+\.\d+\.2$/);
    expect(a.split('.').slice(0, 3)).not.toEqual(b.split('.').slice(0, 3));
    expect(readFileSync(lockOf(a), 'utf8')).toBe(String(process.pid));
    expect(readFileSync(lockOf(b), 'utf8')).toBe(String(process.pid));
  });

  it('takes over a block whose claimer is gone (a run that ended without releasing it)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    // The blocks this process tries, in order; every one not held yet gets a stale claim.
    const candidates = Array.from({ length: 20 }, (_, k) => {
      const i = (process.pid * 7919 + k) % (250 * 250);
      return `127.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
    });
    const stale = candidates.filter((p) => !existsSync(join(tmpdir(), `zsplit-lab-net-${p}.lock`)));
    for (const p of stale) writeFileSync(join(tmpdir(), `zsplit-lab-net-${p}.lock`), dead.stdout);
    const got = labNet()(1);
    expect(got).toBe(`${stale[0]}.1`);
    expect(readFileSync(lockOf(got), 'utf8')).toBe(String(process.pid));
    for (const p of stale.slice(1)) rmSync(join(tmpdir(), `zsplit-lab-net-${p}.lock`), { force: true });
  });
});
