// The files dist/zsplit.mjs carries after its code, in one comment (src/cli/carried.ts), read back
// exactly: comment ends inside the texts and across their boundaries, and a damaged file refused.
import { describe, expect, it } from 'vitest';
import { carriedComment } from '../../scripts/build-options.mjs';
import { carriedFiles } from '../../src/cli/carried.js';

const CODE = "#!/usr/bin/env node\nconst mark = '*/\\n//ZSPLIT-FILES '; /* a comment */\n";
const FILES: [string, string][] = [
  ['program-1.mjs', 'const a = "*/"; const r = /\\*\\//; // ends with a star *'],
  ['lib-x-2.mjs', '/ starts with a slash after that star; **/ and */*/'],
  ['lib-y-3.mjs', ''],
];

describe('the carried files', () => {
  it('read back byte for byte, the program first, from a file that stays valid JavaScript', () => {
    const file = CODE + carriedComment(FILES);
    expect(file.split('*/').length).toBeGreaterThan(2); // the code's own comment and string hold it too
    expect(() => new Function(file.replace(/^#!.*\n/, ''))).not.toThrow();
    const back = carriedFiles(Buffer.from(file, 'latin1')).map(([name, bytes]) => [name, bytes.toString('latin1')]);
    expect(back).toEqual(FILES);
  });

  it('refuses a file cut short or without them, and text that cannot be carried', () => {
    const file = CODE + carriedComment(FILES);
    expect(() => carriedFiles(Buffer.from(CODE))).toThrow(/carries no program/);
    expect(() => carriedFiles(Buffer.from(file.slice(0, file.length - 30)))).toThrow();
    expect(() => carriedFiles(Buffer.from(file.replace('starts with', 'starts')))).toThrow(/carries no program|damaged/);
    expect(() => carriedComment([['x.mjs', 'é']])).toThrow(/not ASCII/);
    expect(() => carriedComment([['x.mjs', '\x01']])).toThrow(/holds/);
  });
});
