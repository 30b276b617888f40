/**
 * The simulated Zimbra's directory: global config, servers, domains, accounts, each a bag of
 * LDAP-style multi-valued attributes. JSON-serialisable and serialised deterministically, so
 * that a change followed by its exact inverse leaves the state file byte-identical. Anything
 * that only accumulates (invocations, reloads, orphaned mailboxes) goes to the sidecar log.
 */
import { crypto } from '../model/crypto.js';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isModernMta, lmtpTransport } from '../zimbra/attrs.js';
import { compareVersions } from './schema.js';

export type Attrs = Record<string, string[]>;

export interface SimState {
  /** e.g. "10.1.0", "8.8.15", "8.6.0" */
  version: string;
  /** The local server's name (what `zmhostname` prints). */
  hostname: string;
  /** Global config (`gacf`). */
  config: Attrs;
  /** Server name → attributes. */
  servers: Record<string, Attrs>;
  /** Domain name → attributes. */
  domains: Record<string, Attrs>;
  /** Primary address → attributes; aliases live in the account's zimbraMailAlias. */
  accounts: Record<string, Attrs>;
  /**
   * Distribution lists: primary address → attributes (zimbraMailAlias holds the primary and the
   * aliases, zimbraMailForwardingAddress the members). Absent from a state file that has none.
   */
  lists?: Record<string, Attrs>;
}

export interface DefaultStateOptions {
  version?: string;
  hostname?: string;
  domain?: string;
  /** The server's own address, appended to its zimbraMtaMyNetworks as /32. */
  ip?: string;
}

/** A stable UUID derived from a name (v5-style), so the default state is the same on every run. */
export function stableUuid(seed: string): string {
  const h = crypto().createHash('sha1').update(`zsplit-sim:${seed}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function newUuid(): string {
  return crypto().randomUUID();
}

/** LDAP generalized time as Zimbra writes it: yyyyMMddHHmmssZ (UTC). */
export function generalizedTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

export function domainDn(domain: string): string {
  return domain
    .split('.')
    .map((p) => `dc=${p}`)
    .join(',');
}

/** The services a single-server install enables (and installs). */
export const SINGLE_SERVER_SERVICES = [
  'amavis',
  'antispam',
  'antivirus',
  'dnscache',
  'ldap',
  'logger',
  'mailbox',
  'memcached',
  'mta',
  'opendkim',
  'proxy',
  'service',
  'snmp',
  'spell',
  'stats',
  'zimbra',
  'zimbraAdmin',
  'zimlet',
];

const INSTALL_TIME = '20240101120000Z';

function accountEntry(address: string, displayName: string, host: string, extra: Attrs = {}): Attrs {
  const local = address.split('@')[0];
  return {
    cn: [displayName],
    displayName: [displayName],
    mail: [address],
    objectClass: ['inetOrgPerson', 'zimbraAccount', 'amavisAccount'],
    sn: [displayName.split(' ').slice(-1)[0]],
    uid: [local],
    zimbraAccountStatus: ['active'],
    zimbraCreateTimestamp: [INSTALL_TIME],
    zimbraId: [stableUuid(`account:${address}`)],
    zimbraMailDeliveryAddress: [address],
    zimbraMailHost: [host],
    zimbraMailStatus: ['enabled'],
    zimbraMailTransport: [lmtpTransport(host)],
    zimbraPasswordModifiedTime: [INSTALL_TIME],
    ...extra,
  };
}

/**
 * A realistic single-server install: one server that runs everything, mynetworks written at
 * SERVER level (as zmsetup.pl does), global MTA defaults that depend on the version, one
 * domain and three accounts.
 */
export function defaultState(opts: DefaultStateOptions = {}): SimState {
  const version = opts.version ?? '10.1.0';
  const host = opts.hostname ?? 'zimbra.example.com';
  const domain = opts.domain ?? 'example.com';
  const ip = opts.ip ?? '10.0.0.10';
  const modern = isModernMta(version);

  const config: Attrs = {
    cn: ['config'],
    objectClass: ['zimbraGlobalConfig'],
    zimbraDefaultDomainName: [domain],
    zimbraGalMaxResults: ['100'],
    zimbraLmtpBindPort: ['7025'],
    zimbraMtaHopcountLimit: ['50'],
    zimbraMtaMyNetworks: ['127.0.0.0/8 [::1]/128'],
    zimbraMtaRestriction: ['reject_invalid_helo_hostname', 'reject_non_fqdn_sender'],
  };
  if (compareVersions(version, '8.5.0') >= 0) config.zimbraMtaUnverifiedRecipientDeferCode = ['250'];
  if (modern) config.zimbraMtaSmtpDnsSupportLevel = ['enabled'];
  else config.zimbraMtaDnsLookupsEnabled = ['TRUE'];

  // dnscache arrived with 8.7.
  const services = SINGLE_SERVER_SERVICES.filter((s) => modern || s !== 'dnscache');
  const server: Attrs = {
    cn: [host],
    objectClass: ['zimbraServer'],
    zimbraId: [stableUuid(`server:${host}`)],
    zimbraMtaMyNetworks: [`127.0.0.0/8 [::1]/128 ${ip}/32`],
    zimbraServiceEnabled: [...services],
    zimbraServiceHostname: [host],
    zimbraServiceInstalled: [...services],
    zimbraSmtpHostname: [host],
  };

  const label = domain.split('.')[0];
  const dom: Attrs = {
    dc: [label],
    o: [`${domain} domain`],
    objectClass: ['dcObject', 'organization', 'zimbraDomain', 'amavisAccount'],
    zimbraCreateTimestamp: [INSTALL_TIME],
    zimbraDomainName: [domain],
    zimbraDomainStatus: ['active'],
    zimbraDomainType: ['local'],
    zimbraId: [stableUuid(`domain:${domain}`)],
    zimbraMailStatus: ['enabled'],
  };

  const admin = `admin@${domain}`;
  return {
    version,
    hostname: host,
    config,
    servers: { [host]: server },
    domains: { [domain]: dom },
    accounts: {
      [admin]: accountEntry(admin, 'Admin', host, { zimbraIsAdminAccount: ['TRUE'] }),
      [`alice@${domain}`]: accountEntry(`alice@${domain}`, 'Alice Archer', host),
      [`bob@${domain}`]: accountEntry(`bob@${domain}`, 'Bob Baker', host),
    },
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * Sorted keys at every level, 2-space indent, trailing newline, so a change and its exact
 * inverse give back the same bytes. Value order is kept (it matters to Postfix).
 */
export function serializeState(state: SimState): string {
  // No lists: no key, so a list created and deleted again leaves the file as it was.
  const { lists, ...rest } = state;
  const shown = lists && Object.keys(lists).length > 0 ? { ...rest, lists } : rest;
  return `${JSON.stringify(sortKeys(shown), null, 2)}\n`;
}

export function parseState(text: string): SimState {
  const raw = JSON.parse(text) as Partial<SimState>;
  if (typeof raw.version !== 'string' || typeof raw.hostname !== 'string') {
    throw new Error('not a zsplit simulator state (version/hostname missing)');
  }
  return {
    version: raw.version,
    hostname: raw.hostname,
    config: raw.config ?? {},
    servers: raw.servers ?? {},
    domains: raw.domains ?? {},
    accounts: raw.accounts ?? {},
    ...(raw.lists ? { lists: raw.lists } : {}),
  };
}

/** The state file, with the changes of a process that ended without its final save (its write-ahead log) replayed. */
export function loadState(path: string): SimState {
  const state = parseState(readFileSync(path, 'utf8'));
  const wal = walPath(path);
  if (existsSync(wal)) replayWal(state, readFileSync(wal, 'utf8'));
  return state;
}

// ---------------------------------------------------------------------------------------------
// Write-ahead log: `<statePath>.wal`. Rewriting the whole (sorted, indented) state after every
// command costs O(accounts) per command, which made a 5,000-account batch take many minutes of
// pure simulator time. Each mutating command instead appends the entries it replaced or removed
// (one JSON line, one write); the process's last save rewrites the state file and removes the
// log. A process killed mid-batch leaves its completed lines in the log, and every loadState
// replays it, so what a real LDAP server would have kept is kept.

/** A top-level entry of the state that a command replaced or removed (entries are copy-on-write). */
export type Touched = { coll: 'accounts' | 'domains' | 'servers' | 'lists'; name: string } | { coll: 'config' };

type WalRecord = [coll: 'accounts' | 'domains' | 'servers' | 'lists', name: string, attrs: Attrs | null] | [coll: 'config', name: '', attrs: Attrs];

export function walPath(statePath: string): string {
  return `${statePath}.wal`;
}

/** Appends the current value (or absence) of each touched entry, in one write. */
export function appendWal(statePath: string, state: SimState, touched: Touched[]): void {
  if (touched.length === 0) return;
  const recs: WalRecord[] = touched.map((t) => (t.coll === 'config' ? ['config', '', state.config] : [t.coll, t.name, state[t.coll]?.[t.name] ?? null]));
  appendFileSync(walPath(statePath), `${JSON.stringify(recs)}\n`);
}

function replayWal(state: SimState, text: string): void {
  for (const line of text.split('\n')) {
    if (!line) continue;
    let recs: WalRecord[];
    try {
      recs = JSON.parse(line) as WalRecord[];
    } catch {
      continue; // a line cut short by a kill: that command's write never completed
    }
    for (const [coll, name, attrs] of recs) {
      if (coll === 'config') state.config = attrs as Attrs;
      else if (attrs === null) delete state[coll]?.[name];
      else (state[coll] ??= {})[name] = attrs;
    }
  }
}

export interface SaveOptions {
  /**
   * fsync the temp file before the rename (default). The rename alone already makes the save
   * atomic for readers and for a killed process; fsync adds durability across a power loss,
   * at a cost that dominates a 1000-line batch, so per-command saves skip it and the last
   * save of a run does it.
   */
  fsync?: boolean;
}

/** Atomic: write a temp file next to the target, fsync it, rename over the target. */
export function saveState(path: string, state: SimState, opts: SaveOptions = {}): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, serializeState(state));
    if (opts.fsync !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // rename(2) is atomic: a reader, or a process killed at any point, sees the old or the new file.
  renameSync(tmp, path);
  // The state file now holds everything the log held (replaying it again would be harmless).
  rmSync(walPath(path), { force: true });
}

export function cloneState(state: SimState): SimState {
  return parseState(serializeState(state));
}

// ---------------------------------------------------------------------------------------------
// Sidecar log: `<statePath>.log`, one JSON record per line. Never part of the state file.

export type SimLogRecord =
  /** One per process start (what a JVM start costs on a real server). */
  | { type: 'start'; tool: string; argv: string[]; mode: string; time: string; pid?: number }
  /** zmmtactl reload/restart: main.cf rewritten from LDAP and Postfix reloaded. */
  | { type: 'reload'; tool: string; action: string; rewrite: boolean; time: string }
  /** `zmprov -l da`: the LDAP entry is gone, the mailbox and blobs are left behind. */
  | { type: 'orphaned-mailbox'; account: string; id: string; mailHost?: string; time: string }
  /** `zmprov fc`: a cache flush on mailboxd. */
  | { type: 'flush'; cacheType: string; entries: string[]; allServers: boolean; time: string }
  /** A failure injection fired (lets `once` work across processes). */
  | { type: 'inject'; match: string; line: string; time: string }
  /** A zmprov command read entries from LDAP (`ga`/`gdl`: one, `gaa`/`gadl`: every account or list of its search). */
  | { type: 'read'; command: string; accounts: number };

export function sidecarPath(statePath: string): string {
  return `${statePath}.log`;
}

export function appendSidecar(statePath: string, record: SimLogRecord): void {
  mkdirSync(dirname(statePath), { recursive: true });
  appendFileSync(sidecarPath(statePath), `${JSON.stringify(record)}\n`);
}

export function readSidecar(statePath: string): SimLogRecord[] {
  const p = sidecarPath(statePath);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SimLogRecord);
}

// ---------------------------------------------------------------------------------------------
// Lookups shared by zmprov and the MTA tools.

export function getAttr(attrs: Attrs | undefined, name: string): string[] | undefined {
  if (!attrs) return undefined;
  if (attrs[name]) return attrs[name];
  const lower = name.toLowerCase();
  const key = Object.keys(attrs).find((k) => k.toLowerCase() === lower);
  return key ? attrs[key] : undefined;
}

export function first(attrs: Attrs | undefined, name: string): string | undefined {
  return getAttr(attrs, name)?.[0];
}

/** The value a server actually uses: its own, else the global config's (serverInherited). */
export function effectiveServerAttr(state: SimState, server: string | undefined, name: string): string[] {
  const own = server ? getAttr(state.servers[server], name) : undefined;
  if (own && own.length > 0) return own;
  return getAttr(state.config, name) ?? [];
}
