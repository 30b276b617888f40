// Each test file gets its own zsplit state dir and config dir: no test reads or writes the
// machine's real ~/.local/state/zsplit (journals, the rehearsal directory) or the wizard's saved
// answers, and no test depends on what an earlier one left there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-test-home-'));
process.env.ZSPLIT_STATE_DIR = join(dir, 'state');
process.env.XDG_STATE_HOME = join(dir, 'xdg-state');
process.env.XDG_CONFIG_HOME = join(dir, 'xdg-config');
