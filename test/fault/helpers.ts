// Shared by the fault suite: a small real file system for the state dir, and outcome checks.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { simWorld } from '../helpers/sim.js';

type World = ReturnType<typeof simWorld>;

let mountable: boolean | undefined;

/** Whether this machine lets the tests mount a tmpfs (root, no container refusal). */
export function canMountTmpfs(dir: string): boolean {
  if (mountable !== undefined) return mountable;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  mountable = r.status === 0;
  if (mountable) spawnSync('umount', [dir]);
  return mountable;
}

export function mountTmpfs(dir: string, kib: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0700`, 'tmpfs', dir]);
}

export function growTmpfs(dir: string, kib: number): void {
  execFileSync('mount', ['-o', `remount,size=${kib}k`, dir]);
}

export function umount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

export function journalLines(stateDir: string): unknown[] {
  const dir = join(stateDir, 'runs');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      }),
  );
}

/** The primary setup's desired end state for `n` placeholders tN@example.com. */
export function expectDesired(w: World, n: number, prefix = 't'): void {
  const s = w.json();
  for (let i = 0; i < n; i++) expect(s.accounts[`${prefix}${i}@example.com`], `${prefix}${i}`).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });
  expect(s.servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ').split(' ').filter((x) => x === '192.0.2.10/32')).toHaveLength(1);
}

/** No raw stack trace reached the operator. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

/**
 * A real delay, where the delay is the point: the signal trials (signals.test.ts) send their
 * signal at a random moment of a run, after waiting for the run's start with waitFor. Never a
 * stand-in for an event: wait for events with test/helpers/wait.ts.
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
