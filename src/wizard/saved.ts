/**
 * Answers saved per domain (conf), so the wizard offers to continue where it was left.
 * Only what the operator typed: no passwords exist in the answers and none are saved.
 * With --state-dir (or ZSPLIT_STATE_DIR) the file lives there, else in the user's config dir.
 */
import type Conf from 'conf';
import type { SavedEntry } from './state.js';

interface Store {
  domains: Record<string, SavedEntry>;
}

/** Answers a later save of the domain never replaces with a blank. */
const KEPT = ['role', 'zimbraHost', 'peerHost', 'peerIp', 'peerAccounts'] as const;

/** Accounts lists larger than this are not saved (re-read them from the file). */
const MAX_ACCOUNTS_TEXT = 1_000_000;

export class SavedAnswers {
  private constructor(private readonly conf: Conf<Store>) {}

  /** Reads (or creates) the file. conf is imported here: the one-file build loads it only when used (scripts/build-options.mjs). */
  static async open(dir?: string): Promise<SavedAnswers> {
    const { default: Conf } = await import('conf');
    return new SavedAnswers(
      new Conf<Store>({
        projectName: 'zsplit',
        configName: 'answers',
        ...(dir ? { cwd: dir } : {}),
        defaults: { domains: {} },
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: true,
        configFileMode: 0o600,
      }),
    );
  }

  get path(): string {
    return this.conf.path;
  }

  /** Newest first. */
  list(): SavedEntry[] {
    return Object.values(this.conf.get('domains') ?? {}).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** The job of these domains ended (completed, rolled back, abandoned): not offered to continue. */
  markDone(domains: string[], done: NonNullable<SavedEntry['done']>): void {
    const all = { ...(this.conf.get('domains') ?? {}) };
    let changed = false;
    for (const d of domains) if (all[d]) (all[d] = { ...all[d], done }), (changed = true);
    if (changed) this.conf.set('domains', all);
  }

  save(entry: Omit<SavedEntry, 'savedAt'>, now = new Date()): void {
    const all = this.conf.get('domains') ?? {};
    const fields = { ...entry.fields, force: false, peerAccounts: entry.fields.peerAccounts.length > MAX_ACCOUNTS_TEXT ? '' : entry.fields.peerAccounts };
    // Another job of the domain never blanks what a setup saved (the peer, its relays, its users).
    const before = all[entry.domain]?.fields;
    if (before) for (const k of KEPT) if (!fields[k] && before[k]) (fields as Record<string, unknown>)[k] = before[k];
    const domains = { ...all, [entry.domain]: { ...entry, fields, savedAt: now.toISOString() } };
    this.conf.set('domains', domains);
  }
}
