// `npm run bench`: the benchmark is TypeScript (scripts/bench.ts), run through tsx.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
