// The executable entry: what dist/zsplit.mjs runs, alone on a server or through bin/zsplit.js.
// `--version` and `--help` answer before anything heavy is evaluated: in the one-file bundle the
// dynamically imported CLI (Ink, React, the planner) stays a lazily initialised module.
import { HELP, VERSION } from './help.js';

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;
if (only === '--version' || only === '-V') process.stdout.write(`zsplit ${VERSION}\n`);
else if (only === '--help' || only === '-h' || only === 'help') process.stdout.write(HELP);
else {
  const { run } = await import('./main.js');
  process.exitCode = await run(argv);
}
