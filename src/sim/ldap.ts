/**
 * The simulator's LDAP-backed mode: after every save of the state file, the accounts and domains
 * that changed are written into a real LDAP server (slapd) with `ldapmodify`, so that a real
 * Postfix reading Zimbra's own LDAP maps (zimbra.md §4.1) routes by what the simulated zmprov
 * applied. Used by the lab tests (test/lab); off unless ZSPLIT_SIM_LDAP is set.
 *
 * Environment (read by the simulator's executables, bin/sim/*):
 *   ZSPLIT_SIM_LDAP            ldap://127.0.0.1:PORT   (turns the mode on)
 *   ZSPLIT_SIM_LDAP_BIND_DN    the DN ldapmodify binds as (default cn=admin,<base>)
 *   ZSPLIT_SIM_LDAP_PASSWORD   its password
 *   ZSPLIT_SIM_LDAP_BASE       the suffix the entries go under (default o=zsplit-lab)
 *
 * Layout in LDAP: one entry per account and per domain, `zsplitName=account:<address>,<base>`
 * and `zsplitName=domain:<name>,<base>`, of the structural class `zsplitLabEntry` (a small custom
 * schema, LAB_SCHEMA) carrying only the attributes Zimbra's Postfix maps read (ROUTING_ATTRS). The
 * DN layout differs from Zimbra's (ou=people,dc=...), which does not matter: Zimbra's maps search
 * the whole tree by attribute.
 *
 * What was last written is kept next to the state (`<state>.ldap.json`), so each sync sends only
 * the difference: adds, deletes (`zmprov da`), and replaces of the attributes that changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Attrs, SimState } from './state.js';
import { getAttr } from './state.js';

/** The attributes Zimbra's Postfix LDAP maps filter on or return (§4.1), plus the two statuses. */
export const ROUTING_ATTRS = [
  'zimbraMailDeliveryAddress',
  'zimbraMailAlias',
  'zimbraOldMailAddress',
  'zimbraMailCatchAllAddress',
  'zimbraMailCatchAllForwardingAddress',
  'zimbraMailCatchAllCanonicalAddress',
  'zimbraMailCanonicalAddress',
  'zimbraMailForwardingAddress',
  'zimbraPrefMailForwardingAddress',
  'zimbraMailTransport',
  'zimbraMailStatus',
  'zimbraMailHost',
  'zimbraAccountStatus',
  'zimbraDomainName',
  'zimbraDomainType',
] as const;

export const DEFAULT_BASE = 'o=zsplit-lab';
/** RFC 5612's documentation enterprise number: OIDs that can never clash with a real schema. */
const OID = '1.3.6.1.4.1.32473.7';

/** The custom schema (slapd.conf `include` syntax): every attribute multi-valued, case-insensitive. */
export function labSchema(): string {
  const attrs = ['zsplitName', ...ROUTING_ATTRS];
  const lines = attrs.map(
    (a, i) =>
      `attributetype ( ${OID}.1.${i + 1} NAME '${a}'\n  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch\n  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{1024} )`,
  );
  lines.push(`objectclass ( ${OID}.2.1 NAME 'zsplitLabEntry' SUP top STRUCTURAL\n  MUST zsplitName\n  MAY ( ${ROUTING_ATTRS.join(' $ ')} ) )`);
  return `# zsplit lab: the Zimbra attributes Postfix's LDAP maps use (zimbra.md 4.1)\n${lines.join('\n\n')}\n`;
}

export interface LdapMapOptions {
  url: string;
  base?: string;
  /** Lab only: a result_format for ldap-vmm.cf so that virtual(8) gets a Maildir path (`%d/%u/`). */
  vmmResultFormat?: string;
}

/**
 * The ldap-*.cf files zmmtainit writes, with Zimbra's query filters and result attributes
 * (zimbra.md §4.1; the same maps the simulator's `postmap -q` evaluates). Anonymous binds.
 */
export function zimbraLdapMaps(o: LdapMapOptions): Record<string, string> {
  const base = o.base ?? DEFAULT_BASE;
  const head = `server_host = ${o.url}\nsearch_base = ${base}\nscope = sub\nversion = 3\nbind = no\ntimeout = 10\n`;
  const map = (filter: string, result: string, extra = '') => `${head}query_filter = ${filter}\nresult_attribute = ${result}\n${extra}`;
  return {
    'ldap-transport.cf': map('(&(|(zimbraMailDeliveryAddress=%s)(zimbraDomainName=%s))(zimbraMailStatus=enabled))', 'zimbraMailTransport'),
    'ldap-vmm.cf': map(
      '(&(zimbraMailDeliveryAddress=%s)(zimbraMailStatus=enabled))',
      'zimbraMailDeliveryAddress',
      o.vmmResultFormat ? `result_format = ${o.vmmResultFormat}\n` : '',
    ),
    'ldap-vmd.cf': map('(&(zimbraDomainName=%s)(zimbraDomainType=local)(zimbraMailStatus=enabled))', 'zimbraDomainName'),
    'ldap-vad.cf': map('(&(zimbraDomainName=%s)(zimbraDomainType=alias)(zimbraMailStatus=enabled))', 'zimbraDomainName'),
    'ldap-vam.cf': map(
      '(&(|(zimbraMailDeliveryAddress=%s)(zimbraMailAlias=%s)(zimbraOldMailAddress=%s)(zimbraMailCatchAllAddress=%s))(zimbraMailStatus=enabled))',
      'zimbraMailDeliveryAddress,zimbraMailForwardingAddress,zimbraPrefMailForwardingAddress,zimbraMailCatchAllForwardingAddress',
    ),
  };
}

export interface LdapTarget {
  url: string;
  bindDn: string;
  password: string;
  base: string;
}

export function ldapTargetFromEnv(env: NodeJS.ProcessEnv): LdapTarget | undefined {
  const url = env.ZSPLIT_SIM_LDAP;
  if (!url) return undefined;
  const base = env.ZSPLIT_SIM_LDAP_BASE || DEFAULT_BASE;
  return { url, base, bindDn: env.ZSPLIT_SIM_LDAP_BIND_DN || `cn=admin,${base}`, password: env.ZSPLIT_SIM_LDAP_PASSWORD ?? '' };
}

export type LdapEntries = Record<string, Attrs>;

/** The LDAP entries (DN -> routing attributes) the state stands for. */
export function ldapEntries(state: SimState, base = DEFAULT_BASE): LdapEntries {
  const out: LdapEntries = {};
  const put = (kind: 'account' | 'domain', name: string, attrs: Attrs, extra: Attrs) => {
    const e: Attrs = {};
    for (const a of ROUTING_ATTRS) {
      const seen = new Set<string>();
      const vals = (extra[a] ?? getAttr(attrs, a) ?? []).filter((v) => {
        const k = v.toLowerCase();
        if (v === '' || seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      if (vals.length) e[a] = vals;
    }
    out[`zsplitName=${dnValue(`${kind}:${name.toLowerCase()}`)},${base}`] = e;
  };
  for (const [name, attrs] of Object.entries(state.domains)) put('domain', name, attrs, getAttr(attrs, 'zimbraDomainName') ? {} : { zimbraDomainName: [name] });
  for (const [name, attrs] of Object.entries(state.accounts)) put('account', name, attrs, getAttr(attrs, 'zimbraMailDeliveryAddress') ? {} : { zimbraMailDeliveryAddress: [name] });
  return out;
}

/** RFC 4514 escaping of an attribute value inside a DN. */
function dnValue(v: string): string {
  return v.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');
}

/** `attr: value`, or `attr:: base64` when the value is not an LDIF SAFE-STRING. */
function ldifLine(attr: string, value: string): string {
  const safe = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${attr}: ${value}` : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function sameValues(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The LDIF (changetype records) that turns `before` into `after`; '' when nothing changed. */
export function ldifDiff(before: LdapEntries, after: LdapEntries): string {
  const out: string[] = [];
  for (const dn of Object.keys(before)) if (!(dn in after)) out.push(`${ldifLine('dn', dn)}\nchangetype: delete\n`);
  for (const [dn, attrs] of Object.entries(after)) {
    const old = before[dn];
    if (!old) {
      const rdn = dn.slice('zsplitName='.length, dn.search(/(?<!\\),/)).replace(/\\(.)/g, '$1');
      const lines = [ldifLine('dn', dn), 'changetype: add', 'objectClass: zsplitLabEntry', ldifLine('zsplitName', rdn)];
      for (const [a, vals] of Object.entries(attrs)) for (const v of vals) lines.push(ldifLine(a, v));
      out.push(`${lines.join('\n')}\n`);
      continue;
    }
    const mods: string[] = [];
    for (const a of ROUTING_ATTRS) {
      if (sameValues(old[a], attrs[a])) continue;
      mods.push([`replace: ${a}`, ...(attrs[a] ?? []).map((v) => ldifLine(a, v)), '-'].join('\n'));
    }
    if (mods.length) out.push(`${ldifLine('dn', dn)}\nchangetype: modify\n${mods.join('\n')}\n`);
  }
  return out.join('\n');
}

export function snapshotPath(statePath: string): string {
  return `${statePath}.ldap.json`;
}

function readSnapshot(statePath: string): LdapEntries {
  const p = snapshotPath(statePath);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as LdapEntries) : {};
}

export interface SyncResult {
  /** Entries added, modified or deleted. */
  changed: number;
  ldif: string;
}

export class LdapSyncError extends Error {}

/**
 * Writes what changed since the last sync into LDAP with one `ldapmodify`, then records the new
 * snapshot. Throws LdapSyncError (snapshot unchanged) when ldapmodify fails.
 */
export function syncLdap(statePath: string, state: SimState, target: LdapTarget, timeoutMs = 10_000): SyncResult {
  const before = readSnapshot(statePath);
  const after = ldapEntries(state, target.base);
  const ldif = ldifDiff(before, after);
  if (ldif === '') return { changed: 0, ldif };
  const r = spawnSync('ldapmodify', ['-x', '-H', target.url, '-D', target.bindDn, '-w', target.password], { input: ldif, encoding: 'utf8', timeout: timeoutMs });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || r.stdout).trim()}`;
    throw new LdapSyncError(`ldapmodify on ${target.url} failed (${why})`);
  }
  const tmp = `${snapshotPath(statePath)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(after));
  renameSync(tmp, snapshotPath(statePath));
  return { changed: (ldif.match(/^dn::? /gm) ?? []).length, ldif };
}

/**
 * The simulator's hook, called after the state was saved: syncs when ZSPLIT_SIM_LDAP is set.
 * Returns the exit code to report: 0, or 1 after writing why the sync failed.
 */
export function syncLdapFromEnv(statePath: string, state: SimState, env: NodeJS.ProcessEnv, err: (text: string) => void): number {
  const target = ldapTargetFromEnv(env);
  if (!target) return 0;
  try {
    syncLdap(statePath, state, target);
    return 0;
  } catch (e) {
    err(`zsplit simulator: LDAP sync: ${(e as Error).message}\n`);
    return 1;
  }
}
