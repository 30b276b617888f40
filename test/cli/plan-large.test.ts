// The real `zsplit plan` command at the size of real domains: it finishes, and what it writes is whole.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, primaryAnswers } from '../helpers/sim.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-plan-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function accounts(n: number): string {
  const f = join(dir, `accounts-${n}.txt`);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`user${i}@example.com`);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/** Spawns bin/zsplit.js and waits for its end (close: every output flushed). */
function zsplit(args: string[]): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, err }));
  });
}

describe('zsplit plan with 300,000 peer accounts (the real command)', () => {
  it('writes the sh script: every placeholder in one zmprov -f batch, nothing cut off', async () => {
    const n = 300_000;
    const out = join(dir, 'plan.sh');
    const r = await zsplit(['plan', 'setup', ...primaryAnswers(accounts(n)), '--format', 'sh', '--run-as', 'current', '--out', out]);
    expect(r.err).not.toMatch(/RangeError/);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(out, 'utf8');
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('ca user')).length).toBe(n);
    expect(lines.filter((l) => l.startsWith('ma user') && l.endsWith('zimbraMailTransport smtp:[mail.example.com]:25')).length).toBe(n);
    expect(lines).toContain(`ca user${n - 1}@example.com '' zimbraAccountStatus locked zimbraHideInGal TRUE`);
    expect(text).toMatch(/# \[\d+-\d+\] 600000 placeholders commands in one zmprov batch/);
    // The script ends with the MX step, after the batch: the file is complete.
    expect(text.indexOf('ZSPLIT_BATCH\nchmod')).toBeLessThan(text.lastIndexOf('MX'));
  }, 120_000);
});
