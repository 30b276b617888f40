/** The wizard's answers: the Hosts fields, raw answers for validateAnswers, and per-field messages. */
import type { Direction, Job } from '../model/types.js';
import type { RawAnswers } from '../model/validate.js';
import { addressError, parseAccountLines, validateAnswers } from '../model/validate.js';
import type { AccountsSummary, Fields, HostField } from './state.js';

export interface FieldDef {
  name: HostField;
  label: string;
  hint: string;
  toggle?: boolean;
}

export const HOST_FIELDS: FieldDef[] = [
  { name: 'domain', label: 'Mail domain', hint: 'The shared mail domain, e.g. example.com (several: separate with spaces).' },
  { name: 'zimbraHost', label: 'Zimbra MTA host', hint: 'The Zimbra MTA server name, as zmhostname prints it.' },
  { name: 'mailboxHost', label: 'Zimbra mailbox host', hint: 'The mailbox server for lmtp:<host>:7025; empty: the MTA host.' },
  { name: 'zimbraVersion', label: 'Zimbra version', hint: 'From zmcontrol -v; commands differ before and after 8.7.' },
  { name: 'peerHost', label: 'Peer SMTP host', hint: "The other mail system's SMTP host, e.g. mail.example.com." },
  { name: 'peerPort', label: 'Peer SMTP port', hint: 'SMTP is 25.' },
  { name: 'peerIp', label: 'Peer relay IPs', hint: 'Addresses the peer relays from (zimbraMtaMyNetworks), e.g. 192.0.2.10; empty: none.' },
  { name: 'allowWideNetwork', label: 'Allow wide networks', hint: 'Accept relay networks wider than /24 (/64): every host in them could relay. Space toggles.', toggle: true },
];

export const FIELD_LABEL: Record<string, string> = {
  ...Object.fromEntries(HOST_FIELDS.map((f) => [f.name, f.label])),
  role: 'Role',
  peerKind: 'Peer kind',
  peerAccounts: 'Peer accounts',
  users: 'Users',
  direction: 'Direction',
  wave: 'Wave name',
};

export interface CutoverAnswers {
  users: string[];
  direction: Direction;
  wave: string;
}

/** Raw answers for validateAnswers, as the headless flags would give them. */
export function rawFrom(f: Fields, cutover?: CutoverAnswers): RawAnswers {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  return {
    domain: f.domain.trim(),
    role: f.role || undefined,
    zimbraHost: f.zimbraHost.trim(),
    mailboxHost: opt(f.mailboxHost),
    zimbraVersion: opt(f.zimbraVersion),
    peerKind: f.peerKind,
    peerHost: f.peerHost.trim(),
    peerPort: opt(f.peerPort),
    peerIp: f.peerIp.trim(),
    peerAccounts: f.role === 'primary' ? f.peerAccounts : undefined,
    allowWideNetwork: f.allowWideNetwork,
    force: f.force,
    ...(cutover ? { users: cutover.users.join('\n'), direction: cutover.direction, wave: cutover.wave } : {}),
  };
}

/** The first message per Hosts field, naming the field: `Peer SMTP host: "x" is not a valid host name ...`. */
export function hostErrors(f: Fields): Partial<Record<HostField, string>> {
  const v = validateAnswers(rawFrom({ ...f, peerAccounts: '' }), 'setup');
  const out: Partial<Record<HostField, string>> = {};
  for (const e of v.errors) {
    const def = HOST_FIELDS.find((d) => d.name === e.field);
    if (def && !out[def.name]) out[def.name] = named(def.label, e.message);
  }
  // A wide network is allowed by the toggle, which is where the fix is.
  if (out.peerIp && /wider than/.test(out.peerIp)) out.peerIp = out.peerIp.replace(/, or pass --allow-wide-network if you really mean it/, ', or turn on "Allow wide networks" below if you really mean it');
  return out;
}

/** Validation errors of any job, each naming the field: for the Review screen. */
export function answerErrors(errors: { field: string; message: string }[]): string[] {
  return errors.map((e) => named(FIELD_LABEL[e.field] ?? e.field, e.message));
}

/** `Mail domain is required: ...` or `Peer SMTP host: "x" is not ...`. */
function named(label: string, message: string): string {
  return /^(is|contains|lists) /.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}

/** Counts, duplicates and invalid lines of an accounts list, with the same checks validateAnswers makes. */
export function summarizeAccounts(text: string, domains: string[]): AccountsSummary {
  const parsed = parseAccountLines(text);
  const seen = new Map<string, number>();
  const out: AccountsSummary = { lines: parsed.length, accounts: 0, aliases: 0, duplicates: [], invalid: [] };
  for (const { lineNo, words } of parsed) {
    const [address, ...aliases] = words;
    const e = addressError(address, domains);
    if (e) {
      out.invalid.push({ lineNo, message: e });
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) {
      out.duplicates.push({ lineNo, message: `"${address}" is a duplicate of line ${seen.get(key)}` });
      continue;
    }
    seen.set(key, lineNo);
    out.accounts++;
    for (const alias of aliases) {
      const ae = addressError(alias, domains);
      if (ae) out.invalid.push({ lineNo, message: `alias ${ae}` });
      else if (seen.has(alias.toLowerCase())) out.duplicates.push({ lineNo, message: `alias "${alias}" is a duplicate of line ${seen.get(alias.toLowerCase())}` });
      else {
        seen.set(alias.toLowerCase(), lineNo);
        out.aliases++;
      }
    }
  }
  return out;
}

/** The list without its invalid and duplicate lines (the operator asked to drop them). */
export function dropBadLines(text: string, s: AccountsSummary): string {
  const bad = new Set([...s.invalid, ...s.duplicates].map((x) => x.lineNo));
  return text
    .split(/\r?\n/)
    .filter((_l, i) => !bad.has(i + 1))
    .join('\n');
}

export function domainsOf(f: Fields): string[] {
  return f.domain
    .split(/[\s,]+/)
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
}

/** A guess of the mail domain from the server name: zimbra.example.com -> example.com. */
export function domainFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const labels = host.toLowerCase().split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : undefined;
}

export function jobLabel(job: Job): string {
  return job === 'setup' ? 'Setup' : job === 'cutover' ? 'Cutover' : 'Unsplit';
}
