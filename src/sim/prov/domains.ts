/** Domains and alias domains: cd, cad, gd, gad, dd (md is a few lines in ProvUtil.dispatch). */
import { ServiceError } from '../errors.js';
import { hasFlag } from '../schema.js';
import { first, generalizedTime, getAttr, type Attrs } from '../state.js';
import type { Mods } from './attrs.js';
import { ERR_INVALID_ARG_EV } from './commands.js';
import { splitAddress } from './lookup.js';
import { SearchCommands } from './search.js';

export abstract class DomainCommands extends SearchCommands {
  protected domainView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(this.state.config)) if (hasFlag(k, 'domainInherited') && !getAttr(view, k)) view[k] = v;
    return view;
  }

  protected doGetDomain(args: string[]): void {
    this.doGetNamed(args, (k) => this.lookupDomain(k), (a, d) => this.domainView(a, d));
  }

  protected doGetAllDomains(args: string[]): void {
    let verbose = false;
    let applyDefault = true;
    let i = 1;
    for (; i < args.length; i++) {
      if (args[i] === '-v') verbose = true;
      else if (args[i] === '-e') applyDefault = false;
      else break;
    }
    if (!applyDefault && !verbose) {
      this.out.println(ERR_INVALID_ARG_EV);
      this.usage();
      return;
    }
    const names = this.argNameSet(args, i);
    for (const name of Object.keys(this.state.domains).sort()) {
      if (verbose) this.dumpEntry(name, this.domainView(this.state.domains[name], applyDefault), names);
      else this.out.println(name);
    }
  }

  protected createDomain(name: string, mods: Mods): string {
    const domain = name.toLowerCase().trim();
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(domain)) throw ServiceError.invalidRequest(`invalid domain name: ${domain}`);
    let id: string | undefined;
    for (const k of [...mods.keys()]) {
      if (k.toLowerCase() === 'zimbraid') {
        id = mods.get(k)?.[0];
        mods.delete(k);
      }
    }
    // LdapProvisioning.createDomain takes zimbraDomainType and zimbraDomainStatus out before
    // preModify (the type is immutable, settable only here) and puts them back unchecked.
    const unchecked: Attrs = {};
    for (const k of [...mods.keys()]) {
      const canonical = ['zimbraDomainType', 'zimbraDomainStatus'].find((c) => c.toLowerCase() === k.toLowerCase());
      if (!canonical) continue;
      unchecked[canonical] = (mods.get(k) ?? []).slice(-1);
      mods.delete(k);
    }
    const attrs = this.modifyEntry('domain', {}, mods, { entryName: domain, create: true });
    if (this.findDomain(domain)) throw ServiceError.domainExists(domain);
    Object.assign(attrs, unchecked);
    const set = (k: string, v: string[]) => {
      if (!getAttr(attrs, k)) attrs[k] = v;
    };
    attrs.objectClass = ['dcObject', 'organization', 'zimbraDomain', 'amavisAccount'];
    attrs.zimbraId = [id ?? this.newId()];
    attrs.zimbraDomainName = [domain];
    attrs.zimbraCreateTimestamp = [generalizedTime(this.now())];
    set('dc', [domain.split('.')[0]]);
    set('o', [`${domain} domain`]);
    set('zimbraDomainType', ['local']);
    set('zimbraDomainStatus', ['active']);
    set('zimbraMailStatus', ['enabled']);
    // LdapProvisioning.createDomain gives an alias domain (cd with zimbraDomainType alias, or cad)
    // the catch-all key of its own name, replacing any value the command gave.
    if (first(attrs, 'zimbraDomainType')?.toLowerCase() === 'alias') {
      for (const k of Object.keys(attrs)) if (k.toLowerCase() === 'zimbramailcatchalladdress') delete attrs[k];
      attrs.zimbraMailCatchAllAddress = [`@${domain}`];
    }
    this.state.domains[domain] = attrs;
    this.touch('domains', domain);
    return attrs.zimbraId[0];
  }

  protected doCreateDomain(args: string[]): void {
    const mods = this.getMapAndCheck(args, 2, true);
    this.out.println(this.createDomain(args[1], mods));
  }

  protected doCreateAliasDomain(args: string[]): void {
    const mods = this.getMapAndCheck(args, 3, true);
    const [, target] = this.lookupDomain(args[2]);
    if ((first(target, 'zimbraDomainType') ?? 'local') !== 'local') throw ServiceError.invalidRequest('target domain must be a local domain');
    const alias = args[1].toLowerCase().trim();
    this.setMod(mods, 'zimbraDomainType', ['alias']);
    this.setMod(mods, 'zimbraDomainAliasTargetId', [first(target, 'zimbraId') ?? '']);
    // createDomain adds the alias domain's catch-all key itself.
    this.out.println(this.createDomain(alias, mods));
  }

  protected doDeleteDomain(args: string[]): void {
    const [name] = this.lookupDomain(args[1]);
    const holds = (names: string[]) => names.some((a) => splitAddress(a)[1] === name);
    if (holds(Object.keys(this.state.accounts)) || holds(Object.keys(this.state.lists ?? {}))) throw ServiceError.domainNotEmpty(name);
    delete this.state.domains[name];
    this.touch('domains', name);
  }

}
