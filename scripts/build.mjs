// One self-contained ESM file for the CLI (dist/zsplit.mjs) and one for the simulator's tools (dist/sim.mjs).
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // Ink loads react-devtools-core only when DEV is set; it is not shipped.
  external: ['react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS (react, etc.) needs require() inside an ES module.
  banner: { js: "import { createRequire as __zsplitCreateRequire } from 'node:module'; const require = __zsplitCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

const targets = [
  ['src/cli/entry.ts', 'dist/zsplit.mjs'],
  ['src/sim/cli.ts', 'dist/sim.mjs'],
].filter(([entry]) => existsSync(entry));
await Promise.all(targets.map(([entry, outfile]) => build({ ...common, entryPoints: [entry], outfile })));
chmodSync('dist/zsplit.mjs', 0o755);
