// The executable entry: what dist/zsplit.mjs runs, alone on a server or through bin/zsplit.js.
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2));
