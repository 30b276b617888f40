/**
 * The wizard's saved answers of a domain (src/wizard/saved.ts, read only), for the headless
 * commands that need the same answers again (trace, verify): flags still win.
 */
import type { RawAnswers } from '../model/validate.js';
import type { Flags } from './args.js';
import type { CliIO } from './io.js';
import { stateDir } from './target.js';

export interface SavedBase {
  raw: RawAnswers;
  domain: string;
  savedAt: string;
  path: string;
}

/**
 * The saved answers for `domain`, or, with no domain, the most recently saved ones. Where they
 * live follows the wizard: --state-dir / ZSPLIT_STATE_DIR, else the user's config directory.
 */
export async function savedAnswersFor(flags: Flags, io: CliIO, domain: string | undefined): Promise<SavedBase | undefined> {
  const [{ SavedAnswers }, { rawFrom }] = await Promise.all([import('../wizard/saved.js'), import('../wizard/fields.js')]);
  const explicit = flags['state-dir'] ?? io.env.ZSPLIT_STATE_DIR;
  let saved;
  try {
    saved = await SavedAnswers.open(explicit ? stateDir(flags, io) : undefined);
  } catch {
    return undefined; // no config directory: nothing saved
  }
  const list = saved.list();
  const d = domain?.trim().toLowerCase();
  const entry = d ? list.find((e) => e.domain.toLowerCase() === d) : list[0];
  if (!entry) return undefined;
  return { raw: rawFrom(entry.fields), domain: entry.domain, savedAt: entry.savedAt, path: saved.path };
}
