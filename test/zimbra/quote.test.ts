import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shJoin, shQuote, zmprovQuote } from '../../src/zimbra/quote.js';

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
