// One self-contained ESM file for the CLI (dist/zsplit.mjs: copy it to a server and run it) and
// one for the simulator's tools (dist/sim.mjs). dist/zsplit.mjs is the launcher (src/cli/onefile.ts)
// carrying the bundled program (src/cli/entry.ts) and its lazily loaded libraries as strings, each
// named by a hash of its text (scripts/build-options.mjs).
import { build } from 'esbuild';
import { buildOneFile, common, LAZY_LIBS } from './build-options.mjs';

await Promise.all([
  buildOneFile({ entry: 'src/cli/entry.ts', outfile: 'dist/zsplit.mjs', lazy: LAZY_LIBS }),
  build({ ...common, entryPoints: ['src/sim/cli.ts'], outfile: 'dist/sim.mjs' }),
]);
