/** Captures what a simulated process writes, per descriptor and interleaved, in write order. */

export type Fd = 1 | 2;

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr exactly as interleaved when written (both fds pointed at one file). */
  combined: string;
}

export class Output {
  stdout = '';
  stderr = '';
  combined = '';
  /** Lines printed (println calls): what the simulated per-line cost is charged for. */
  lines = 0;

  constructor(private readonly sink?: (fd: Fd, text: string) => void) {}

  write(fd: Fd, text: string): void {
    if (text === '') return;
    if (fd === 1) this.stdout += text;
    else this.stderr += text;
    this.combined += text;
    this.sink?.(fd, text);
  }

  out(text: string): void {
    this.write(1, text);
  }

  println(text = ''): void {
    this.lines++;
    this.write(1, `${text}\n`);
  }

  err(text: string): void {
    this.write(2, text);
  }

  result(exitCode: number): RunResult {
    return { exitCode, stdout: this.stdout, stderr: this.stderr, combined: this.combined };
  }
}
