/** Flags shared by the headless commands, and their mapping to raw answers. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RawAnswers } from '../model/validate.js';

export class UsageError extends Error {
  constructor(message: string, public readonly flag?: string) {
    super(message);
  }
}

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  config: { type: 'string' },
  domain: { type: 'string', multiple: true },
  role: { type: 'string' },
  'zimbra-host': { type: 'string', multiple: true },
  'mailbox-host': { type: 'string' },
  'zimbra-version': { type: 'string' },
  'peer-kind': { type: 'string' },
  'peer-host': { type: 'string' },
  'peer-port': { type: 'string' },
  'peer-ip': { type: 'string', multiple: true },
  'peer-accounts': { type: 'string' },
  'peer-address-class': { type: 'string' },
  'peer-transport': { type: 'string' },
  users: { type: 'string' },
  direction: { type: 'string' },
  wave: { type: 'string' },
  'allow-wide-network': { type: 'boolean' },
  force: { type: 'boolean' },
  'peer-mode': { type: 'string' },
  'no-flow-check': { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'run-as': { type: 'string' },
  zmprov: { type: 'string' },
  target: { type: 'string' },
  'state-dir': { type: 'string' },
  rehearsal: { type: 'boolean' },
  'sim-state': { type: 'string' },
  plan: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  step: { type: 'boolean' },
  resume: { type: 'boolean' },
  refresh: { type: 'boolean' },
  run: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  pre: { type: 'boolean' },
  post: { type: 'boolean' },
  connect: { type: 'boolean' },
  address: { type: 'string', multiple: true },
  'zimbra-smtp-port': { type: 'string' },
  'dns-server': { type: 'string' },
  timeout: { type: 'string' },
  ca: { type: 'string' },
  gaa: { type: 'string' },
  gd: { type: 'string' },
  gacf: { type: 'string' },
  gs: { type: 'string' },
  gadl: { type: 'string' },
  // Recipient inventories (src/inventory, src/cli/inventory.ts)
  'peer-recipients': { type: 'string', multiple: true },
  'peer-recipients-format': { type: 'string' },
  'peer-ldap-url': { type: 'string' },
  'peer-ldap-bind-dn': { type: 'string' },
  'peer-ldap-password-file': { type: 'string' },
  'peer-ldap-base': { type: 'string' },
  'peer-ldap-filter': { type: 'string' },
  'peer-ldap-starttls': { type: 'boolean' },
  'peer-ldap-ca': { type: 'string' },
  'placeholders-in-gal': { type: 'boolean' },
  'placeholder-host': { type: 'string', multiple: true },
} as const;

export type Flags = ReturnType<typeof parseFlags>['values'];

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const m = /'(--?[\w-]+)'/.exec((e as Error).message);
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''), m?.[1]);
  }
}

/** Largest input file read (an address list of ~1M lines); devices, FIFOs and directories are refused. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Largest saved plan (--plan): what `zsplit plan --format json` writes for about 650,000
 * accounts at 1.6 KB each. It is read a run of steps at a time (never one string), and its steps
 * take some 2.5 times the file in memory.
 */
export const MAX_PLAN_BYTES = 1024 * 1024 * 1024;

/**
 * Largest recipient source the wizard reads: an Exchange export of a 300,000-recipient
 * organisation, each row with its proxy addresses (~300 bytes), is about 90 MB.
 */
export const MAX_SOURCE_BYTES = 256 * 1024 * 1024;

/**
 * Opens an input file the operator named and hands its descriptor to `read`: a regular file only
 * (a FIFO or device is refused, never waited on), of at most `maxBytes`.
 */
export function withInputFile<T>(path: string, flag: string, maxBytes: number, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, flag);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${flag}: ${path} is ${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file'}: give a regular file`, flag);
    if (st.size > maxBytes) throw new UsageError(`${flag}: ${path} is ${st.size} bytes, more than the ${maxBytes} allowed`, flag);
    return read(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Reads an input file the operator named: a regular file only, within MAX_INPUT_BYTES. */
export function readInputFile(path: string, flag: string, maxBytes = MAX_INPUT_BYTES): string {
  return withInputFile(path, flag, maxBytes, (fd, size) => {
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  });
}

/**
 * Peer accounts read from recipient sources (--peer-recipients, --peer-ldap-url): loaded
 * before the command runs (an LDAP read is asynchronous; src/cli/inventory.ts), by the flags
 * that name the sources, so copies of the flags find them too.
 */
const loadedRecipients = new Map<string, string[]>();

export function recipientSourceKey(f: Flags): string | undefined {
  if (!f['peer-recipients']?.length && !f['peer-ldap-url']) return undefined;
  return JSON.stringify([f['peer-recipients'], f['peer-recipients-format'], f['peer-ldap-url'], f['peer-ldap-base'], f['peer-ldap-filter'], f['peer-accounts'], f.domain]);
}

export function setLoadedRecipients(f: Flags, lines: string[]): void {
  loadedRecipients.set(recipientSourceKey(f)!, lines);
}

function readText(path: string, flag: string): string {
  return readInputFile(path, flag);
}

/** What --config may hold, and the type of each key. */
const CONFIG_KEYS: Record<keyof RawAnswers, 'string' | 'strings' | 'boolean' | 'port'> = {
  domain: 'strings',
  role: 'string',
  zimbraHost: 'strings',
  mailboxHost: 'string',
  zimbraVersion: 'string',
  peerKind: 'string',
  peerHost: 'string',
  peerPort: 'port',
  peerAddressClass: 'string',
  peerTransport: 'string',
  peerIp: 'strings',
  peerAccounts: 'strings',
  users: 'strings',
  direction: 'string',
  wave: 'string',
  allowWideNetwork: 'boolean',
  force: 'boolean',
};

/**
 * --config keys that name recipient sources, and the flag each stands for: they are read before
 * the answers, as the flags are (withConfigSources). Paths are relative to the config file.
 */
const CONFIG_SOURCE_KEYS = {
  peerRecipients: { flag: 'peer-recipients', type: 'paths' },
  peerRecipientsFormat: { flag: 'peer-recipients-format', type: 'string' },
  peerLdapUrl: { flag: 'peer-ldap-url', type: 'string' },
  peerLdapBindDn: { flag: 'peer-ldap-bind-dn', type: 'string' },
  peerLdapPasswordFile: { flag: 'peer-ldap-password-file', type: 'path' },
  peerLdapBase: { flag: 'peer-ldap-base', type: 'string' },
  peerLdapFilter: { flag: 'peer-ldap-filter', type: 'string' },
  peerLdapStarttls: { flag: 'peer-ldap-starttls', type: 'boolean' },
  peerLdapCa: { flag: 'peer-ldap-ca', type: 'path' },
} as const satisfies Record<string, { flag: keyof typeof OPTIONS; type: 'string' | 'path' | 'paths' | 'boolean' }>;

type ConfigType = 'string' | 'strings' | 'boolean' | 'port';

function configType(k: string): ConfigType | undefined {
  const src = (CONFIG_SOURCE_KEYS as Record<string, { type: string }>)[k];
  if (src) return src.type === 'paths' ? 'strings' : src.type === 'path' ? 'string' : (src.type as ConfigType);
  return CONFIG_KEYS[k as keyof RawAnswers];
}

/** A key that would hold a password (the config is a file of answers, copied and shown around). */
const PASSWORD_KEY = /passw|secret|pwd|credential/i;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** Every key known and of its type: `"allowWideNetwork": "false"` must not count as true. */
export function checkConfig(base: Record<string, unknown>, file: string): void {
  const known = [...Object.keys(CONFIG_KEYS), ...Object.keys(CONFIG_SOURCE_KEYS)];
  for (const [k, v] of Object.entries(base)) {
    const type = configType(k);
    if (!type && PASSWORD_KEY.test(k))
      throw new UsageError(
        /env$/i.test(k)
          ? `--config: ${file}: "${k}": the bind password is read from the environment variable ZSPLIT_PEER_LDAP_PASSWORD only; or give peerLdapPasswordFile`
          : `--config: ${file}: "${k}": a password is never read from --config; give peerLdapPasswordFile (a file holding it) or set ZSPLIT_PEER_LDAP_PASSWORD`,
        '--config',
      );
    if (!type) {
      const near = known.map((x) => [x, editDistance(k, x)] as const).sort((a, b) => a[1] - b[1])[0];
      throw new UsageError(`--config: ${file}: unknown key "${k}"${near && near[1] <= Math.max(2, Math.floor(k.length / 3)) ? `; did you mean "${near[0]}"?` : ''} (known: ${known.join(', ')})`, '--config');
    }
    if (v === null || v === undefined) continue;
    const ok =
      type === 'boolean'
        ? typeof v === 'boolean'
        : type === 'string'
          ? typeof v === 'string'
          : type === 'port'
            ? typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))
            : typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok)
      throw new UsageError(
        `--config: ${file}: "${k}" must be ${type === 'boolean' ? 'true or false (JSON booleans, not strings)' : type === 'string' ? 'a string' : type === 'port' ? 'a port number' : 'a string or a list of strings'}, not ${JSON.stringify(v)}`,
        '--config',
      );
  }
}

/** The --config file's object, every key checked. */
function readConfig(file: string): Record<string, unknown> {
  let base: unknown;
  try {
    base = JSON.parse(readText(file, '--config'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--config: ${file} is not valid JSON: ${(e as Error).message}`, '--config');
  }
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UsageError('--config: expected a JSON object', '--config');
  checkConfig(base as Record<string, unknown>, file);
  return base as Record<string, unknown>;
}

/**
 * Flags with the recipient sources of --config added where no flag names them (a flag wins:
 * --peer-recipients replaces the config's peerRecipients, it does not add to them).
 */
export function withConfigSources(f: Flags): Flags {
  if (!f.config) return f;
  const base = readConfig(f.config);
  const dir = dirname(resolve(f.config));
  const out: Record<string, unknown> = { ...f };
  for (const [key, { flag, type }] of Object.entries(CONFIG_SOURCE_KEYS)) {
    const v = base[key];
    if (v === undefined || v === null || out[flag] !== undefined) continue;
    out[flag] = type === 'paths' ? (Array.isArray(v) ? v : [v]).map((p) => resolve(dir, p as string)) : type === 'path' ? resolve(dir, v as string) : v;
  }
  return out as Flags;
}

/** Raw answers from --config (JSON, camelCase) overlaid with flags; `saved` (the wizard's answers of the domain) under both. */
export function rawAnswers(f: Flags, saved: RawAnswers = {}): RawAnswers {
  let base: RawAnswers = saved;
  if (f.config) {
    const answers = Object.entries(readConfig(f.config)).filter(([k, v]) => v !== undefined && !(k in CONFIG_SOURCE_KEYS));
    base = { ...saved, ...Object.fromEntries(answers) };
  }
  const pick = <T>(flag: T | undefined, fallback: T | undefined) => (flag !== undefined ? flag : fallback);
  return {
    domain: pick(f.domain, base.domain),
    role: pick(f.role, base.role),
    zimbraHost: pick(f['zimbra-host'], base.zimbraHost),
    mailboxHost: pick(f['mailbox-host'], base.mailboxHost),
    zimbraVersion: pick(f['zimbra-version'], base.zimbraVersion),
    peerKind: pick(f['peer-kind'], base.peerKind),
    peerHost: pick(f['peer-host'], base.peerHost),
    peerPort: pick(f['peer-port'], base.peerPort),
    peerIp: pick(f['peer-ip'], base.peerIp),
    peerAccounts: recipientLines(f) ?? (f['peer-accounts'] !== undefined ? readText(f['peer-accounts'], '--peer-accounts') : base.peerAccounts),
    users: f.users !== undefined ? readText(f.users, '--users') : base.users,
    direction: pick(f.direction, base.direction),
    wave: pick(f.wave, base.wave),
    allowWideNetwork: pick(f['allow-wide-network'], base.allowWideNetwork),
    force: pick(f.force, base.force),
    peerAddressClass: pick(f['peer-address-class'], base.peerAddressClass),
    peerTransport: pick(f['peer-transport'], base.peerTransport),
  };
}

function recipientLines(f: Flags): string[] | undefined {
  const key = recipientSourceKey(f);
  if (key === undefined) return undefined;
  const lines = loadedRecipients.get(key);
  if (!lines) throw new Error('zsplit: recipient sources were not read before the answers (loadRecipientFlags)');
  return lines;
}
