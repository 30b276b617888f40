// The launcher of dist/zsplit.mjs, the one file copied to a server. The program itself (Ink, React,
// the planner: src/cli/entry.ts bundled, about 1.4 MB) travels inside it as one string constant.
// Node compiles every byte of a module before running any of it, which cost ~70 ms at each start
// on a 2-core machine; a string is only scanned, so `--version` and `--help` answer at the cost of a
// bare node start. Every other command loads the program as an ES module, which needs a URL: a
// private cache file, written once per build, or a data: URL when no cache can be written (it
// behaves the same, and parses slower).
import { pathToFileURL } from 'node:url';
import { cachedProgram } from './cache.js';
import { quickAnswer } from './help.js';

/** The bundled program and a hash of it, put here by scripts/build.mjs. */
declare const ZSPLIT_PROGRAM: string;
declare const ZSPLIT_PROGRAM_ID: string;

function programUrl(): string {
  const program = Buffer.from(ZSPLIT_PROGRAM);
  try {
    return pathToFileURL(cachedProgram(program, ZSPLIT_PROGRAM_ID)).href;
  } catch {
    // A read-only or shared home: the same program, from memory. The sourceURL names it in stack traces.
    return `data:text/javascript;base64,${Buffer.concat([program, Buffer.from('\n//# sourceURL=zsplit-program.mjs\n')]).toString('base64')}`;
  }
}

const quick = quickAnswer(process.argv.slice(2));
if (quick !== undefined) process.stdout.write(quick);
else await import(programUrl());
