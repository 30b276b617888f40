import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJavaWhitespace, LineReader, parseLine, readLogicalLine } from '../../src/sim/tokenize.js';
import { zmprovLine, zmprovQuote } from '../../src/zimbra/quote.js';

/** What `zmprov -f` sees for one line of a file: StringUtil.readLine, then parseLine. */
function readBack(fileText: string): string[][] {
  const r = new LineReader(fileText);
  const out: string[][] = [];
  for (let l = readLogicalLine(r); l !== null; l = readLogicalLine(r)) {
    const words = parseLine(l);
    if (words.length > 0) out.push(words);
  }
  return out;
}

describe('parseLine (StringUtil.parseLine, zimbra.md §2.1)', () => {
  it('splits on whitespace and groups quotes', () => {
    expect(parseLine('ma  u@x.com   displayName "Bar B"')).toEqual(['ma', 'u@x.com', 'displayName', 'Bar B']);
    expect(parseLine("this is 'a nother' test")).toEqual(['this', 'is', 'a nother', 'test']);
    expect(parseLine('a\tb')).toEqual(['a', 'b']);
  });

  it("'' and \"\" are real empty arguments (how a batch unsets)", () => {
    expect(parseLine("ma u@x zimbraMailTransport ''")).toEqual(['ma', 'u@x', 'zimbraMailTransport', '']);
    expect(parseLine('ma u@x a "" b')).toEqual(['ma', 'u@x', 'a', '', 'b']);
  });

  it('honours \\\\ \\n \\t \\r \\\' \\" and drops a backslash before anything else', () => {
    expect(parseLine('a\\\\b')).toEqual(['a\\b']);
    expect(parseLine('a\\db')).toEqual(['adb']);
    expect(parseLine("'O\\'Brien'")).toEqual(["O'Brien"]);
    expect(parseLine('"O\'Brien"')).toEqual(["O'Brien"]);
    expect(parseLine("'multi\\nline'")).toEqual(['multi\nline']);
    expect(parseLine('tab\\there')).toEqual(['tab\there']);
    expect(parseLine('x\\ y')).toEqual(['x y']);
  });

  it('keeps the Java quirks: quotes only open a word, a closing quote ends it, a lone trailing backslash stays', () => {
    expect(parseLine("a'b c'")).toEqual(["a'b", "c'"]);
    expect(parseLine("'a'b")).toEqual(['a', 'b']);
    expect(parseLine('x\\')).toEqual(['x\\']);
    expect(parseLine("'unterminated value")).toEqual(['unterminated value']);
    expect(parseLine("''")).toEqual(['']);
    expect(parseLine("'")).toEqual([]);
  });

  it('has no comments: # is an ordinary character', () => {
    expect(parseLine('# comment line')).toEqual(['#', 'comment', 'line']);
  });

  it('passes smtp:[host]:25 and @x.com through', () => {
    expect(parseLine('ma u zimbraMailTransport smtp:[mail.example.com]:25 x @x.com')).toEqual([
      'ma',
      'u',
      'zimbraMailTransport',
      'smtp:[mail.example.com]:25',
      'x',
      '@x.com',
    ]);
  });

  it("uses Java's idea of whitespace", () => {
    expect(isJavaWhitespace('\u3000')).toBe(true);
    expect(isJavaWhitespace('\u2003')).toBe(true);
    expect(isJavaWhitespace('\u00a0')).toBe(false);
    expect(isJavaWhitespace('\u202f')).toBe(false);
    expect(parseLine('a\u3000b\u00a0c')).toEqual(['a', 'b\u00a0c']);
  });
});

describe('readLogicalLine (StringUtil.readLine)', () => {
  it('joins a line ending in a backslash with the next one', () => {
    expect(readBack('ma u \\\ndisplayName x\nga u\n')).toEqual([
      ['ma', 'u', 'displayName', 'x'],
      ['ga', 'u'],
    ]);
  });

  it('returns the last line without a newline, and null at EOF', () => {
    const r = new LineReader('a\r\nb');
    expect(readLogicalLine(r)).toBe('a');
    expect(readLogicalLine(r)).toBe('b');
    expect(readLogicalLine(r)).toBeNull();
  });
});

// Everything quote.ts may be asked to quote: no control characters (it refuses those).
const wordChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("'", '"', '\\', '$', '&', '/', ' ', '#', '@', ':', '[', ']', '*', '=', '+', '-', 'n', 't', '\u3000', '\u00a0', 'é', '€', '😀') },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);
const word = fc
  .array(wordChar, { maxLength: 12 })
  .map((cs) => cs.join(''))
  .filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

describe('zmprovQuote / zmprovLine against the independent parseLine', () => {
  it('parseLine(zmprovLine(argv)) === argv for arbitrary argv (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(parseLine(zmprovLine(argv))).toEqual(argv);
      }),
      { numRuns: 3000 },
    );
  });

  it('also survives the file round trip (readLine + parseLine), line after line', () => {
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (lines) => {
        const text = `${lines.map(zmprovLine).join('\n')}\nexit\n`;
        expect(readBack(text)).toEqual([...lines, ['exit']]);
      }),
      { numRuns: 1000 },
    );
  });

  it('for full-unicode strings too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)), (s) => {
        expect(parseLine(zmprovQuote(s))).toEqual([s]);
      }),
      { numRuns: 800 },
    );
  });
});
