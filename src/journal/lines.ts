/**
 * The lines of a file, read a chunk at a time. A journal of a 300,000-account run (~700 MB) is
 * longer than the longest string V8 holds (2^29 - 24 characters), so it is never read as one:
 * read whole, it could be neither resumed nor rolled back.
 */
import { readSync } from 'node:fs';

const CHUNK = 8 << 20;

/**
 * Calls `fn` for each line of `fd` from its current offset, numbered from 1, decoded as UTF-8
 * (a newline byte never occurs inside a multi-byte character, so per line is as whole).
 * `ended`: the line has its newline (only a last line cut short has none). `line` is undefined
 * for a line too long to be a string.
 */
export function eachLine(fd: number, fn: (line: string | undefined, lineNo: number, ended: boolean) => void, chunkSize = CHUNK): void {
  let pieces: Buffer[] = [];
  let lineNo = 0;
  const emit = (ended: boolean): void => {
    let line: string | undefined;
    try {
      line = (pieces.length === 1 ? pieces[0] : Buffer.concat(pieces)).toString('utf8');
    } catch {
      line = undefined; // ERR_STRING_TOO_LONG
    }
    pieces = [];
    fn(line, ++lineNo, ended);
  };
  for (;;) {
    // A new buffer per chunk: a line's pieces stay views of the chunks they were read into.
    const chunk = Buffer.allocUnsafe(chunkSize);
    const n = readSync(fd, chunk, 0, chunkSize, null);
    if (n === 0) break;
    const data = chunk.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
      pieces.push(data.subarray(start, nl));
      emit(true);
      start = nl + 1;
    }
    if (start < n) pieces.push(data.subarray(start));
  }
  if (pieces.length > 0) emit(false);
}
