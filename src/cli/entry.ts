// The program's entry: what bin/zsplit.js runs from the sources, and what the one-file build
// (src/cli/onefile.ts) carries and loads. `--version` and `--help` answer before anything heavy is
// evaluated: the dynamically imported CLI (Ink, React, the planner) stays a lazily initialised module.
import { quickAnswer } from './help.js';

const argv = process.argv.slice(2);
const quick = quickAnswer(argv);
if (quick !== undefined) process.stdout.write(quick);
else {
  const { run } = await import('./main.js');
  process.exitCode = await run(argv);
}
