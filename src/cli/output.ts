/** Where a rendered plan goes: a file (--out) or stdout, written chunk by chunk as it is rendered. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Plan } from '../plan/step.js';
import type { RunAs } from '../plan/render.js';
import { emitPlan, streamPlan } from '../plan/render.js';
import type { CliIO } from './io.js';

export function writePlan(p: Plan, format: 'text' | 'sh' | 'json', opts: { runAs: RunAs; out?: string; io: CliIO }): void {
  if (!opts.out) {
    streamPlan(p, format, (chunk) => opts.io.out(chunk), { runAs: opts.runAs });
    return;
  }
  const fd = openSync(opts.out, 'w', format === 'sh' ? 0o755 : 0o644);
  try {
    const sink = new FileSink(fd);
    emitPlan(p, format, (piece) => sink.write(piece), { runAs: opts.runAs });
    sink.flush();
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a rendering to a file through one reused buffer. Short pieces (lines of the preview and
 * the script) are joined first, as V8 joins short strings cheaply; a long piece (a step of the
 * json plan) is encoded straight into the buffer. A 160 MB plan is never one string, nor a fresh
 * buffer per chunk.
 */
export class FileSink {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private pending = '';

  constructor(private readonly fd: number) {}

  write(text: string): void {
    if (text.length < 256) {
      this.pending += text;
      if (this.pending.length >= 65_536) this.encode(this.takePending());
      return;
    }
    if (this.pending) this.encode(this.takePending());
    this.encode(text);
  }

  /** Everything written so far goes to the file. */
  flush(): void {
    if (this.pending) this.encode(this.takePending());
    this.writeBuffer();
  }

  private takePending(): string {
    const t = this.pending;
    this.pending = '';
    return t;
  }

  private encode(text: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes).
    if (text.length * 3 > this.buf.length - this.used) {
      this.writeBuffer();
      if (text.length * 3 > this.buf.length) return writeAll(this.fd, Buffer.from(text, 'utf8'));
    }
    this.used += this.buf.write(text, this.used);
  }

  private writeBuffer(): void {
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

/** writeSync may write less than asked (a full disk, a pipe): the rest follows, or it throws. */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}
