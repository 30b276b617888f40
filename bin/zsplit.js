#!/usr/bin/env node
// Runs the bundled build when there is one (npm install builds it), else the TypeScript sources.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/zsplit.mjs', import.meta.url);
let mod;
if (existsSync(dist)) mod = await import(dist.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exitCode = await mod.run(process.argv.slice(2));
