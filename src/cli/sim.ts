/** `zsplit sim import`: seed the rehearsal simulator from output captured on a real server. */
import { importSnapshot, saveState } from '../sim/index.js';
import type { Flags } from './args.js';
import { readInputFile, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { rehearsalStatePath } from './target.js';

const read = (flag: string, path: string | undefined, required: boolean): string | undefined => {
  if (!path) {
    if (required) throw new UsageError(`--${flag}: required: a file with the output of ${flag === 'gaa' ? "'zmprov -l gaa -v -e DOMAIN'" : flag === 'gd' ? "'zmprov gd DOMAIN'" : "'zmprov gacf'"}`, `--${flag}`);
    return undefined;
  }
  return readInputFile(path, `--${flag}`);
};

export async function simCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  if (positionals[0] !== 'import') throw new UsageError('zsplit sim import --gaa FILE --gd FILE --gacf FILE [--gs FILE] [--gadl FILE] [--sim-state FILE]');
  const state = importSnapshot({ gaa: read('gaa', flags.gaa, true)!, gd: read('gd', flags.gd, true)!, gacf: read('gacf', flags.gacf, true)!, gs: read('gs', flags.gs, false), gadl: read('gadl', flags.gadl, false) });
  const path = rehearsalStatePath(flags, io);
  saveState(path, state);
  const lists = Object.keys(state.lists ?? {}).length;
  io.out(`imported ${Object.keys(state.accounts).length} account(s), ${Object.keys(state.domains).length} domain(s), ${Object.keys(state.servers).length} server(s)${lists ? `, ${lists} distribution list(s)` : ''} (Zimbra ${state.version}) into ${path}\nRehearse with: zsplit --rehearsal --sim-state ${path}\n`);
  return EXIT.ok;
}
