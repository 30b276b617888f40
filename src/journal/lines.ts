/**
 * The lines of a file, read a chunk at a time. A journal of a 300,000-account run (~700 MB) is
 * longer than the longest string V8 holds (2^29 - 24 characters), so it is never read as one:
 * read whole, it could be neither resumed nor rolled back.
 */
import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 8 << 20;

/**
 * Calls `fn` for each line of `fd` from byte `start` (line `firstLine`), decoded as UTF-8, until
 * the end or until `fn` returns false. `ended`: the line has its newline (only a last line cut
 * short has none). `line` is undefined for a line too long to be a string.
 */
export function eachLine(fd: number, fn: (line: string | undefined, lineNo: number, ended: boolean) => boolean | void, chunkSize = CHUNK, start = 0, firstLine = 1): void {
  // A line across chunks is decoded chunk by chunk (a character cut between two waits in the
  // decoder) and joined once: its chunks are not kept, so a 500 MB first line costs its string
  // twice over for a moment, not three times.
  const decoder = new StringDecoder('utf8');
  let parts: string[] | undefined;
  let lineNo = firstLine - 1;
  let pos = start;
  let stop = false;
  const emit = (tail: Buffer, ended: boolean): void => {
    let line: string | undefined;
    try {
      if (parts === undefined) line = tail.toString('utf8');
      else {
        parts.push(decoder.write(tail) + decoder.end());
        line = parts.join('');
      }
    } catch {
      line = undefined; // ERR_STRING_TOO_LONG, or "Invalid string length" from join
      decoder.end();
    }
    parts = undefined;
    stop = fn(line, ++lineNo, ended) === false;
  };
  while (!stop) {
    const chunk = Buffer.allocUnsafe(chunkSize);
    const n = readSync(fd, chunk, 0, chunkSize, pos);
    if (n === 0) break;
    pos += n;
    const data = chunk.subarray(0, n);
    let from = 0;
    for (let nl = data.indexOf(10); nl >= 0 && !stop; nl = data.indexOf(10, from)) {
      emit(data.subarray(from, nl), true);
      from = nl + 1;
    }
    if (!stop && from < n) (parts ??= []).push(decoder.write(data.subarray(from)));
  }
  if (!stop && parts !== undefined) emit(Buffer.alloc(0), false);
}
