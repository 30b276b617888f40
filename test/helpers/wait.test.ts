// The race behind issue 16: a kill that lands after the child already finished.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exitOf, waitFor } from './wait.js';

describe('exitOf', () => {
  it('returns for a child that already exited, where a late exit listener waits forever', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    await waitFor(() => child.exitCode !== null, 'the child to exit');
    // the old pattern: the 'exit' event was emitted before this listener existed
    const late = new Promise((r) => child.on('exit', r));
    const raced = await Promise.race([late.then(() => 'exit event'), new Promise((r) => setTimeout(() => r('never'), 300))]);
    expect(raced).toBe('never');
    child.kill('SIGKILL'); // as the tests do: a no-op on a finished child
    expect(await exitOf(child)).toEqual({ code: 3, signal: null });
  });

  it('returns the signal of a killed child, and fails naming the child when it never ends', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await expect(exitOf(child, 'the sleeper', 200)).rejects.toThrow('the sleeper did not exit within 200 ms');
    child.kill('SIGKILL');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
  });
});

describe('waitFor', () => {
  it('fails with what never happened', async () => {
    await expect(waitFor(() => false, 'the lock file', 50)).rejects.toThrow('waited 50 ms for the lock file');
  });

  it('waits for an async condition (a pending promise is not yet) and returns what it found', async () => {
    let polls = 0;
    const found = await waitFor(async () => (++polls >= 3 ? `answer ${polls}` : undefined), 'the third poll', 5_000, 1);
    expect(found).toBe('answer 3');
    await expect(waitFor(async () => false, 'an async never', 50)).rejects.toThrow('waited 50 ms for an async never');
  });
});
