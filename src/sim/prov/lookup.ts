/** Finding accounts (by id, name or alias, through an index), domains and servers; addresses and DNs. */
import { lmtpTransport } from '../../zimbra/attrs.js';
import { ServiceError } from '../errors.js';
import { isUuid } from '../schema.js';
import { domainDn, effectiveServerAttr, first, getAttr, type Attrs } from '../state.js';
import { ProvBase } from './base.js';

export interface AccountRef {
  name: string;
  attrs: Attrs;
}

export function splitAddress(addr: string): [string, string] {
  const at = addr.lastIndexOf('@');
  return [addr.slice(0, at), addr.slice(at + 1)];
}

export function accountDn(addr: string): string {
  const [local, domain] = splitAddress(addr);
  return `uid=${local},ou=people,${domainDn(domain)}`;
}

export abstract class ProvLookup extends ProvBase {
  protected index: { byName: Map<string, string>; byAlias: Map<string, string>; aliases: Map<string, string[]> } | undefined;

  // ----- lookups ---------------------------------------------------------------------------

  protected defaultDomain(): string | undefined {
    return first(this.state.config, 'zimbraDefaultDomainName');
  }

  /** prov.getAccount(key): by id, by primary name or by alias; a bare name gets the default domain. */
  protected findAccount(key: string): AccountRef | undefined {
    const accounts = this.state.accounts;
    if (isUuid(key)) {
      const lower = key.toLowerCase();
      for (const [name, attrs] of Object.entries(accounts)) {
        if (first(attrs, 'zimbraId')?.toLowerCase() === lower) return { name, attrs };
      }
      return undefined;
    }
    let addr = key.toLowerCase().trim();
    if (!addr.includes('@')) {
      const d = this.defaultDomain();
      if (!d) return undefined;
      addr = `${addr}@${d}`;
    }
    const ix = this.accountIndex();
    const name = ix.byName.get(addr) ?? ix.byAlias.get(addr);
    return name !== undefined && accounts[name] ? { name, attrs: accounts[name] } : undefined;
  }

  /**
   * Account names and aliases by lower-case address (LDAP has indexes; a linear scan per lookup
   * made a 5,000-account batch quadratic). Built on first use, kept up to date by touch().
   * The first account (in state order) holding an address wins, as the scans did.
   */
  protected accountIndex(): { byName: Map<string, string>; byAlias: Map<string, string>; aliases: Map<string, string[]> } {
    if (!this.index) {
      const ix = { byName: new Map<string, string>(), byAlias: new Map<string, string>(), aliases: new Map<string, string[]>() };
      for (const [name, attrs] of Object.entries(this.state.accounts)) this.indexAccount(ix, name, attrs);
      this.index = ix;
    }
    return this.index;
  }

  protected indexAccount(ix: NonNullable<ProvLookup['index']>, name: string, attrs: Attrs): void {
    if (!ix.byName.has(name.toLowerCase())) ix.byName.set(name.toLowerCase(), name);
    const aliases = (getAttr(attrs, 'zimbraMailAlias') ?? []).map((a) => a.toLowerCase());
    ix.aliases.set(name, aliases);
    for (const a of aliases) if (!ix.byAlias.has(a)) ix.byAlias.set(a, name);
  }

  /** After a command replaced or removed an account entry. */
  protected reindex(name: string): void {
    const ix = this.index;
    if (!ix) return;
    if (ix.byName.get(name.toLowerCase()) === name) ix.byName.delete(name.toLowerCase());
    for (const a of ix.aliases.get(name) ?? []) if (ix.byAlias.get(a) === name) ix.byAlias.delete(a);
    ix.aliases.delete(name);
    const attrs = this.state.accounts[name];
    if (attrs) this.indexAccount(ix, name, attrs);
  }

  protected lookupAccount(key: string): AccountRef {
    const a = this.findAccount(key);
    if (!a) throw ServiceError.noSuchAccount(key);
    return a;
  }

  /** A domain or server by name or zimbraId, as zmprov accepts either. */
  protected findNamed(table: Record<string, Attrs>, key: string): [string, Attrs] | undefined {
    const byId = isUuid(key);
    const k = key.toLowerCase();
    for (const [name, attrs] of Object.entries(table)) {
      if (byId ? first(attrs, 'zimbraId')?.toLowerCase() === k : name.toLowerCase() === k) return [name, attrs];
    }
    return undefined;
  }

  protected findDomain(key: string): [string, Attrs] | undefined {
    return this.findNamed(this.state.domains, key);
  }

  protected lookupDomain(key: string): [string, Attrs] {
    const d = this.findDomain(key);
    if (!d) throw ServiceError.noSuchDomain(key);
    return d;
  }

  protected findServer(key: string): [string, Attrs] | undefined {
    return this.findNamed(this.state.servers, key);
  }

  protected lookupServer(key: string): [string, Attrs] {
    const s = this.findServer(key);
    if (!s) throw ServiceError.noSuchServer(key);
    return s;
  }

  protected serverByServiceHostname(host: string): [string, Attrs] | undefined {
    for (const [name, attrs] of Object.entries(this.state.servers)) {
      if ((first(attrs, 'zimbraServiceHostname') ?? name).toLowerCase() === host.toLowerCase()) return [name, attrs];
    }
    return undefined;
  }

  protected lmtpTransportOf(serverName: string, attrs: Attrs): string {
    const host = first(attrs, 'zimbraServiceHostname') ?? serverName;
    const port = effectiveServerAttr(this.state, serverName, 'zimbraLmtpBindPort')[0] ?? '7025';
    return lmtpTransport(host, Number.parseInt(port, 10));
  }

  protected get lists(): Record<string, Attrs> {
    return (this.state.lists ??= {});
  }

  /**
   * prov.getGroup(key): by id, or by any address in zimbraMailAlias (a list's primary name is one
   * of them). No default domain is added to a bare name, unlike accounts.
   */
  protected findList(key: string): AccountRef | undefined {
    const byId = isUuid(key);
    const k = key.toLowerCase().trim();
    for (const [name, attrs] of Object.entries(this.state.lists ?? {})) {
      if (byId ? first(attrs, 'zimbraId')?.toLowerCase() === k : name === k || (getAttr(attrs, 'zimbraMailAlias') ?? []).some((a) => a.toLowerCase() === k)) return { name, attrs };
    }
    return undefined;
  }

  protected lookupList(key: string): AccountRef {
    const l = this.findList(key);
    if (!l) throw ServiceError.noSuchDistributionList(key);
    return l;
  }

  /**
   * Whether an address is taken: by an account's primary name or alias, or by a distribution list
   * (every one of them is an entry uid=LOCAL,ou=people under its domain: one namespace).
   */
  protected addressOwner(addr: string): string | undefined {
    const lower = addr.toLowerCase();
    const ix = this.accountIndex();
    return ix.byName.get(lower) ?? ix.byAlias.get(lower) ?? (this.state.lists && !isUuid(lower) ? this.findList(lower)?.name : undefined);
  }
}
