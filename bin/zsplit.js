#!/usr/bin/env node
// Runs the bundled build when there is one (npm install builds it), else the TypeScript sources.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/zsplit.mjs', import.meta.url);
if (existsSync(dist)) await import(dist.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/entry.ts', import.meta.url).href);
}
