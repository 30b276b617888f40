// The executable tests run the bundled files (bin/zsplit.js, bin/sim/*): build them once.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
