/**
 * JSON holding a plan read as its bytes go by: the plan's steps are parsed a run of them at a
 * time, the rest (a run's fields, the answers) once. From some 320,000 accounts a run's first
 * journal line, or a saved plan, is longer than the longest string V8 holds (2^29 - 24
 * characters), so neither is ever made one string (each is written in pieces too: emitCompact).
 */
import { readSync } from 'node:fs';

const CHUNK = 8 << 20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
/** A key is a short string: longer ones are values. */
const KEY_MAX = 32;

export interface StreamedRead {
  /** The keys, from the top object down, of the array read a run of members at a time. */
  at: string[];
  /** Only the first line (a journal line): it ends at the first newline byte. */
  line?: boolean;
  chunkSize?: number;
  /** Counts the members read that way (tests). */
  seen?: { steps: number };
}

/**
 * The JSON value of `fd` (or of its first line), or undefined when it is not complete JSON. Only
 * the array at `at` is parsed in runs; the rest is parsed once, as JSON.parse would.
 */
export function readJsonStreamed(fd: number, o: StreamedRead): unknown {
  const chunkSize = o.chunkSize ?? CHUNK;
  const { at, seen } = o;
  /** Depth of the array's members (the array is open at this depth). */
  const inner = at.length + 1;
  const skeleton: Buffer[] = [];
  const steps: unknown[] = [];
  // The key being read at each depth, to find the way to the array.
  const keyAt: (string | undefined)[] = [];
  const open: number[] = [];
  let inString = false;
  let escaped = false;
  let keyBytes: number[] | undefined;
  let lastString: string | undefined;
  /** Inside the array at `at`; whether it was found. */
  let capturing = false;
  let captured = false;
  let carry: Buffer[] = [];
  let ended = false;

  const parseSpan = (text: string): void => {
    if (text === '') return;
    const members = JSON.parse(`[${text}]`) as unknown[];
    for (let i = 0; i < members.length; i++) steps.push(members[i]);
    if (seen) seen.steps += members.length;
  };
  /** Whether the array opening now is the one at `at`: every container on the way an object, under the key `at` names. */
  const leadsToArray = (): boolean => {
    for (let d = 1; d <= at.length; d++) if (open[d - 1] !== 0x7b || keyAt[d] !== at[d - 1]) return false;
    return true;
  };
  /** Members complete at `to` (a `,` or the array's closing `]`): parsed, with what the chunks before held of the first. */
  const take = (chunk: Buffer, from: number, to: number): void => {
    if (carry.length) {
      carry.push(chunk.subarray(from, to));
      parseSpan(Buffer.concat(carry).toString('utf8'));
      carry = [];
    } else parseSpan(chunk.toString('utf8', from, to));
  };

  const scan = (): void => {
    for (let pos = 0; !ended; ) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const n = readSync(fd, chunk, 0, chunkSize, pos);
      if (n === 0) break;
      pos += n;
      /** Start of the bytes of this chunk not yet given to the skeleton or to the steps. */
      let from = 0;
      let i = 0;
      for (; i < n; i++) {
        const c = chunk[i];
        // A line ends at its first newline byte (JSON writes none inside a string).
        if (c === NEWLINE && o.line) {
          ended = true;
          break;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            lastString = keyBytes && keyBytes.length <= KEY_MAX ? String.fromCharCode(...keyBytes) : undefined;
            keyBytes = undefined;
            continue;
          }
          if (keyBytes && keyBytes.length <= KEY_MAX) keyBytes.push(c);
          continue;
        }
        const depth = open.length;
        if (c === QUOTE) {
          inString = true;
          keyBytes = depth <= at.length ? [] : undefined;
        } else if (c === 0x3a /* : */) {
          if (depth <= at.length) keyAt[depth] = lastString;
        } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
          open.push(c);
          if (c === 0x5b && depth === at.length && !captured && leadsToArray()) {
            capturing = captured = true;
            skeleton.push(Buffer.from(chunk.subarray(from, i + 1)));
            from = i + 1;
          }
        } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
          open.pop();
          if (capturing && depth === inner) {
            take(chunk, from, i);
            capturing = false;
            from = i;
          }
        } else if (c === 0x2c /* , */ && capturing && depth === inner) {
          take(chunk, from, i);
          from = i + 1;
        }
      }
      if (capturing) carry.push(Buffer.from(chunk.subarray(from, n)));
      else skeleton.push(Buffer.from(chunk.subarray(from, i)));
    }
  };

  try {
    scan();
  } catch {
    return undefined; // a run of steps that is not JSON
  }
  if (open.length !== 0 || inString || capturing) return undefined;
  try {
    const value = JSON.parse(Buffer.concat(skeleton).toString('utf8')) as unknown;
    if (captured) {
      let holder = value as Record<string, unknown>;
      for (const k of at.slice(0, -1)) holder = holder[k] as Record<string, unknown>;
      const empty = holder[at[at.length - 1]];
      if (!Array.isArray(empty) || empty.length !== 0) return undefined;
      holder[at[at.length - 1]] = steps;
    }
    return value;
  } catch {
    return undefined;
  }
}

/** A run's record, the first line of its journal: its plan's steps read a run at a time. */
export function readFirstRecord(fd: number, chunkSize = CHUNK, seen?: { steps: number }): unknown {
  return readJsonStreamed(fd, { at: ['plan', 'steps'], line: true, chunkSize, seen });
}
