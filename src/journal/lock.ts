/** One run per target at a time: an O_EXCL lock file that names its holder. */
import { privateDir } from './statedir.js';
import { closeSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  runId?: string;
  operator?: string;
}

export class LockHeld extends Error {
  constructor(public readonly holder: LockHolder, public readonly path: string) {
    super(`another zsplit run holds the lock for this target: pid ${holder.pid} on ${holder.host}, started ${holder.started}${holder.runId ? `, run ${holder.runId}` : ''}${holder.operator ? ` by ${holder.operator}` : ''}. If that process is gone from another host, remove ${path}.`);
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class TargetLock {
  readonly path: string;
  /** Set when a stale lock (its process gone) was taken over. */
  staleHolder?: LockHolder;

  constructor(stateDir: string, target: string) {
    const dir = join(stateDir, 'locks');
    privateDir(dir, 'lock dir', true);
    this.path = join(dir, `${target.replace(/[^A-Za-z0-9@._-]/g, '_')}.lock`);
  }

  acquire(info: Omit<LockHolder, 'pid' | 'host' | 'started'>): void {
    const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), ...info };
    // Written whole to a private file first, then linked into place (atomic, fails if the lock
    // exists): a lock file is never seen half written, so an empty or garbage one is stale.
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(me));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          linkSync(tmp, this.path);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          const holder = this.holder();
          const garbage = holder === undefined && this.exists();
          // A lock from this host whose process is gone is stale (a crash or kill -9); so is one
          // that cannot be read (a crash of an older zsplit between creating and writing it).
          if (attempt === 0 && (garbage || (holder && holder.host === hostname() && !pidAlive(holder.pid)))) {
            this.staleHolder = holder ?? { pid: 0, host: 'unknown (unreadable lock file)', started: 'unknown' };
            rmSync(this.path, { force: true });
            continue;
          }
          throw new LockHeld(holder ?? { pid: 0, host: 'unknown', started: 'unknown' }, this.path);
        }
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private exists(): boolean {
    try {
      lstatSync(this.path);
      return true;
    } catch {
      return false;
    }
  }

  holder(): LockHolder | undefined {
    try {
      const h = JSON.parse(readFileSync(this.path, 'utf8')) as LockHolder;
      return h && typeof h === 'object' && Number.isInteger(h.pid) && h.pid > 0 && typeof h.host === 'string' ? h : undefined;
    } catch {
      return undefined;
    }
  }

  release(): void {
    const h = this.holder();
    if (h && h.pid === process.pid) rmSync(this.path, { force: true });
  }
}
