// The journal's line reader against split('\n') of the whole text: any content, any chunk size,
// lines and multi-byte characters cut across chunks.
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eachLine } from '../../src/journal/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-lines-'));

function linesOf(text: string | Uint8Array, chunk: number): { line: string | undefined; lineNo: number; ended: boolean }[] {
  const path = join(dir, 'j.jsonl');
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  const out: { line: string | undefined; lineNo: number; ended: boolean }[] = [];
  try {
    eachLine(fd, (line, lineNo, ended) => void out.push({ line, lineNo, ended }), chunk);
  } finally {
    closeSync(fd);
  }
  return out;
}

describe('eachLine', () => {
  it('gives the lines split("\\n") gives, numbered from 1, the last one unended when it has no newline', () => {
    const piece = fc.oneof(fc.constant('\n'), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('é', '😀', '\u0000', '{"t":"intent"}'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (pieces, chunk) => {
        const text = pieces.join('');
        const want = text.split('\n');
        const ends = text.endsWith('\n') || text === '';
        if (ends) want.pop();
        const got = linesOf(text, chunk);
        expect(got.map((g) => g.line)).toEqual(want);
        expect(got.map((g) => g.lineNo)).toEqual(want.map((_, i) => i + 1));
        expect(got.map((g) => g.ended)).toEqual(want.map((_, i) => i < want.length - 1 || ends));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes any bytes per line as toString decodes that line', () => {
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant(10), fc.constantFrom(0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80)), { maxLength: 60 });
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 9 }), (b, chunk) => {
        const buf = Buffer.from(b);
        const want: string[] = [];
        let start = 0;
        for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
          want.push(buf.subarray(start, nl).toString('utf8'));
          start = nl + 1;
        }
        if (start < buf.length) want.push(buf.subarray(start).toString('utf8'));
        expect(linesOf(buf, chunk).map((g) => g.line)).toEqual(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('from a byte offset and a line number, and stopping when asked: the lines after that offset, no more', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.nat(), (lines, chunk, skipRaw, keepRaw) => {
        const text = lines.map((l) => `${l.replace(/\n/g, '')}\n`).join('');
        const all = text.slice(0, -1).split('\n');
        const skip = skipRaw % all.length;
        const keep = 1 + (keepRaw % all.length);
        const start = Buffer.byteLength(all.slice(0, skip).map((l) => l + '\n').join(''));
        const path = join(dir, 'from.jsonl');
        writeFileSync(path, text);
        const fd = openSync(path, 'r');
        const got: [string | undefined, number][] = [];
        try {
          eachLine(fd, (line, lineNo) => (got.push([line, lineNo]), got.length < keep), chunk, start, skip + 1);
        } finally {
          closeSync(fd);
        }
        const want = all.slice(skip, skip + keep).map((l, i): [string, number] => [l, skip + 1 + i]);
        expect(got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });
});
