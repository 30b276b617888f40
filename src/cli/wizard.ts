import type { Flags } from './args.js';
import type { CliIO } from './io.js';

export async function startWizard(_flags: Flags, io: CliIO): Promise<number> {
  io.err('zsplit: the wizard is not built yet\n');
  return 1;
}
