/** What zsplit read from the server before planning. Plain JSON, so it can be saved with a plan. */
import type { Attrs } from '../zimbra/parse.js';
import type { Entry } from '../zimbra/commands.js';
import { entryKey } from '../zimbra/commands.js';
import type { Before } from './step.js';

export interface Observed {
  /** Probed attributes per entry (entryKey); null when the entry does not exist. */
  entries: Record<string, Attrs | null>;
  /** Accounts of the domain(s) as `zmprov -l gaa -v -e` lists them, when read. */
  accounts?: { name: string; attrs: Attrs }[];
  /** Distribution lists (`zmprov gadl -v`) and calendar resources (`zmprov gacr -v`), when read (a secondary setup). */
  lists?: { name: string; attrs: Attrs }[];
  resources?: { name: string; attrs: Attrs }[];
}

export function observedValues(observed: Observed | undefined, entry: Entry, attr: string): Before | undefined {
  if (!observed) return undefined;
  const key = entryKey(entry);
  if (!(key in observed.entries)) return undefined;
  const attrs = observed.entries[key];
  if (attrs === null) return null;
  // Attribute names are case-insensitive in LDAP; zmprov prints the schema's spelling, which plans use.
  if (Object.hasOwn(attrs, attr)) return attrs[attr];
  const lower = attr.toLowerCase();
  for (const k of Object.keys(attrs)) if (k.toLowerCase() === lower) return attrs[k];
  return [];
}

/** Accounts (from a gaa listing) whose own transport sends them to `host`. */
export function accountsRoutedTo(observed: Observed | undefined, host: string): string[] {
  const h = host.toLowerCase();
  return (observed?.accounts ?? [])
    .filter((acc) => (acc.attrs.zimbraMailTransport ?? []).some((t) => /^smtp:/.test(t) && t.toLowerCase().replace(/[[\]]/g, '').split(':')[1] === h))
    .map((acc) => acc.name);
}
