import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psQuote, shJoin, shQuote, zmprovLine, zmprovQuote } from '../../src/zimbra/quote.js';

/** What /bin/sh makes of a command line: the words it passes to printf. */
function shWords(line: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

const word = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', '\\', '$', '`', '&', ';', '|', ' ', '*', '?', '[', ']', '!', '#', '~', '(', ')', '{', '}', '<', '>', '/', 'é', '@'), fc.string({ minLength: 1, maxLength: 1 })) }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

describe('shQuote', () => {
  it('round-trips through a real /bin/sh for any printable words', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (args) => {
        expect(shWords(shJoin(args))).toEqual(args);
      }),
      { numRuns: 150 },
    );
  });
  it('survives a second level of quoting (su - zimbra -c)', () => {
    const args = ['ma', "o'brien@example.com", 'displayName', `$(reboot) "x" \\ \`id\``];
    const inner = shJoin(['printf', '%s\\0', ...args]);
    const r = spawnSync('/bin/sh', ['-c', `/bin/sh -c ${shQuote(inner)}`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });
  it('leaves plain words bare and refuses control characters', () => {
    expect(shQuote('smtp:mail.example.com:25')).toBe('smtp:mail.example.com:25');
    expect(shQuote('')).toBe("''");
    expect(() => shQuote('a\nb')).toThrow(/control/);
    expect(() => zmprovQuote('a\rb')).toThrow(/control/);
  });
});

/**
 * The value of a PowerShell verbatim string literal at the start of `text`, by the language
 * specification (§2.3.5.2.2): single quotes are U+0027 and U+2018-U+201B, two in a row are one
 * quote, anything else is itself. Returns the value and what follows the literal.
 */
function psVerbatim(text: string): { value: string; rest: string } {
  const QUOTE = /['\u2018\u2019\u201a\u201b]/;
  if (!QUOTE.test(text[0] ?? '')) throw new Error(`not a verbatim string: ${text}`);
  let value = '';
  for (let i = 1; i < text.length; i++) {
    if (!QUOTE.test(text[i])) value += text[i];
    else if (QUOTE.test(text[i + 1] ?? '')) value += text[++i];
    else return { value, rest: text.slice(i + 1) };
  }
  throw new Error(`unterminated: ${text}`);
}

describe('psQuote', () => {
  const psWord = fc.string({ unit: fc.oneof(fc.constantFrom("'", '\u2018', '\u2019', '\u201a', '\u201b', '"', '`', '$', '(', ')', '@', ' ', ';'), fc.string({ minLength: 1, maxLength: 1 })) }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
  it('is one literal whose value is exactly the input, ending where the quoting ends', () => {
    fc.assert(
      fc.property(psWord, psWord, (a, b) => {
        const { value, rest } = psVerbatim(`${psQuote(a)} ${psQuote(b)}`);
        expect(value).toBe(a);
        expect(psVerbatim(rest.slice(1))).toEqual({ value: b, rest: '' });
      }),
      { numRuns: 500 },
    );
  });
  it('keeps $(...) and typographic quotes as text', () => {
    expect(psQuote("o'brien$(Stop-Computer)@example.com")).toBe("'o''brien$(Stop-Computer)@example.com'");
    expect(psQuote('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(() => psQuote('a\nb')).toThrow(/control/);
  });
});

describe('zmprovLine', () => {
  it('is zmprovQuote of each word joined by spaces, however often a word repeats (its quoted words are remembered)', () => {
    const words = fc.oneof(word, fc.constantFrom('ca', 'ma', "''", '', 'zimbraAccountStatus', 'locked', "it's", 'a\\b', 'smtp:[mail.example.com]:25'));
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(zmprovLine(argv)).toBe(argv.map(zmprovQuote).join(' '));
        expect(zmprovLine(argv)).toBe(argv.map(zmprovQuote).join(' '));
      }),
      { numRuns: 2000 },
    );
    expect(zmprovLine([])).toBe('');
  });

  it('refuses a control character every time, remembered words or not', () => {
    expect(() => zmprovLine(['ma', 'a@x.com', 'description', 'x\ny'])).toThrow(/control character/);
    expect(() => zmprovLine(['ma', 'a@x.com', 'description', 'x\ny'])).toThrow(/control character/);
  });
});
