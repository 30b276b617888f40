/** Where a rendered plan goes: a file (--out) or stdout, written chunk by chunk as it is rendered. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Plan } from '../plan/step.js';
import type { RunAs } from '../plan/render.js';
import { streamPlan } from '../plan/render.js';
import type { CliIO } from './io.js';

export function writePlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs: RunAs; out?: string; io: CliIO }): void {
  if (!opts.out) {
    streamPlan(p, format, (chunk) => opts.io.out(chunk), { runAs: opts.runAs });
    return;
  }
  const fd = openSync(opts.out, 'w', format === 'sh' ? 0o755 : 0o644);
  try {
    streamPlan(p, format, (chunk) => writeAll(fd, chunk), { runAs: opts.runAs });
  } finally {
    closeSync(fd);
  }
}

/** writeSync may write less than asked (a full disk, a pipe): the rest follows, or it throws. */
function writeAll(fd: number, chunk: string): void {
  const buf = Buffer.from(chunk, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}
