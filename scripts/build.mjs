// One self-contained ESM file for the CLI (dist/zsplit.mjs: copy it to a server and run it) and
// one for the simulator's tools (dist/sim.mjs). dist/zsplit.mjs is the launcher (src/cli/onefile.ts)
// carrying the bundled program (src/cli/entry.ts) as a string, with a hash naming its cache file.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { common, launcher } from './build-options.mjs';

const bundled = await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/program.mjs', write: false });
const program = bundled.outputFiles[0].text;
const id = createHash('sha256').update(program).digest('hex').slice(0, 16);
await Promise.all([
  build({ ...launcher, entryPoints: ['src/cli/onefile.ts'], outfile: 'dist/zsplit.mjs', define: { ...launcher.define, ZSPLIT_PROGRAM: JSON.stringify(program), ZSPLIT_PROGRAM_ID: JSON.stringify(id) } }),
  build({ ...common, entryPoints: ['src/sim/cli.ts'], outfile: 'dist/sim.mjs' }),
]);
chmodSync('dist/zsplit.mjs', 0o755);
