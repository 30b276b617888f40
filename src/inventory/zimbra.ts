/**
 * A Zimbra peer: `zmprov -l gaa -v -e` (accounts and calendar resources), `zmprov gadl -v`
 * (distribution lists: `# distributionList NAME memberCount=N` headers, then a `members`
 * block) and `zmprov gacr -v`, captured there. Pure; entries parsed by src/zimbra/parse.ts.
 */
import type { RecipientClass } from '../model/types.js';
import { parseEntries } from '../zimbra/parse.js';
import type { RawRecipient } from './model.js';

/** The commands the operator runs on the peer Zimbra (one file may hold all three outputs). */
// -e: the values stored on each entry; without it every default COS value is printed too (about 20 KB per account).
export const ZIMBRA_EXPORT = ['zmprov -l gaa -v -e DOMAIN > recipients.txt', 'zmprov gadl -v DOMAIN >> recipients.txt', 'zmprov gacr -v -e DOMAIN >> recipients.txt'];

export function looksLikeZimbra(text: string): boolean {
  return /^# (name|distributionList) \S+/m.test(text) && /^(zimbraId|zimbraMailDeliveryAddress|zimbraMailAlias|mail|zimbraAccountStatus|zimbraMailStatus): /m.test(text);
}

const first = (attrs: Record<string, string[]>, a: string) => attrs[a]?.[0];

function accountClass(attrs: Record<string, string[]>): RecipientClass {
  const calRes = (first(attrs, 'zimbraCalResType') ?? '').toLowerCase();
  if (calRes === 'location') return 'room';
  if (calRes === 'equipment') return 'equipment';
  if ((first(attrs, 'zimbraIsSystemResource') ?? '').toUpperCase() === 'TRUE' || (first(attrs, 'zimbraIsSystemAccount') ?? '').toUpperCase() === 'TRUE') return 'system';
  return 'user';
}

/**
 * `# distributionList X memberCount=N` headers as `# name X`, and dumpGroup's `members` block (a
 * blank line, `members`, one address a line, up to the next header) cut: parseEntries would read
 * it as more lines of the last attribute's value (`zimbraMailStatus: enabled` + `members`...).
 */
function listHeaders(text: string, lists?: Set<string>): string {
  return text
    .replace(/^# distributionList (\S+)(?: memberCount=\d+)?\s*$/gm, (_m, name: string) => {
      lists?.add(name.toLowerCase());
      return `# name ${name}`;
    })
    // `members` may end the text: a session's answer comes without its last newline.
    .replace(/\r?\n\r?\nmembers(?:\r?\n|$)(?:(?!# )[^\n]*(?:\n|$))*/g, '\n\n');
}

/** Entries of `zmprov gadl -v` output. */
export function parseDistributionLists(text: string): { name: string; attrs: Record<string, string[]> }[] {
  return parseEntries(listHeaders(text)).filter((e) => e.name).map((e) => ({ name: e.name.toLowerCase(), attrs: e.attrs }));
}

/**
 * Recipients of captured zmprov output. A distribution list's members are its business on the
 * peer (the peer expands it): only its own addresses are kept.
 */
export function parseZimbraDump(text: string, file = 'zmprov output'): RawRecipient[] {
  // `# distributionList X memberCount=N` -> `# name X`, and the member lines (no colon) are skipped by parseEntries.
  const lists = new Set<string>();
  const normalized = listHeaders(text, lists);
  const out: RawRecipient[] = [];
  const seen = new Set<string>();
  let entryNo = 0;
  for (const e of parseEntries(normalized)) {
    entryNo++;
    if (!e.name) continue;
    // gaa -v and gacr -v both list a calendar resource: the first wins, the same addresses.
    const key = e.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const isList = lists.has(key) || (e.attrs.objectClass ?? []).includes('zimbraDistributionList') || (e.attrs.objectClass ?? []).includes('zimbraGroup');
    const cls: RecipientClass = isList ? 'list' : accountClass(e.attrs);
    const displayName = first(e.attrs, 'displayName') ?? first(e.attrs, 'cn');
    out.push({
      addresses: [e.name, ...(e.attrs.zimbraMailAlias ?? [])],
      class: cls,
      source: `${file} entry ${entryNo} (${e.name})`,
      sourceType: isList ? 'distributionList' : (first(e.attrs, 'zimbraCalResType') ?? 'account'),
      ...(displayName ? { displayName } : {}),
    });
  }
  return out;
}
