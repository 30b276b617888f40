/**
 * The ldap-*.cf files Zimbra's zmmtainit writes, read out of its heredocs (the reference copy in
 * ../shared/reference/zimbra-source/zmmtainit), so the lab's Postfix asks slapd exactly what
 * Zimbra's Postfix asks, not a retyping of it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ZMMTAINIT = fileURLToPath(new URL('../../../shared/reference/zimbra-source/zmmtainit', import.meta.url));

/** The map files the split domain depends on. */
export const SPLIT_MAPS = ['ldap-transport.cf', 'ldap-vam.cf', 'ldap-vad.cf', 'ldap-vmd.cf', 'ldap-vmm.cf', 'ldap-canonical.cf', 'ldap-splitdomain.cf'] as const;

/** What a map asks and returns: the lines that carry Zimbra's logic (the rest is connection detail). */
const QUERY_KEYS = ['query_filter', 'result_attribute', 'result_format', 'result_filter', 'special_result_attribute'];

/** file name -> its `key = value` lines, in order, as zmmtainit writes them. */
export function zmmtainitMaps(file = ZMMTAINIT): Map<string, [string, string][]> {
  const text = readFileSync(file, 'utf8');
  const out = new Map<string, [string, string][]>();
  for (const m of text.matchAll(/^cat\s*<<\s*EOF\s*>\s*\$\{confdir\}\/(ldap-[a-z]+\.cf)\n([\s\S]*?)^EOF$/gm)) {
    const lines: [string, string][] = [];
    for (const line of m[2].split('\n')) {
      const kv = /^([a-z_]+)\s*=\s?(.*)$/.exec(line);
      if (kv) lines.push([kv[1], kv[2].trimEnd()]);
    }
    out.set(m[1], lines);
  }
  return out;
}

/** Zimbra's query lines of one map. */
export function zimbraQuery(name: string, maps = zmmtainitMaps()): Record<string, string> {
  const lines = maps.get(name);
  if (!lines) throw new Error(`${name} is not written by zmmtainit`);
  return Object.fromEntries(lines.filter(([k]) => QUERY_KEYS.includes(k)));
}

/**
 * The lab's copy of a map: Zimbra's query lines unchanged, the connection pointed at the lab's
 * slapd (anonymous, no TLS, the lab's base), plus `extra` lines the lab needs (said where used).
 */
export function labMap(name: string, o: { url: string; base: string }, extra: Record<string, string> = {}, maps = zmmtainitMaps()): string {
  const q = { ...zimbraQuery(name, maps), ...extra };
  const conn = { server_host: o.url, search_base: o.base, scope: 'sub', version: '3', bind: 'no', timeout: '10' };
  return [...Object.entries(conn), ...Object.entries(q)].map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
}

export const RECIPIENT_RESTRICTIONS = fileURLToPath(new URL('../../../shared/reference/zimbra-source/smtpd_recipient_restrictions.cf', import.meta.url));

/**
 * smtpd_recipient_restrictions as zmconfigd renders Zimbra's template (zm-mta
 * smtpd_recipient_restrictions.cf) for the given zimbraMtaRestriction values: `%%contains VAR:x v%%`
 * gives v when a value contains it, `%%exact VAR:x v%%` when a value is v; the lines that depend on
 * other attributes (cbpolicyd, RBL lists) are left out. Zimbra's /opt/zimbra/conf/ becomes `conf`.
 */
export function renderRecipientRestrictions(values: string[], conf: string, file = RECIPIENT_RESTRICTIONS): string {
  const out: string[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^%%(contains|exact) VAR:zimbraMtaRestriction (.+)%%$/.exec(line);
    if (m) {
      if (m[1] === 'contains' ? values.some((v) => v.includes(m[2])) : values.includes(m[2])) out.push(m[2]);
      continue;
    }
    if (line.startsWith('%%')) continue;
    out.push(line);
  }
  return out.map((r) => r.replaceAll('/opt/zimbra/conf/', `${conf}/`)).join(', ');
}
