// The launcher of dist/zsplit.mjs, the one file copied to a server. The program itself (Ink, React,
// the planner: src/cli/entry.ts bundled, about 1.4 MB) travels inside it after this code, with the
// libraries only some commands load (scripts/build-options.mjs, LAZY_LIBS), in one comment
// (src/cli/carried.ts). Node compiles every byte of a module before running any of it, which cost
// ~70 ms at each start on a 2-core machine; a comment is only skipped, so `--version` and `--help`
// answer at the cost of a bare node start. Every other command reads the files from this one and
// loads the program as an ES module, which needs a URL: private cache files, written once per
// build, or data: URLs when no cache can be written (it behaves the same, and parses slower).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cachedProgram } from './cache.js';
import { carriedFiles } from './carried.js';
import { quickAnswer } from './help.js';

const dataUrl = (text: string, name: string): string => `data:text/javascript;base64,${Buffer.from(`${text}\n//# sourceURL=zsplit-${name}\n`, 'latin1').toString('base64')}`;

function programUrl(): string {
  const files = carriedFiles(readFileSync(new URL(import.meta.url)));
  try {
    return pathToFileURL(cachedProgram(files)).href;
  } catch {
    // A read-only or shared home: the same program, from memory. A data: URL has no folder: the
    // program's imports of its libraries name theirs instead. The sourceURL names it in stack traces.
    const [[name, program], ...libs] = files;
    return dataUrl(
      libs.reduce((text, [lib, bytes]) => text.replaceAll(`./${lib}`, dataUrl(bytes.toString('latin1'), lib)), program.toString('latin1')),
      name,
    );
  }
}

const quick = quickAnswer(process.argv.slice(2));
if (quick !== undefined) process.stdout.write(quick);
else await import(programUrl());
