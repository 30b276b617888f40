/** Where a rendered plan goes: a file (--out) or stdout, written chunk by chunk as it is rendered. */
import { closeSync, fstatSync, ftruncateSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Plan } from '../plan/step.js';
import type { RunAs } from '../plan/render.js';
import { emitPlan, streamPlan } from '../plan/render.js';
import type { CliIO } from './io.js';

export function writePlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs: RunAs; out?: string; io: CliIO }): void {
  if (!opts.out) {
    streamPlan(p, format, (chunk) => opts.io.out(chunk), { runAs: opts.runAs });
    return;
  }
  const { fd, created } = openOut(opts.out, format === 'sh' ? 0o755 : 0o644);
  try {
    const sink = new FileSink(fd);
    // A json step is a long piece, encoded as it comes; the short lines of text and sh are joined
    // into 64 KB chunks first, as V8 joins short strings cheaply.
    if (format === 'json') emitPlan(p, format, (piece) => sink.write(piece));
    else streamPlan(p, format, (chunk) => sink.write(chunk), { runAs: opts.runAs });
    sink.flush();
  } catch (e) {
    discard(fd, opts.out, created);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** Opens --out for writing (emptied), and says whether this created it. */
function openOut(path: string, mode: number): { fd: number; created: boolean } {
  try {
    return { fd: openSync(path, 'wx', mode), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { fd: openSync(path, 'w', mode), created: false };
  }
}

/**
 * A rendering that failed half way leaves no partial plan (a cut script would run half its
 * commands): the file is emptied, and removed when this run created it and it is still that file.
 */
function discard(fd: number, path: string, created: boolean): void {
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return;
    ftruncateSync(fd, 0);
    const now = lstatSync(path);
    if (created && now.ino === st.ino && now.dev === st.dev) unlinkSync(path);
  } catch {
    // The error that stopped the rendering is the one to report.
  }
}

/**
 * Encodes each piece straight into one reused buffer and writes the buffer when it is full: a
 * 160 MB plan is never one string, nor a fresh buffer per chunk.
 */
export class FileSink {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes).
    if (text.length * 3 > this.buf.length - this.used) {
      this.flush();
      if (text.length * 3 > this.buf.length) return writeAll(this.fd, Buffer.from(text, 'utf8'));
    }
    this.used += this.buf.write(text, this.used);
  }

  /** Writes what the buffer holds. */
  flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

/** writeSync may write less than asked (a full disk, a pipe): the rest follows, or it throws. */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}
