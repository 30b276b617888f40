/**
 * Recipient sources on the command line: --peer-recipients FILE (exchange-csv, postfix-maps,
 * zimbra, addresses), --peer-ldap-url and its companions (a live LDAP read), and `zsplit inventory`, which prints
 * what they hold grouped by class. The LDAP password comes from --peer-ldap-password-file or
 * ZSPLIT_PEER_LDAP_PASSWORD, never from argv, and is printed or stored nowhere.
 */
import type { Answers } from '../model/types.js';
import { isHost } from '../model/validate.js';
import { EXCHANGE_EXPORT } from '../inventory/exchange.js';
import type { Inventory } from '../inventory/model.js';
import { CLASS_LABEL, accountLines, buildInventory, byClass, withRecipientInfo } from '../inventory/model.js';
import type { FileFormat } from '../inventory/read.js';
import { FILE_FORMATS, parseSources } from '../inventory/read.js';
import { ZIMBRA_EXPORT } from '../inventory/zimbra.js';
import type { Flags } from './args.js';
import { MAX_INPUT_BYTES, MAX_SOURCE_BYTES, UsageError, rawAnswers, readInputFile, recipientSourceKey, setLoadedRecipients } from './args.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { pushAll } from '../model/arrays.js';

export const PASSWORD_ENV = 'ZSPLIT_PEER_LDAP_PASSWORD';

/** The manual step on the peer, per source: what to run there and bring back. */
export const EXPORT_STEPS = [
  'Exchange / Microsoft 365 (Exchange Management Shell or Exchange Online PowerShell):',
  `  ${EXCHANGE_EXPORT}`,
  '  then: zsplit inventory --domain D --peer-recipients recipients.csv',
  'Active Directory or another LDAP directory (read live):',
  `  zsplit inventory --domain D --peer-ldap-url ldaps://dc.example.com --peer-ldap-bind-dn 'CN=reader,CN=Users,DC=example,DC=com' \\`,
  `    --peer-ldap-password-file ~/.zsplit-ldap-password --peer-ldap-base 'DC=example,DC=com'   (or ${PASSWORD_ENV}=...)`,
  'Postfix: copy the source files of virtual_mailbox_maps, virtual_alias_maps and relay_recipient_maps (postconf -h NAME), then:',
  '  zsplit inventory --domain D --peer-recipients vmailbox --peer-recipients virtual --peer-recipients relay_recipients',
  'Another Zimbra (as zimbra):',
  ...ZIMBRA_EXPORT.map((c) => `  ${c}`),
  'A plain list: one "address [alias ...]" per line: --peer-recipients users.txt --peer-recipients-format addresses',
];

function formatFlag(f: Flags): FileFormat | undefined {
  const v = f['peer-recipients-format'];
  if (v === undefined || v === 'auto') return undefined;
  if (!(FILE_FORMATS as readonly string[]).includes(v)) throw new UsageError(`--peer-recipients-format: "${v}" must be ${FILE_FORMATS.join(', ')} or auto`, '--peer-recipients-format');
  return v as FileFormat;
}

/**
 * A file a flag names: a regular file within a limit (readInputFile), as everywhere else; a FIFO
 * would hang the command and a device would be read until memory runs out.
 */
const FLAG_FILE_BYTES = {
  '--peer-recipients': MAX_SOURCE_BYTES,
  '--peer-accounts': MAX_INPUT_BYTES,
  '--peer-ldap-password-file': 64 * 1024,
  '--peer-ldap-ca': 1024 * 1024,
} as const;

function readFlagFile(path: string, flag: keyof typeof FLAG_FILE_BYTES): string {
  return readInputFile(path, flag, FLAG_FILE_BYTES[flag]);
}

/** The LDAP password: the file's first line, else the environment; never a flag value. */
function ldapPassword(f: Flags, io: CliIO): string | undefined {
  const file = f['peer-ldap-password-file'];
  if (file !== undefined) return readFlagFile(file, '--peer-ldap-password-file').split(/\r?\n/)[0];
  return io.env[PASSWORD_ENV] || undefined;
}

/** Why an LDAP read failed: ldapts messages name the server and the LDAP result, never the password. */
export function ldapFailure(e: unknown): string {
  const err = e as Error & { code?: number | string };
  return [err.name !== 'Error' ? err.name : '', err.message.trim(), typeof err.code === 'number' ? `(LDAP result ${err.code})` : ''].filter(Boolean).join(' ');
}

/** Reads and validates every recipient source the flags name. */
export async function loadInventory(f: Flags, io: CliIO): Promise<Inventory> {
  const raw = rawAnswers({ ...f, 'peer-recipients': undefined, 'peer-ldap-url': undefined });
  const domains = (Array.isArray(raw.domain) ? raw.domain : raw.domain ? [raw.domain] : []).flatMap((d) => d.toLowerCase().split(/[\s,]+/)).filter(Boolean);
  if (domains.length === 0) throw new UsageError('--domain: is required to read recipients: addresses of other domains are left out', '--domain');
  const files = (f['peer-recipients'] ?? []).map((p) => ({ file: p, text: readFlagFile(p, '--peer-recipients') }));
  const parsed = parseSources(files, formatFlag(f));
  // A plain --peer-accounts file given as well is one more source.
  if (f['peer-accounts'] !== undefined) {
    const p = parseSources([{ file: f['peer-accounts'], text: readFlagFile(f['peer-accounts'], '--peer-accounts') }], 'addresses');
    pushAll(parsed.recipients, p.recipients);
  }
  if (f['peer-ldap-url']) {
    const { ldapRecipients } = await import('../inventory/ldap.js');
    const { readLdapEntries, ldapSourceError } = await import('../inventory/ldap-read.js');
    const source = {
      url: f['peer-ldap-url'],
      bindDn: f['peer-ldap-bind-dn'],
      password: ldapPassword(f, io),
      base: f['peer-ldap-base'] ?? '',
      filter: f['peer-ldap-filter'],
      startTls: Boolean(f['peer-ldap-starttls']),
      ca: f['peer-ldap-ca'] !== undefined ? readFlagFile(f['peer-ldap-ca'], '--peer-ldap-ca') : undefined,
    };
    if (source.bindDn && source.password === undefined) throw new UsageError(`--peer-ldap-bind-dn: needs a password: --peer-ldap-password-file FILE or ${PASSWORD_ENV}`, '--peer-ldap-password-file');
    const problem = ldapSourceError(source);
    if (problem) throw new UsageError(`--peer-ldap-url: ${problem}`, '--peer-ldap-url');
    try {
      pushAll(parsed.recipients, ldapRecipients(await readLdapEntries(source)));
    } catch (e) {
      throw new UsageError(`--peer-ldap-url: reading ${source.url} failed: ${ldapFailure(e)}`, '--peer-ldap-url');
    }
  }
  const inv = buildInventory(parsed.recipients, domains);
  return { ...inv, errors: [...parsed.errors, ...inv.errors], notes: [...parsed.notes, ...inv.notes] };
}

/** Before a headless command: reads the sources once so rawAnswers sees them; refuses on errors. */
export async function loadRecipientFlags(f: Flags, io: CliIO): Promise<Inventory | undefined> {
  if (recipientSourceKey(f) === undefined) return undefined;
  const inv = await loadInventory(f, io);
  if (inv.errors.length) throw new UsageError(`--peer-recipients: ${inv.errors.length} problem(s) in the recipients; nothing was planned:\n  ${inv.errors.join('\n  ')}`, '--peer-recipients');
  if (inv.outside.length) io.err(`warning: ${inv.outside.length} address(es) of other domains left out (zsplit inventory lists them)\n`);
  setLoadedRecipients(f, accountLines(inv));
  lastInventory = inv;
  return inv;
}

let lastInventory: Inventory | undefined;

/**
 * Validated answers with what the flags add beyond RawAnswers: the recipients' classes and
 * display names, whether placeholders show in the GAL, and the placeholders' mailbox server.
 */
export function withRecipientFlags(a: Answers, f: Flags): Answers {
  const out: Answers = { ...a };
  if (lastInventory && recipientSourceKey(f) !== undefined) out.peerAccounts = withRecipientInfo(a.peerAccounts, lastInventory);
  if (f['placeholders-in-gal']) out.placeholdersInGal = true;
  const hosts = (f['placeholder-host'] ?? []).flatMap((h) => h.toLowerCase().split(/[\s,]+/)).filter(Boolean);
  for (const h of hosts) if (!isHost(h)) throw new UsageError(`--placeholder-host: "${h}" is not a host name (a mailbox server, as zmprov gas mailbox lists it)`, '--placeholder-host');
  if (hosts.length) out.placeholderHosts = [...new Set(hosts)];
  return out;
}

export function formatInventory(inv: Inventory, verbose = false): string {
  const lines: string[] = [];
  const groups = byClass(inv);
  const aliases = inv.recipients.reduce((n, r) => n + r.aliases.length, 0);
  lines.push(`${inv.recipients.length} recipient(s), ${inv.recipients.length + aliases} address(es):`);
  for (const g of groups) lines.push(`  ${String(g.recipients.length).padStart(7)}  ${g.class.padEnd(14)} ${CLASS_LABEL[g.class]}`);
  for (const g of groups) {
    lines.push('', `${g.class} (${g.recipients.length}):`);
    const shown = verbose ? g.recipients : g.recipients.slice(0, 20);
    for (const r of shown) lines.push(`  ${r.address}${r.displayName ? `  "${r.displayName}"` : ''}${r.aliases.length ? `  aliases: ${r.aliases.join(', ')}` : ''}`);
    if (shown.length < g.recipients.length) lines.push(`  ... and ${g.recipients.length - shown.length} more (--json lists all)`);
  }
  if (inv.outside.length) {
    const perDomain = new Map<string, number>();
    for (const o of inv.outside) {
      const d = o.address.slice(o.address.lastIndexOf('@') + 1).toLowerCase();
      perDomain.set(d, (perDomain.get(d) ?? 0) + 1);
    }
    lines.push('', `Left out: ${inv.outside.length} address(es) of other domains (${[...perDomain].map(([d, n]) => `${d}: ${n}`).join(', ')}), e.g.:`);
    for (const o of inv.outside.slice(0, verbose ? undefined : 5)) lines.push(`  ${o.address}  (${o.source})`);
  }
  if (inv.notes.length) lines.push('', 'Notes:', ...inv.notes.map((n) => `  ${n}`));
  if (inv.errors.length) lines.push('', `Errors (${inv.errors.length}):`, ...inv.errors.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `zsplit inventory [sources] [--json]`: the inventory grouped by class; exit 2 on errors. */
export async function inventoryCommand(flags: Flags, _positionals: string[], io: CliIO): Promise<number> {
  if (recipientSourceKey(flags) === undefined && flags['peer-accounts'] === undefined) {
    io.err(`zsplit inventory: name a source: --peer-recipients FILE or --peer-ldap-url URL. On the peer:\n${EXPORT_STEPS.map((l) => `  ${l}`).join('\n')}\n`);
    return EXIT.invalid;
  }
  const inv = await loadInventory(flags, io);
  if (flags.json) {
    const counts = Object.fromEntries(byClass(inv).map((g) => [g.class, g.recipients.length]));
    io.out(`${JSON.stringify({ format: 'zsplit.inventory/1', counts, recipients: inv.recipients, outside: inv.outside, notes: inv.notes, errors: inv.errors }, null, 2)}\n`);
  } else io.out(formatInventory(inv));
  return inv.errors.length ? EXIT.invalid : EXIT.ok;
}
