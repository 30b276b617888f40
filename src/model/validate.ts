/**
 * Validation of the operator's answers. Every error names the field (and the flag that
 * sets it) and says how to fix it. Nothing here touches the system.
 */
import { domainToASCII } from 'node:url';
import type { Answers, Cutover, Direction, PeerAccount, PeerKind, PostfixAddressClass, Role } from './types.js';
import { PEER_KINDS, POSTFIX_ADDRESS_CLASSES, ROLES } from './types.js';
import { routingDomain } from './routing.js';

export interface FieldError {
  /** camelCase name, as in --config JSON. */
  field: string;
  /** The command-line flag that sets it. */
  flag: string;
  message: string;
}

/** Raw answers as typed: strings from flags, a config file or the wizard's inputs. */
export interface RawAnswers {
  domain?: string | string[];
  role?: string;
  zimbraHost?: string | string[];
  mailboxHost?: string;
  zimbraVersion?: string;
  peerKind?: string;
  peerHost?: string;
  peerPort?: string | number;
  peerIp?: string | string[];
  /** Lines as read from --peer-accounts: `address [alias ...]`, `#` comments. */
  peerAccounts?: string | string[];
  users?: string | string[];
  direction?: string;
  wave?: string;
  allowWideNetwork?: boolean;
  force?: boolean;
  peerAddressClass?: string;
  peerTransport?: string;
}

export const FLAGS: Record<string, string> = {
  domain: '--domain',
  role: '--role',
  zimbraHost: '--zimbra-host',
  mailboxHost: '--mailbox-host',
  zimbraVersion: '--zimbra-version',
  peerKind: '--peer-kind',
  peerHost: '--peer-host',
  peerPort: '--peer-port',
  peerIp: '--peer-ip',
  peerAccounts: '--peer-accounts',
  peerAddressClass: '--peer-address-class',
  peerTransport: '--peer-transport',
  users: '--users',
  direction: '--direction',
  wave: '--wave',
};

/** Whether `s` holds a control character (U+0000-U+001F, U+007F): a char scan, run on every account. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253 || s.endsWith('.')) return false;
  const labels = s.toLowerCase().split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

export function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return parts;
}

/** 8 groups of 16 bits, or undefined. Accepts `::` compression and an IPv4 tail. */
export function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  const [headText, tailText] = s.includes('::') ? s.split('::') : [s, undefined];
  const groups = (text: string | undefined): number[] | undefined => {
    if (!text) return [];
    const out: number[] = [];
    const parts = text.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(headText);
  const tail = groups(tailText);
  if (!head || !tail) return undefined;
  if (tailText === undefined) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return undefined;
  return [...head, ...Array(fill).fill(0), ...tail];
}

export function isIP(s: string): boolean {
  return parseIPv4(s) !== undefined || parseIPv6(s) !== undefined;
}

/** A host zsplit will put into a transport or relay host: a DNS name or an IP literal. */
/**
 * For a name with non-ASCII letters: its IDNA (xn--) form to type instead, as Zimbra, Postfix and
 * DNS take it. node:url's domainToASCII is a pure computation.
 */
export function idnHint(name: string): string {
  if (!/[^\x00-\x7f]/.test(name)) return '';
  const ascii = domainToASCII(name);
  return ascii ? `; an internationalised name is written in its ASCII form: use ${ascii}` : '; an internationalised name must be written in its ASCII (xn--) form';
}

export function isHost(s: string): boolean {
  return isDnsName(s) || isIP(s);
}

export interface Network {
  /** As Postfix mynetworks wants it: `10.0.0.0/24`, `[2001:db8::]/64`. */
  text: string;
  family: 4 | 6;
  prefix: number;
}

/** Parses a peer relay IP or network; a bare address becomes /32 or /128. */
export function parseNetwork(input: string, allowWide: boolean): Network | string {
  const s = input.trim().replace(/^\[([^\]]+)\](\/\d+)?$/, '$1$2');
  const [addr, len, extra] = s.split('/');
  if (extra !== undefined) return `"${input}" is not an IP address or network`;
  const v4 = parseIPv4(addr);
  const v6 = v4 ? undefined : parseIPv6(addr);
  if (!v4 && !v6) return `"${input}" is not an IP address or CIDR network (example: 192.0.2.10 or 192.0.2.0/28)`;
  const max = v4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return `"${input}" has an invalid prefix length`;
  const prefix = len === undefined ? max : Number(len);
  if (prefix > max) return `"${input}": prefix /${prefix} is longer than /${max}`;
  if (prefix === 0) return `"${input}" would let every host on the internet relay through Zimbra (an open relay); give the peer's own addresses`;
  const bits = v4 ? v4.flatMap((o) => [o >> 4, o & 15]) : v6!.flatMap((g) => [g >> 12, (g >> 8) & 15, (g >> 4) & 15, g & 15]);
  // Host bits set (10.0.0.5/24) usually means a typo; Postfix would silently widen it.
  for (let bit = prefix; bit < max; bit++) {
    if ((bits[bit >> 2] >> (3 - (bit & 3))) & 1) return `"${input}" has host bits set after /${prefix}; did you mean the network address?`;
  }
  const wideLimit = v4 ? 24 : 64;
  if (prefix < wideLimit && !allowWide)
    return `"${input}" is wider than /${wideLimit}: every host in it could relay through Zimbra. Give the peer's own addresses, or pass --allow-wide-network if you really mean it`;
  const text = v4 ? `${addr}/${prefix}` : `[${addr.toLowerCase()}]/${prefix}`;
  return { text, family: v4 ? 4 : 6, prefix };
}

/** RFC 5321 atext, by ASCII code: the characters an atom of a dot-atom local part may hold. */
const ATEXT = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-") ATEXT[c.charCodeAt(0)] = 1;

/** Whether `s.slice(0, end)` is a dot-atom: atext atoms with single dots between (a char scan: no split, no regex). */
function isDotAtom(s: string, end: number): boolean {
  let atom = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (atom === 0) return false;
      atom = 0;
    } else if (c < 128 && ATEXT[c] === 1) atom++;
    else return false;
  }
  return atom > 0;
}

// An accounts file repeats one or two domains, 100,000 times over: remember the last verdict.
let lastDomain = '';
let lastDomainOk = false;
function isDnsNameCached(domain: string): boolean {
  if (domain !== lastDomain) {
    lastDomainOk = isDnsName(domain);
    lastDomain = domain;
  }
  return lastDomainOk;
}

/** RFC 5321 mailbox (dot-atom local part only; Zimbra accepts no quoted local parts). */
export function addressError(address: string, domains: string[]): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return `"${address}" is not an email address (expected user@domain)`;
  const domain = address.slice(at + 1).toLowerCase();
  if (at > 64) return `"${address}": the part before @ is longer than 64 characters`;
  if (address.length > 254) return `"${address}" is longer than 254 characters`;
  if (/[^\x00-\x7f]/.test(domain) && !/[^\x00-\x7f]/.test(address.slice(0, at))) return `"${address}": "${domain}" is not a valid domain${idnHint(domain)}`;
  if (!isDotAtom(address, at))
    return `"${address}" has characters not allowed in an address (allowed: letters, digits and !#$%&'*+/=?^_\`{|}~- with single dots between)`;
  if (!isDnsNameCached(domain)) return `"${address}": "${domain}" is not a valid domain`;
  if (domains.length && !domains.includes(domain)) return `"${address}" is not in ${domains.join(', ')}; only addresses of the split domain belong here`;
  return undefined;
}

/** Postfix transport values zsplit writes or reads: `smtp:[host]:25`, `smtp:host`, `lmtp:host:7025`. */
export function parseTransport(value: string): { transport: 'smtp' | 'lmtp'; host: string; port?: number; bracketed: boolean } | undefined {
  const m = /^(smtp|lmtp):(\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const host = m[3] ?? m[4];
  const port = m[5] === undefined ? undefined : Number(m[5]);
  if (!isHost(host) || (port !== undefined && (port < 1 || port > 65535))) return undefined;
  return { transport: m[1] as 'smtp' | 'lmtp', host, port, bracketed: m[3] !== undefined };
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.flatMap((x) => String(x).split(/[\s,]+/)).filter((x) => x !== '');
}

/**
 * Whether a line is one printable ASCII word (`user@domain`, the usual line): no comment,
 * separator, whitespace or control character to find, so no regex to run.
 */
function isPlainWord(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 35 || c === 44 || c === 59) return false; // # , ;
  }
  return line.length > 0;
}

/** The words of one accounts-file line; undefined for a blank or comment-only line. */
function lineWords(line: string): string[] | undefined {
  const body = line.replace(/(^|\s)#.*$/, '').trim();
  return body ? body.split(/[\s,;]+/).filter(Boolean) : undefined;
}

/**
 * Calls `fn` for each line of an accounts file that has words, with its 1-based number;
 * `plain`: the line is one word of printable ASCII characters (see isPlainWord).
 */
function eachAccountLine(text: string | string[], fn: (lineNo: number, words: string[], plain: boolean) => void): void {
  const take = (lineNo: number, s: string): void => {
    if (isPlainWord(s)) fn(lineNo, [s], true);
    else {
      const words = lineWords(s);
      if (words) fn(lineNo, words, false);
    }
  };
  if (Array.isArray(text)) {
    text.forEach((s, i) => take(i + 1, s));
    return;
  }
  // As text.split(/\r?\n/), without the array of 100,000 lines.
  for (let start = 0, lineNo = 1; start <= text.length; lineNo++) {
    let end = text.indexOf('\n', start);
    const next = end < 0 ? text.length + 1 : end + 1;
    if (end < 0) end = text.length;
    else if (end > start && text.charCodeAt(end - 1) === 13) end--;
    take(lineNo, text.slice(start, end));
    start = next;
  }
}

/** Lines of an accounts file: `address [alias ...]`; `#` comments and blank lines ignored. */
export function parseAccountLines(text: string | string[]): { lineNo: number; words: string[] }[] {
  const out: { lineNo: number; words: string[] }[] = [];
  eachAccountLine(text, (lineNo, words) => out.push({ lineNo, words }));
  return out;
}

/** `Bob@Example.COM` -> `Bob@example.com` (the domain is case-insensitive); the same string when nothing changes. */
function lowerDomain(word: string): string {
  const at = word.lastIndexOf('@');
  if (at < 0) return word;
  for (let i = at + 1; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return word.slice(0, at + 1) + word.slice(at + 1).toLowerCase();
  }
  return word;
}

export interface Validated {
  answers?: Answers;
  errors: FieldError[];
  warnings: string[];
}

/** Turns raw answers into validated Answers, or errors that each name a field and a fix. */
export function validateAnswers(raw: RawAnswers, job: 'setup' | 'cutover' | 'unsplit' = 'setup'): Validated {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const err = (field: string, message: string) => errors.push({ field, flag: FLAGS[field] ?? field, message });

  for (const [field, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (field !== 'peerAccounts' && field !== 'users' && values.some((v) => typeof v === 'string' && hasControl(v)))
      err(field, 'contains a control character or newline; type the value on one line');
  }
  if (errors.length) return { errors, warnings };

  const domains = list(raw.domain).map((d) => d.toLowerCase());
  if (domains.length === 0) err('domain', 'is required: the shared mail domain, e.g. example.com');
  for (const d of domains) if (!isDnsName(d)) err('domain', `"${d}" is not a valid domain name (letters, digits, hyphens, dots; e.g. example.com)${idnHint(d)}`);
  if (new Set(domains).size !== domains.length) err('domain', 'lists the same domain twice');

  const role = raw.role as Role | undefined;
  if (job === 'setup' && !role) err('role', 'is required: primary (Zimbra is authoritative) or secondary');
  else if (role && !ROLES.includes(role)) err('role', `"${raw.role}" is not a role; use primary or secondary`);

  const zimbraHosts = list(raw.zimbraHost).map((h) => h.toLowerCase());
  if (zimbraHosts.length === 0) err('zimbraHost', 'is required: the Zimbra MTA server name, as `zmhostname` prints it');
  for (const h of zimbraHosts) if (!isHost(h)) err('zimbraHost', `"${h}" is not a valid host name or IP address${idnHint(h)}`);

  const mailboxHost = (raw.mailboxHost ?? zimbraHosts[0] ?? '').toLowerCase();
  if (mailboxHost && !isHost(mailboxHost)) err('mailboxHost', `"${mailboxHost}" is not a valid host name or IP address${idnHint(mailboxHost)}`);

  const zimbraVersion = raw.zimbraVersion ?? '10.1.0';
  // X.Y or X.Y.Z, then only a build or patch tag after _ or - (8.8.15_GA_4179, 9.0.0_P41): 10.1.0.x is not one.
  if (!/^\d{1,2}\.\d{1,2}(\.\d{1,2})?([_-][A-Za-z0-9_.-]*)?$/.test(zimbraVersion)) err('zimbraVersion', `"${zimbraVersion}" is not a Zimbra version (e.g. 8.6.0, 8.8.15, 10.1.0)`);

  const peerKind = (raw.peerKind ?? 'other') as PeerKind;
  if (!PEER_KINDS.includes(peerKind)) err('peerKind', `"${raw.peerKind}" is not a peer kind; use one of ${PEER_KINDS.join(', ')}`);

  const peerHost = (raw.peerHost ?? '').toLowerCase();
  if (!peerHost) err('peerHost', "is required: the other mail system's SMTP host, e.g. mail.example.com");
  else if (!isHost(peerHost)) err('peerHost', `"${raw.peerHost}" is not a valid host name or IP address (no spaces, ; or other shell characters)${idnHint(peerHost)}`);
  else if (zimbraHosts.includes(peerHost) || peerHost === mailboxHost)
    err('peerHost', `"${peerHost}" is also a Zimbra host; the peer must be the other mail system, or mail would loop back to Zimbra`);

  // zimbra-route.<domain> is the routing subdomain zsplit makes an alias domain on Zimbra (zimbra.md §6.4): never a host.
  const routedFrom = new Map(domains.map((d) => [routingDomain(d), d]));
  const notRouting = (field: string, host: string) => {
    const d = routedFrom.get(host);
    if (d !== undefined) err(field, `"${host}" is the routing subdomain of ${d}: zsplit makes it an alias domain of ${d} on Zimbra, so it cannot name a mail server; give the server's own host name`);
  };
  for (const h of zimbraHosts) notRouting('zimbraHost', h);
  if (!zimbraHosts.includes(mailboxHost)) notRouting('mailboxHost', mailboxHost);
  notRouting('peerHost', peerHost);

  const portText = raw.peerPort === undefined ? '25' : String(raw.peerPort);
  const peerPort = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(peerPort >= 1 && peerPort <= 65535)) err('peerPort', `"${portText}" is not a TCP port (1-65535; SMTP is 25)`);

  const ips: string[] = [];
  for (const ip of list(raw.peerIp)) {
    const n = parseNetwork(ip, Boolean(raw.allowWideNetwork));
    if (typeof n === 'string') err('peerIp', n);
    else if (ips.includes(n.text)) err('peerIp', `"${ip}" is listed twice`);
    else ips.push(n.text);
  }

  const addressClass = raw.peerAddressClass === undefined ? undefined : (raw.peerAddressClass.toLowerCase() as PostfixAddressClass);
  if (addressClass !== undefined && !POSTFIX_ADDRESS_CLASSES.includes(addressClass))
    err('peerAddressClass', `"${raw.peerAddressClass}" is not a Postfix address class; use relay (relay_domains), virtual (virtual_mailbox_domains) or local (mydestination)`);
  // transport:nexthop as transport(5) has it; the value goes into a map file through shQuote.
  const transport = raw.peerTransport;
  if (transport !== undefined && !/^[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9_.:/[\]@+-]{0,255}$/.test(transport))
    err('peerTransport', `"${transport}" is not a Postfix transport:nexthop (e.g. lmtp:unix:private/dovecot-lmtp, virtual:, lmtp:[192.0.2.20]:24)`);
  if ((addressClass !== undefined || transport !== undefined) && peerKind !== 'postfix') err(addressClass !== undefined ? 'peerAddressClass' : 'peerTransport', 'applies to a Postfix peer only (--peer-kind postfix)');

  const peerAccounts: PeerAccount[] = [];
  // lower-case address -> the line that listed it first, negative for an alias: numbers, so that
  // 100,000 accounts keep no 100,000 "line N" strings alive.
  const seen = new Map<string, number>();
  const lineRef = (ref: number) => (ref > 0 ? `line ${ref}` : `line ${-ref} (alias)`);
  const claim = (address: string, ref: number) => {
    const prev = seen.get(address);
    if (prev !== undefined) err('peerAccounts', `${lineRef(ref)}: "${address}" is a duplicate of ${lineRef(prev)}`);
    else seen.set(address, ref);
    return prev === undefined;
  };
  eachAccountLine(raw.peerAccounts ?? [], (lineNo, words, plain) => {
    if (!plain && words.some(hasControl)) {
      err('peerAccounts', `line ${lineNo}: contains a control character`);
      return;
    }
    const address = lowerDomain(words[0]);
    const e = addressError(address, domains);
    if (e) {
      err('peerAccounts', `line ${lineNo}: ${e}`);
      return;
    }
    if (!claim(address.toLowerCase(), lineNo)) return;
    const okAliases: string[] = [];
    for (let i = 1; i < words.length; i++) {
      const alias = lowerDomain(words[i]);
      const ae = addressError(alias, domains);
      if (ae) err('peerAccounts', `line ${lineNo}: alias ${ae}`);
      else if (claim(alias.toLowerCase(), -lineNo)) okAliases.push(alias);
    }
    peerAccounts.push({ address, aliases: okAliases });
  });

  let cutover: Cutover | undefined;
  if (job === 'cutover') {
    const direction = (raw.direction ?? 'to-zimbra') as Direction;
    if (direction !== 'to-zimbra' && direction !== 'to-peer') err('direction', `"${raw.direction}" is not a direction; use to-zimbra or to-peer`);
    const wave = raw.wave ?? 'wave-1';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(wave)) err('wave', `"${wave}" is not a wave name (letters, digits, . _ -; up to 64)`);
    const users: string[] = [];
    const seenUsers = new Set<string>();
    for (const { lineNo, words } of parseAccountLines(raw.users ?? [])) {
      for (const w of words) {
        const e = addressError(w, domains);
        if (e) err('users', `line ${lineNo}: ${e}`);
        else if (seenUsers.has(w.toLowerCase())) err('users', `line ${lineNo}: "${w}" is listed twice`);
        else {
          seenUsers.add(w.toLowerCase());
          users.push(w);
        }
      }
    }
    if (users.length === 0 && !errors.some((e) => e.field === 'users')) err('users', 'is required for a cutover: the users to move, one address per line');
    cutover = { users, direction, wave };
  }

  if (errors.length) return { errors, warnings };
  if (job === 'setup' && role === 'primary' && peerAccounts.length === 0)
    warnings.push('No peer accounts: as the primary, Zimbra will reject mail for every user who lives on the peer. List them with --peer-accounts.');
  if (ips.length === 0 && job === 'setup')
    warnings.push('No --peer-ip: the peer cannot relay internet-bound mail through Zimbra (zimbraMtaMyNetworks is left as it is).');

  return {
    errors,
    warnings,
    answers: {
      domains,
      role: role ?? 'secondary',
      zimbraHosts,
      mailboxHost,
      zimbraVersion,
      peer: { kind: peerKind, host: peerHost, port: peerPort, ips, ...(addressClass ? { addressClass } : {}), ...(transport ? { transport } : {}) },
      peerAccounts,
      cutover,
      allowWideNetwork: Boolean(raw.allowWideNetwork),
      force: Boolean(raw.force),
    },
  };
}
