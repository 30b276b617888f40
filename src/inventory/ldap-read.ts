/**
 * Reads recipients live from Active Directory or another LDAP directory with ldapts: a thin
 * reader; the mapping is src/inventory/ldap.ts. The password comes from the caller (a file or an
 * environment variable) and goes nowhere but the bind.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { DEFAULT_LDAP_FILTER, LDAP_ATTRIBUTES, type LdapEntry } from './ldap.js';

export interface LdapSource {
  url: string;
  bindDn?: string;
  password?: string;
  base: string;
  filter?: string;
  /** ldap:// upgraded with StartTLS before the bind. */
  startTls?: boolean;
  /** PEM of the CA that signed the directory's certificate (else the system's CAs). */
  ca?: string;
  timeoutMs?: number;
}

const LOOPBACK = /^ldaps?:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?\/?$/i;

/** Why the source cannot be used as given (checked before connecting), or undefined. */
export function ldapSourceError(s: LdapSource): string | undefined {
  if (!/^ldaps?:\/\/[^/\s]+\/?$/i.test(s.url)) return `"${s.url}" is not an LDAP URL (ldaps://dc.example.com or ldap://dc.example.com:389)`;
  if (s.startTls && /^ldaps:/i.test(s.url)) return 'StartTLS is for ldap:// URLs; ldaps:// is encrypted already';
  if (!s.base.trim()) return 'needs --peer-ldap-base (e.g. DC=example,DC=com)';
  if (s.password !== undefined && /^ldap:/i.test(s.url) && !s.startTls && !LOOPBACK.test(s.url))
    return 'would send the bind password unencrypted: use ldaps:// or --peer-ldap-starttls';
  return undefined;
}

/** Every entry the filter finds under the base, paged (AD returns at most 1000 per page). */
export async function readLdapEntries(s: LdapSource): Promise<LdapEntry[]> {
  const problem = ldapSourceError(s);
  if (problem) throw new Error(problem);
  // Certificate checking stays on (rejectUnauthorized defaults to true in Node); a CA may be added.
  const tlsOptions: ConnectionOptions = s.ca ? { ca: s.ca } : {};
  // ldapts connects with TLS from the start when given any tlsOptions: for ldap:// they go to startTLS only.
  const ldaps = /^ldaps:/i.test(s.url);
  // A library only this read needs: the one-file build keeps it in a file of its own (scripts/build-options.mjs).
  const { Client } = await import('ldapts');
  const client = new Client({ url: s.url.replace(/\/$/, ''), ...(ldaps ? { tlsOptions } : {}), timeout: s.timeoutMs ?? 30_000, connectTimeout: s.timeoutMs ?? 10_000 });
  try {
    // The upgraded socket checks the certificate against the URL's host (else Node checks "localhost").
    if (s.startTls) {
      const host = new URL(s.url).hostname.replace(/^\[|\]$/g, '');
      await client.startTLS({ ...tlsOptions, host, ...(isIP(host) ? {} : { servername: host }) });
    }
    if (s.bindDn) await client.bind(s.bindDn, s.password ?? '');
    const { searchEntries } = await client.search(s.base, { scope: 'sub', filter: s.filter ?? DEFAULT_LDAP_FILTER, attributes: LDAP_ATTRIBUTES, paged: { pageSize: 500 } });
    return searchEntries as LdapEntry[];
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
