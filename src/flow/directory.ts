/**
 * The Zimbra directory as the mail-flow model (and the simulator) sees it: the LDAP entries whose
 * attributes Zimbra's Postfix reads through its LDAP maps (zimbra.md §4.1). Pure, no I/O.
 *
 * Attribute names are in their canonical attrs.xml spelling (`zimbraMailTransport`), which is what
 * zmprov stores whatever case it was typed in. Addresses (account keys, aliases) are lower-case;
 * the model lower-cases aliases and catch-all keys again, to be safe.
 */

export type Attrs = Record<string, string[]>;

export interface ZimbraDirectory {
  /** Global config (`gacf`). */
  config: Attrs;
  /** Server entries by host name (`gs -e`); a server value overrides the global one for MTA attributes. */
  servers: Record<string, Attrs>;
  /** Domain entries by domain name. */
  domains: Record<string, Attrs>;
  /** Accounts by primary address (lower-case); aliases are in `zimbraMailAlias`. */
  accounts: Record<string, Attrs>;
  /** Distribution lists by address (`gadl -v`), when read: ldap-vam.cf expands them to their members. */
  lists?: Record<string, Attrs>;
}

export function emptyDirectory(): ZimbraDirectory {
  return { config: {}, servers: {}, domains: {}, accounts: {} };
}

/** First value of an attribute, or undefined when absent or empty. */
export function firstValue(attrs: Attrs | undefined, attr: string): string | undefined {
  const v = attrs?.[attr];
  if (!v || v.length === 0) return undefined;
  const s = v[0];
  return s === '' ? undefined : s;
}

/** All non-empty values of an attribute. */
export function allValues(attrs: Attrs | undefined, attr: string): string[] {
  const v = attrs?.[attr];
  if (!v || v.length === 0) return [];
  return v.length === 1 ? (v[0] === '' ? [] : v) : v.filter((x) => x !== '');
}

/** `user@example.com` -> `example.com` (lower-case). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/** `user@example.com` -> `user`. */
export function localPartOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

export type AccountStatus = 'active' | 'maintenance' | 'locked' | 'closed' | 'lockout' | 'pending';

/** `zimbraAccountStatus` (required in LDAP; `active` when the state does not say). */
export function accountStatus(attrs: Attrs): string {
  return (firstValue(attrs, 'zimbraAccountStatus') ?? 'active').toLowerCase();
}

/**
 * Whether Postfix sees the account at all. Every Zimbra LDAP map filters on
 * `zimbraMailStatus=enabled` (§4.1). The AccountStatus callback forces `disabled` for `closed`
 * and `pending`, so those two statuses are disabled whatever the stored value says; otherwise
 * the stored value counts, and `enabled` is what Zimbra writes when none is given.
 */
export function accountMailEnabled(attrs: Attrs): boolean {
  const status = accountStatus(attrs);
  if (status === 'closed' || status === 'pending') return false;
  return (firstValue(attrs, 'zimbraMailStatus') ?? 'enabled').toLowerCase() === 'enabled';
}

/** Domains are created with `zimbraMailStatus enabled`. */
export function domainMailEnabled(attrs: Attrs): boolean {
  return (firstValue(attrs, 'zimbraMailStatus') ?? 'enabled').toLowerCase() === 'enabled';
}

/** An MTA attribute read the way zmconfigd does: the server value wins over the global one. */
export function mtaValues(dir: ZimbraDirectory, server: string | undefined, attr: string): string[] {
  if (server) {
    const s = dir.servers[server];
    if (s && s[attr] !== undefined) return allValues(s, attr);
  }
  return allValues(dir.config, attr);
}
