/**
 * Recipient sources on the Accounts screen: the files named (saved as path and format, never
 * their content), the inventory they give through src/inventory's readers, and the summary by
 * class shown before the plan is made. Pure: the controller reads the files.
 */
import type { Inventory } from '../inventory/model.js';
import { CLASS_LABEL, accountLines, buildInventory, byClass } from '../inventory/model.js';
import type { FileFormat } from '../inventory/read.js';
import { FILE_FORMATS, detectFormat, parseSources } from '../inventory/read.js';
import type { RawRecipient } from '../inventory/model.js';
import { wrap } from '../flow/format.js';
import { pushAll } from '../model/arrays.js';

export type SourceFormatChoice = FileFormat | 'auto';

/** A recipient source file as the saved answers keep it: where it is and how to read it. */
export interface RecipientSource {
  path: string;
  format: SourceFormatChoice;
}

export const FORMAT_CHOICES: readonly SourceFormatChoice[] = ['auto', ...FILE_FORMATS];

export const FORMAT_LABEL: Record<SourceFormatChoice, string> = {
  auto: 'recognised from the content',
  'exchange-csv': 'Exchange / Microsoft 365 Get-Recipient CSV',
  'postfix-maps': 'Postfix map (virtual_mailbox, virtual_alias, relay_recipients)',
  zimbra: 'Zimbra zmprov gaa -v / gadl -v / gacr -v output',
  addresses: 'plain list: address [alias ...] per line',
};

export function nextFormat(f: SourceFormatChoice, delta: number): SourceFormatChoice {
  const i = FORMAT_CHOICES.indexOf(f);
  return FORMAT_CHOICES[(i + delta + FORMAT_CHOICES.length) % FORMAT_CHOICES.length];
}

/** The same path read twice would claim every address twice: a source is named once. */
export function addSource(sources: readonly RecipientSource[], s: RecipientSource): RecipientSource[] {
  return [...sources.filter((x) => x.path !== s.path), s];
}

/**
 * The inventory of the files read, for the split domain(s). Files of one format are parsed
 * together (aliases of one Postfix map point at mailboxes of another), with src/inventory's readers.
 */
export function inventoryOf(files: readonly { source: RecipientSource; text: string }[], domains: readonly string[], live: readonly RawRecipient[] = []): Inventory {
  const raw: RawRecipient[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  for (const format of FORMAT_CHOICES) {
    const group = files.filter((f) => f.source.format === format).map((f) => ({ file: f.source.path, text: f.text }));
    if (group.length === 0) continue;
    const p = parseSources(group, format === 'auto' ? undefined : format);
    pushAll(raw, p.recipients);
    pushAll(errors, p.errors.map((e) => e.replace(/--peer-recipients-format ([\w|-]+)/, 'the format $1 (Tab on "Load recipients")')));
    pushAll(notes, p.notes);
  }
  const inv = buildInventory([...raw, ...live], domains);
  return { ...inv, errors: [...errors, ...inv.errors], notes: [...notes, ...inv.notes] };
}

/** How a source reads: its path and format ("auto: exchange-csv" when recognised). */
export function sourceLabel(s: RecipientSource, text?: string): string {
  if (s.format !== 'auto') return `${s.path} (${s.format})`;
  const d = text === undefined ? undefined : detectFormat(text);
  return `${s.path} (${d ? `recognised: ${d}` : 'format recognised from the content'})`;
}

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** Addresses claimed by two recipients (each error names both). */
export function duplicateErrors(inv: Pick<Inventory, 'errors'>): string[] {
  return inv.errors.filter((e) => e.includes('belongs to two recipients'));
}

/** One line per class with its count, in the inventory's class order. */
export function classRows(inv: Pick<Inventory, 'recipients'>): { label: string; count: number }[] {
  return byClass(inv).map((g) => ({ label: cap(CLASS_LABEL[g.class]), count: g.recipients.length }));
}

/** The summary in one line: "User mailboxes 312, Shared mailboxes 14, ...; 7 addresses outside example.com left out; 0 duplicates". */
export function inventoryLine(inv: Inventory, domains: readonly string[]): string {
  const classes = classRows(inv).map((r) => `${r.label} ${r.count}`).join(', ') || 'no recipients';
  return `${classes}; ${inv.outside.length} address(es) outside ${domains.join(', ')} left out; ${duplicateErrors(inv).length} duplicate(s)`;
}

/** Addresses of other domains, per domain: "other.org: 5, partner.net: 2". */
export function outsideByDomain(inv: Pick<Inventory, 'outside'>): string {
  const per = new Map<string, number>();
  for (const o of inv.outside) {
    const d = o.address.slice(o.address.lastIndexOf('@') + 1).toLowerCase();
    per.set(d, (per.get(d) ?? 0) + 1);
  }
  return [...per].map(([d, n]) => `${d}: ${n}`).join(', ');
}

/** The fields with the inventory's recipients after the typed ones, as `address alias ...` lines. */
export function fieldsWithInventory<F extends { peerAccounts: string }>(f: F, inv: Pick<Inventory, 'recipients'> | undefined): F {
  if (!inv || inv.recipients.length === 0) return f;
  const typed = f.peerAccounts.replace(/\s+$/, '');
  const lines = accountLines(inv).join('\n');
  return { ...f, peerAccounts: typed ? `${typed}\n${lines}` : lines };
}

export interface ViewLine {
  text: string;
  tone?: 'red' | 'green' | 'yellow';
  dim?: boolean;
}

/** The 'by class' view of the Accounts screen, line by line (the screen scrolls it). */
export function inventoryView(inv: Inventory, labels: readonly string[], domains: readonly string[], width: number): ViewLine[] {
  const out: ViewLine[] = [];
  const wrapAt = (t: string, first: string, rest: string) => wrap(t, Math.max(20, width), first, rest);
  out.push({ text: `Sources (${labels.length}):`, dim: true }, ...labels.flatMap((l) => wrapAt(l, '  ', '    ').map((text) => ({ text, dim: true }))));
  const addresses = inv.recipients.reduce((n, r) => n + 1 + r.aliases.length, 0);
  out.push({ text: `${inv.recipients.length} recipient(s), ${addresses} address(es) of ${domains.join(', ')}, by class:` });
  for (const r of classRows(inv)) out.push({ text: `  ${r.label.padEnd(36)} ${String(r.count).padStart(7)}`, tone: 'green' });
  const outside = outsideByDomain(inv);
  const tone = inv.outside.length ? ('yellow' as const) : undefined;
  out.push(...wrapAt(`${inv.outside.length} address(es) outside ${domains.join(', ')} left out${outside ? ` (${outside})` : ''}`, '', '  ').map((text) => ({ text, tone })));
  const dups = duplicateErrors(inv).length;
  out.push({ text: `${dups} duplicate(s)${dups ? ': an address of two recipients; the plan is refused until one of them drops it on the peer' : ''}`, tone: dups ? 'red' : 'green' });
  if (inv.errors.length) {
    out.push({ text: `Problems (${inv.errors.length}): correct them on the peer, export again and load the file again:`, tone: 'red' });
    for (const e of inv.errors) out.push(...wrapAt(e, '  ', '    ').map((text) => ({ text, tone: 'red' as const })));
  }
  if (inv.notes.length) {
    out.push({ text: `Notes (${inv.notes.length}):`, dim: true });
    for (const n of inv.notes) out.push(...wrapAt(n, '  ', '    ').map((text) => ({ text, dim: true })));
  }
  return out;
}

/**
 * A live LDAP / Active Directory source as typed and saved. `passwordFrom` names where the bind
 * password is: a file (its first line) or `$NAME`, an environment variable; the password itself
 * is never typed, shown or saved.
 */
export interface LdapAnswers {
  url: string;
  base: string;
  bindDn: string;
  passwordFrom: string;
  filter: string;
  startTls: boolean;
  ca: string;
}

export const EMPTY_LDAP: LdapAnswers = { url: '', base: '', bindDn: '', passwordFrom: '', filter: '', startTls: false, ca: '' };

export const LDAP_FIELDS: { name: keyof LdapAnswers; label: string; hint: string; toggle?: boolean }[] = [
  { name: 'url', label: 'Directory URL', hint: 'ldaps://dc.example.com, or ldap://dc.example.com:389 with StartTLS.' },
  { name: 'base', label: 'Base DN', hint: 'Where to search, e.g. DC=example,DC=com.' },
  { name: 'bindDn', label: 'Bind DN', hint: 'A read-only account, e.g. CN=reader,CN=Users,DC=example,DC=com; empty: anonymous.' },
  { name: 'passwordFrom', label: 'Password from', hint: 'A file holding the password (its first line), or $NAME for an environment variable. Never the password itself.' },
  { name: 'filter', label: 'Filter', hint: 'Empty: every entry with an smtp: proxy address or a mail.' },
  { name: 'startTls', label: 'StartTLS', hint: 'Upgrade an ldap:// connection before the bind. Space toggles.', toggle: true },
  { name: 'ca', label: 'CA file', hint: "PEM of the CA that signed the directory's certificate; empty: the system's CAs." },
];

/** Where the bind password comes from, or why the answers cannot be used (no I/O). */
export function ldapPasswordSource(a: LdapAnswers): { file: string } | { env: string } | { none: true } | { error: string } {
  const p = a.passwordFrom.trim();
  if (!p) return a.bindDn.trim() ? { error: 'Password from: name a file holding the bind password, or $NAME for an environment variable' } : { none: true };
  if (p.startsWith('$')) {
    const name = p.slice(1);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? { env: name } : { error: 'Password from: $ is followed by the name of an environment variable (letters, digits, _)' };
  }
  return { file: p };
}

/** How an LDAP source reads in the summary. */
export function ldapLabel(a: LdapAnswers): string {
  return `LDAP ${a.url.trim()}${a.startTls ? ' (StartTLS)' : ''}, base ${a.base.trim()}${a.bindDn.trim() ? `, as ${a.bindDn.trim()}` : ', anonymous'}`;
}
