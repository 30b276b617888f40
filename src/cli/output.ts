/** Where a rendered plan goes: a file (--out) or stdout, written chunk by chunk as it is rendered. */
import { closeSync, fstatSync, ftruncateSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Plan } from '../plan/step.js';
import type { RunAs } from '../plan/render.js';
import { emitPlan, streamPlan } from '../plan/render.js';
import type { CliIO } from './io.js';
import { BufferedSink } from '../model/sink.js';

export function writePlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs: RunAs; out?: string; io: CliIO }): void {
  if (!opts.out) {
    streamPlan(p, format, (chunk) => opts.io.out(chunk), { runAs: opts.runAs });
    return;
  }
  const { fd, created } = openOut(opts.out, format === 'sh' ? 0o755 : 0o644);
  try {
    const sink = new BufferedSink((buf) => writeAll(fd, buf));
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

/** writeSync may write less than asked (a full disk, a pipe): the rest follows, or it throws. */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}
