/**
 * Text written piece by piece through one reused buffer, each piece encoded straight into it: a
 * 160 MB plan or a run's 500 MB first journal line is never one string, nor a fresh buffer per
 * piece. `out` gets the full buffer (it must write all of it, or throw).
 */
export class BufferedSink {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly out: (bytes: Buffer) => void) {}

  write(text: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes).
    if (text.length * 3 > this.buf.length - this.used) {
      this.flush();
      if (text.length * 3 > this.buf.length) return this.out(Buffer.from(text, 'utf8'));
    }
    this.used += this.buf.write(text, this.used);
  }

  /** Writes what the buffer holds. */
  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.out(this.buf.subarray(0, n));
  }
}
