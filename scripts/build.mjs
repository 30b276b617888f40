// One self-contained ESM file for the CLI (dist/zsplit.mjs: copy it to a server and run it) and
// one for the simulator's tools (dist/sim.mjs).
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { common, executable } from './build-options.mjs';

const targets = [
  ['src/cli/entry.ts', 'dist/zsplit.mjs', executable],
  ['src/sim/cli.ts', 'dist/sim.mjs', common],
].filter(([entry]) => existsSync(entry));
await Promise.all(targets.map(([entry, outfile, options]) => build({ ...options, entryPoints: [entry], outfile })));
chmodSync('dist/zsplit.mjs', 0o755);
