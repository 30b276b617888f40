// The launcher of dist/zsplit.mjs, the one file copied to a server. The program itself (Ink, React,
// the planner: src/cli/entry.ts bundled, about 1.4 MB) travels inside it as a string constant, with
// the libraries only some commands load (scripts/build-options.mjs, LAZY_LIBS) as strings of their own.
// Node compiles every byte of a module before running any of it, which cost ~70 ms at each start
// on a 2-core machine; a string is only scanned, so `--version` and `--help` answer at the cost of a
// bare node start. Every other command loads the program as an ES module, which needs a URL: private
// cache files, written once per build, or data: URLs when no cache can be written (it behaves the
// same, and parses slower).
import { pathToFileURL } from 'node:url';
import { cachedProgram } from './cache.js';
import { quickAnswer } from './help.js';

/** [file name, text]: the program first, then its libraries, which it imports as ./<file name>; put here by scripts/build-options.mjs. */
declare const ZSPLIT_FILES: [string, string][];

const dataUrl = (text: string, name: string): string => `data:text/javascript;base64,${Buffer.from(`${text}\n//# sourceURL=zsplit-${name}\n`).toString('base64')}`;

function programUrl(): string {
  try {
    return pathToFileURL(cachedProgram(ZSPLIT_FILES.map(([name, text]) => [name, Buffer.from(text)] as const))).href;
  } catch {
    // A read-only or shared home: the same program, from memory. A data: URL has no folder: the
    // program's imports of its libraries name theirs instead. The sourceURL names it in stack traces.
    const [[name, program], ...libs] = ZSPLIT_FILES;
    return dataUrl(
      libs.reduce((text, [lib, libText]) => text.replaceAll(`./${lib}`, dataUrl(libText, lib)), program),
      name,
    );
  }
}

const quick = quickAnswer(process.argv.slice(2));
if (quick !== undefined) process.stdout.write(quick);
else await import(programUrl());
