/**
 * The peer's recipients, whatever they were read from: one model, one validation. Pure.
 *
 * A source parser turns its input into RawRecipients (every address it found, the primary
 * first); buildInventory keeps the addresses of the split domain, reports the others, and
 * refuses an address claimed by two recipients (the authoritative side can route it only one way).
 */
import type { PeerAccount, RecipientClass } from '../model/types.js';
import { RECIPIENT_CLASSES } from '../model/types.js';
import { addressError } from '../model/validate.js';

export type { RecipientClass };
export { RECIPIENT_CLASSES };

export type SourceFormat = 'exchange-csv' | 'ldap' | 'postfix-maps' | 'zimbra' | 'addresses';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['exchange-csv', 'ldap', 'postfix-maps', 'zimbra', 'addresses'];

/** One recipient as a source found it. */
export interface RawRecipient {
  /** Primary first; the others are its aliases (proxy addresses, zimbraMailAlias, alias maps). */
  addresses: string[];
  class: RecipientClass;
  displayName?: string;
  /** "recipients.csv line 4", "CN=Bob,OU=Staff,DC=example,DC=com". */
  source: string;
  /** What the source called it (RecipientTypeDetails, objectClass), for the report. */
  sourceType?: string;
}

export interface Recipient {
  address: string;
  aliases: string[];
  class: RecipientClass;
  displayName?: string;
  source: string;
  sourceType?: string;
}

export interface Inventory {
  recipients: Recipient[];
  /** Addresses of other domains: reported, left out. */
  outside: { address: string; source: string }[];
  /** Invalid addresses, duplicates across recipients: each names where it was read. */
  errors: string[];
  /** Things left out on purpose (a catch-all map entry, a recipient with no address of the domain). */
  notes: string[];
}

/** What each class is, and who serves it: the inventory report and the plan's why. */
export const CLASS_LABEL: Record<RecipientClass, string> = {
  user: 'user mailboxes',
  shared: 'shared mailboxes',
  room: 'room mailboxes',
  equipment: 'equipment mailboxes',
  list: 'distribution lists',
  group: 'Microsoft 365 groups',
  contact: 'mail contacts (forward elsewhere)',
  mailuser: 'mail users (mailbox elsewhere)',
  'public-folder': 'mail-enabled public folders',
  system: 'system mailboxes',
  alias: 'forwarding aliases',
};

/** `Bob@Example.COM` -> `Bob@example.com`: the domain is case-insensitive, the local part is kept. */
export function normalizeAddress(a: string): string {
  const s = a.trim();
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  for (let i = at + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.slice(0, at + 1) + s.slice(at + 1).toLowerCase();
  }
  return s;
}

function domainOf(a: string): string {
  return a.slice(a.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Validates raw recipients against the split domain(s). Keeps the order of the sources; a
 * recipient whose primary address is of another domain keeps its first address of the
 * domain as its primary (it still receives mail there).
 */
export function buildInventory(raw: readonly RawRecipient[], domains: readonly string[]): Inventory {
  const domainList = domains.map((d) => d.toLowerCase());
  const inDomain = new Set(domainList);
  const recipients: Recipient[] = [];
  const outside: Inventory['outside'] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  // lower-case address -> the recipient that claimed it first
  const owner = new Map<string, Recipient>();
  const describe = (r: { address?: string; source: string; displayName?: string; class: RecipientClass }) =>
    `${r.address ? `${r.address} ` : ''}(${r.class}${r.displayName ? ` "${r.displayName}"` : ''}, ${r.source})`;
  for (const r of raw) {
    const mine: string[] = [];
    const mineKeys: string[] = [];
    const seenHere: string[] = []; // a handful of addresses: a scan beats a Set
    for (const text of r.addresses) {
      const address = normalizeAddress(text);
      if (address === '') continue;
      const key = address.toLowerCase();
      if (seenHere.includes(key)) continue;
      seenHere.push(key);
      if (address.lastIndexOf('@') > 0 && !inDomain.has(domainOf(address))) {
        outside.push({ address, source: r.source });
        continue;
      }
      const e = addressError(address, domainList);
      if (e) {
        errors.push(`${r.source}: ${e}`);
        continue;
      }
      mine.push(address);
      mineKeys.push(key);
    }
    if (mine.length === 0) {
      if (r.addresses.length) notes.push(`${r.source}: ${r.displayName ?? r.addresses[0]} (${r.class}) has no address in ${[...inDomain].join(', ')}; left out`);
      continue;
    }
    // The display name goes into a zmprov line (displayName): one line, no control characters.
    if (r.displayName !== undefined && /[\u0000-\u001f\u007f]/.test(r.displayName)) {
      errors.push(`${r.source}: the display name of ${mine[0]} contains a line break or control character; correct it on the peer and export again`);
      continue;
    }
    const rec: Recipient = { address: mine[0], aliases: [], class: r.class, source: r.source };
    if (r.displayName) rec.displayName = r.displayName;
    if (r.sourceType) rec.sourceType = r.sourceType;
    let kept = false;
    for (let i = 0; i < mine.length; i++) {
      const address = mine[i];
      const prev = owner.get(mineKeys[i]);
      if (prev) {
        errors.push(`${address} belongs to two recipients: ${describe(prev)} and ${describe(kept ? rec : { ...rec, address: '' })}; the authoritative side routes an address one way only: remove it from one of them`);
        continue;
      }
      owner.set(mineKeys[i], rec);
      if (kept) rec.aliases.push(address);
      else {
        rec.address = address;
        kept = true;
      }
    }
    if (kept) recipients.push(rec);
  }
  return { recipients, outside, errors, notes };
}

/** Recipients grouped by class, in RECIPIENT_CLASSES order, classes with none left out. */
export function byClass(inv: Pick<Inventory, 'recipients'>): { class: RecipientClass; recipients: Recipient[] }[] {
  const groups = new Map<RecipientClass, Recipient[]>();
  for (const r of inv.recipients) {
    const g = groups.get(r.class);
    if (g) g.push(r);
    else groups.set(r.class, [r]);
  }
  return RECIPIENT_CLASSES.filter((c) => groups.has(c)).map((c) => ({ class: c, recipients: groups.get(c)! }));
}

/** The lines `--peer-accounts` takes (`address alias ...`): what validateAnswers checks again. */
export function accountLines(inv: Pick<Inventory, 'recipients'>): string[] {
  return inv.recipients.map((r) => (r.aliases.length ? `${r.address} ${r.aliases.join(' ')}` : r.address));
}

/**
 * Validated peer accounts with what only the inventory knows (class, display name, source),
 * matched by address; accounts the inventory does not know stay as they are.
 */
export function withRecipientInfo(accounts: readonly PeerAccount[], inv: Pick<Inventory, 'recipients'>): PeerAccount[] {
  const info = new Map(inv.recipients.map((r) => [r.address.toLowerCase(), r]));
  return accounts.map((p) => {
    const r = info.get(p.address.toLowerCase());
    if (!r) return p;
    // One literal shape, no spread: 100,000 of these in a large domain.
    const out: PeerAccount = { address: p.address, aliases: p.aliases, class: r.class, displayName: r.displayName, source: r.source };
    if (out.displayName === undefined) delete out.displayName;
    return out;
  });
}
