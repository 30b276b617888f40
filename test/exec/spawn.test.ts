// One-shot runs (src/exec/spawn.ts): output kept in order, timeouts that end even a child that
// ignores SIGTERM, and a command that cannot start named in the error.
import { describe, expect, it } from 'vitest';
import { SpawnError, spawnCapture } from '../../src/exec/spawn.js';

const node = process.execPath;

describe('spawnCapture', () => {
  it('keeps stdout and stderr in the order they were written when merged, apart when not', async () => {
    const script = "for (let i = 0; i < 50; i++) { require('fs').writeSync(i % 2 ? 2 : 1, `line ${i}\\n`); }";
    const merged = await spawnCapture([node, '-e', script], { merge: true });
    expect(merged.exitCode).toBe(0);
    expect(merged.combined).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
    const apart = await spawnCapture([node, '-e', script]);
    expect(apart.stdout).toBe(Array.from({ length: 25 }, (_, i) => `line ${2 * i}\n`).join(''));
    expect(apart.stderr).toBe(Array.from({ length: 25 }, (_, i) => `line ${2 * i + 1}\n`).join(''));
  });

  it('keeps the whole output of a large batch: a 300,000-line probe batch prints some 130 MB', async () => {
    // execa's default maxBuffer (100 MB) cut it, and the lines after the cut read as not run.
    const line = 'ERROR: account.NO_SUCH_ACCOUNT (no such account: user123456@example.com)\n';
    const n = 2_000_000;
    const r = await spawnCapture([node, '-e', `const l=${JSON.stringify(line)}.repeat(10000);for(let i=0;i<${n / 10000};i++)require('fs').writeSync(1,l)`], { merge: true });
    expect(r.exitCode).toBe(0);
    expect(r.combined.length).toBe(n * line.length);
    expect(r.combined.endsWith(line)).toBe(true);
  }, 60_000);

  it('passes input on stdin and the exit code through', async () => {
    const r = await spawnCapture([node, '-e', "let t='';process.stdin.on('data',d=>t+=d).on('end',()=>{process.stdout.write(t.toUpperCase());process.exit(3)})"], { input: 'ma x\n' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'MA X\n' });
  });

  it('a timeout ends a child that ignores SIGTERM: SIGKILL after the grace period', async () => {
    const t0 = performance.now();
    const r = await spawnCapture([node, '-e', "process.on('SIGTERM', () => {}); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)"], { timeoutMs: 3000, killGraceMs: 300 });
    expect(r.exitCode).toBe(137);
    expect(r.stdout).toBe('ready\n');
    // bounded by the timeout and the grace, not by the child (which would run forever)
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('a command that cannot start fails with an error naming it', async () => {
    const e = await spawnCapture(['/nonexistent/zmprov', 'gacf']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SpawnError);
    expect((e as SpawnError).code).toBe('ENOENT');
    expect((e as Error).message).toContain('/nonexistent/zmprov gacf');
    const merged = await spawnCapture(['/nonexistent/zmprov', '-f', 'x'], { merge: true }).catch((x: unknown) => x);
    expect(merged).toBeInstanceOf(SpawnError);
    expect((merged as SpawnError).code).toBe('ENOENT');
    expect((merged as Error).message).toContain('/nonexistent/zmprov -f x');
  });
});
