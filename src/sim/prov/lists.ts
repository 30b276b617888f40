/**
 * Distribution lists (ProvUtil's LIST commands): cdl, gdl, gadl, mdl, ddl, adlm, rdlm, adla, rdla,
 * rdl, as LdapProvisioning does them. A list's zimbraMailAlias holds its primary address and its
 * aliases, its members are zimbraMailForwardingAddress values (what ldap-vam.cf expands), and its
 * entry sits at uid=LOCAL,ou=people like an account's: one address namespace for both.
 */
import { ServiceError } from '../errors.js';
import { validEmailAddress } from '../schema.js';
import { first, generalizedTime, getAttr, type Attrs } from '../state.js';
import { accountDn, splitAddress, type AccountRef } from './lookup.js';
import { ServerCommands } from './servers.js';

const MEMBER = 'zimbraMailForwardingAddress';

export abstract class ListCommands extends ServerCommands {
  /** LdapProvisioning.createDistributionList (via createGroup, dynamic false). */
  protected doCreateDistributionList(args: string[]): void {
    const mods = this.getMapAndCheck(args, 2, true);
    const address = args[1].toLowerCase().trim();
    const parts = address.split('@');
    if (parts.length !== 2) throw ServiceError.invalidRequest(`must be valid list address: ${address}`);
    validEmailAddress(address);
    for (const k of [...mods.keys()]) if (k.toLowerCase() === 'zimbraid') mods.delete(k); // a new UUID is set whatever was given
    const { attrs, set } = this.newAddressEntry('distributionList', address, mods);
    set('objectClass', ['zimbraDistributionList', 'zimbraMailRecipient']);
    set('zimbraId', [this.newId()]);
    set('zimbraCreateTimestamp', [generalizedTime(this.now())]);
    set('mail', [address]);
    // Unlike an account, a list has no zimbraMailDeliveryAddress (no mailbox): its primary address is in zimbraMailAlias.
    set('zimbraMailAlias', [address]);
    if (!getAttr(attrs, 'zimbraMailStatus')?.length) set('zimbraMailStatus', ['enabled']);
    const displayName = first(attrs, 'displayName');
    if (displayName !== undefined) set('cn', [displayName]);
    set('uid', [parts[0]]);
    // setGroupHomeServer -> addMailHost: the local server when it runs a mailbox, else the first that does (no transport).
    if (!getAttr(attrs, 'zimbraMailHost')?.length) {
      const local = this.state.servers[this.state.hostname];
      const candidates: [string, Attrs][] = local ? [[this.state.hostname, local], ...Object.entries(this.state.servers)] : Object.entries(this.state.servers);
      const mbx = candidates.find(([, a]) => (getAttr(a, 'zimbraServiceEnabled') ?? []).includes('mailbox'));
      if (mbx) set('zimbraMailHost', [first(mbx[1], 'zimbraServiceHostname') ?? mbx[0]]);
    }
    // The entry's DN is taken (an account, an alias, a list): LdapEntryAlreadyExistException.
    if (this.addressOwner(address)) throw ServiceError.distributionListExists(address);
    this.lists[address] = attrs;
    this.touch('lists', address);
    this.out.println(attrs.zimbraId[0]);
  }

  /** ProvUtil.dumpGroup: header with the member count, the attributes, a blank line, `members`, one per line. */
  protected dumpGroup(list: AccountRef, names: string[] | null): void {
    const members = getAttr(list.attrs, MEMBER) ?? [];
    this.out.println(`# distributionList ${list.name} memberCount=${members.length}`);
    this.dumpAttrs(list.attrs, names);
    this.out.println();
    this.out.println('members');
    for (const m of members) this.out.println(m);
  }

  protected doGetDistributionList(args: string[]): void {
    this.visited++; // one LDAP lookup, found or not
    this.dumpGroup(this.lookupList(args[1]), this.argNameSet(args, 2));
  }

  /** ProvUtil.doGetAllDistributionLists: every domain in turn, or one; names in ascending order. */
  protected doGetAllDistributionLists(args: string[]): void {
    let d: string | undefined;
    let verbose = false;
    for (let i = 1; i < args.length; i++) {
      if (args[i] === '-v') verbose = true;
      else if (d === undefined) d = args[i];
      else {
        this.out.println(`invalid arg: ${args[i]}, already specified domain: ${d}`);
        this.usage();
        return;
      }
    }
    const domains = d !== undefined ? [this.lookupDomain(d)[0]] : Object.keys(this.state.domains).sort();
    const names = Object.keys(this.state.lists ?? {}).sort();
    for (const domain of domains) {
      for (const name of names) {
        if (splitAddress(name)[1] !== domain.toLowerCase()) continue;
        this.visited++; // every list of the domain comes back from the search
        if (verbose) this.dumpGroup({ name, attrs: this.lists[name] }, null);
        else this.out.println(name);
      }
    }
  }

  protected doModifyDistributionList(args: string[]): void {
    const list = this.lookupList(args[1]);
    const mods = this.getMapAndCheck(args, 2, false);
    this.putList(list.name, this.modifyEntry('distributionList', list.attrs, mods, { entryName: list.name }));
  }

  /** deleteDistributionList: its addresses leave every other list too. */
  protected doDeleteDistributionList(args: string[]): void {
    const list = this.lookupList(args[1]);
    delete this.lists[list.name];
    this.touch('lists', list.name);
    this.removeFromAllLists([list.name, ...(getAttr(list.attrs, 'zimbraMailAlias') ?? [])]);
  }

  /** The addresses of the account or list `address` names (primary first), or none. */
  private addressesOf(address: string): string[] {
    const acct = address.includes('@') ? this.findAccount(address) : undefined;
    if (acct) return [acct.name, ...(getAttr(acct.attrs, 'zimbraMailAlias') ?? [])].map((a) => a.toLowerCase());
    const list = this.findList(address);
    if (list) return [...new Set([list.name, ...(getAttr(list.attrs, 'zimbraMailAlias') ?? [])].map((a) => a.toLowerCase()))];
    return [];
  }

  /** addDistributionListMembers: lower-cased, members already there skipped, never the list itself. */
  protected doAddMember(args: string[]): void {
    const list = this.lookupList(args[1]);
    const existing = new Set(getAttr(list.attrs, MEMBER) ?? []);
    const own = new Set(this.addressesOf(list.name));
    const add: string[] = [];
    for (const raw of args.slice(2)) {
      const m = raw.toLowerCase();
      if (own.has(m)) throw ServiceError.invalidRequest(`Cannot add self as a member: ${m}`);
      if (!existing.has(m) && !add.includes(m)) add.push(m);
    }
    if (add.length === 0) return;
    this.putList(list.name, this.modifyEntry('distributionList', list.attrs, new Map([[`+${MEMBER}`, add]]), { entryName: list.name }));
  }

  /**
   * removeDistributionListMembers: a member must be on the list as given (case-insensitive);
   * then every address of the entry it names goes. (Zimbra's loop over the entry's other
   * addresses breaks at once, so a member present only under another address is "non-existent".)
   */
  protected doRemoveMember(args: string[]): void {
    const list = this.lookupList(args[1]);
    const existing = new Set((getAttr(list.attrs, MEMBER) ?? []).map((m) => m.toLowerCase()));
    const remove: string[] = [];
    const failed: string[] = [];
    for (const raw of args.slice(2)) {
      const m = raw.toLowerCase();
      if (m.length === 0) throw ServiceError.invalidRequest(`invalid member email address: ${m}`);
      if (remove.includes(m)) continue;
      if (existing.has(m)) {
        const all = this.addressesOf(m);
        remove.push(...(all.length > 0 ? all : [m]));
      } else if (!failed.includes(m)) failed.push(m);
    }
    if (failed.length > 0) throw ServiceError.noSuchMember(list.name, failed.join(','));
    if (remove.length === 0) throw ServiceError.invalidRequest('empty remove set');
    this.putList(list.name, this.modifyEntry('distributionList', list.attrs, new Map([[`-${MEMBER}`, remove]]), { entryName: list.name }));
  }

  /** addGroupAlias -> addAliasInternal: the alias entry's DN must be free (ACCOUNT_EXISTS, as for accounts). */
  protected doAddListAlias(args: string[]): void {
    const list = this.lookupList(args[1]);
    const alias = args[2].toLowerCase().trim();
    validEmailAddress(alias);
    const [, aliasDomain] = splitAddress(alias);
    if (!this.findDomain(aliasDomain)) throw ServiceError.noSuchDomain(aliasDomain);
    if (this.addressOwner(alias)) throw ServiceError.accountExists(alias, accountDn(alias));
    this.putList(list.name, {
      ...list.attrs,
      zimbraMailAlias: [...(getAttr(list.attrs, 'zimbraMailAlias') ?? []), alias],
      mail: [...(getAttr(list.attrs, 'mail') ?? []), alias],
    });
  }

  /** removeGroupAlias: NO_SUCH_ALIAS when the list does not hold it; the alias leaves every list's members. */
  protected doRemoveListAlias(args: string[]): void {
    const list = this.findList(args[1]);
    const alias = args[2].toLowerCase();
    const [, aliasDomain] = splitAddress(alias);
    if (list) {
      if (!this.findDomain(aliasDomain)) throw ServiceError.noSuchDomain(aliasDomain);
      const aliases = getAttr(list.attrs, 'zimbraMailAlias') ?? [];
      const keep = (xs: string[]) => xs.filter((a) => a.toLowerCase() !== alias);
      this.removeFromAllLists([alias]);
      if (alias === list.name || !aliases.some((a) => a.toLowerCase() === alias)) throw ServiceError.noSuchAlias(alias);
      const next: Attrs = { ...this.lists[list.name], zimbraMailAlias: keep(aliases), mail: keep(getAttr(list.attrs, 'mail') ?? []) };
      this.putList(list.name, next);
      return;
    }
    throw ServiceError.noSuchDistributionList(args[1]);
  }

  /**
   * renameDistributionList: the primary address in mail and zimbraMailAlias becomes the new one
   * (aliases of the old domain move to the new domain with it), uid follows, and other lists'
   * members are renamed too.
   */
  protected doRenameDistributionList(args: string[]): void {
    const list = this.lookupList(args[1]);
    const next = args[2].toLowerCase().trim();
    validEmailAddress(next);
    const [, oldDomain] = splitAddress(list.name);
    const [newLocal, newDomain] = splitAddress(next);
    const domain = this.findDomain(newDomain);
    if (!domain) throw ServiceError.noSuchDomain(newDomain);
    const moved = oldDomain !== newDomain;
    if (moved && (first(domain[1], 'zimbraDomainType') ?? 'local') !== 'local') throw ServiceError.invalidRequest('domain type must be local');
    const renamed = new Map<string, string>([[list.name, next]]);
    const rename = (a: string) => {
      const l = a.toLowerCase();
      if (l === list.name) return next;
      if (moved && splitAddress(l)[1] === oldDomain) {
        const to = `${splitAddress(l)[0]}@${newDomain}`;
        renamed.set(l, to);
        return to;
      }
      return a;
    };
    const mail = getAttr(list.attrs, 'mail') ?? [];
    const attrs: Attrs = { ...list.attrs, mail: mail.length ? mail.map(rename) : [next], zimbraMailAlias: (getAttr(list.attrs, 'zimbraMailAlias') ?? []).map(rename), uid: [newLocal] };
    for (const [from, to] of renamed) {
      if (from === to) continue;
      const owner = this.addressOwner(to);
      if (owner !== undefined && owner !== list.name) throw ServiceError.distributionListExists(next);
    }
    delete this.lists[list.name];
    this.touch('lists', list.name);
    this.putList(next, attrs);
    for (const [name, a] of Object.entries(this.lists)) {
      const members = getAttr(a, MEMBER);
      if (members?.some((m) => renamed.has(m.toLowerCase()))) this.putList(name, { ...a, [MEMBER]: members.map((m) => renamed.get(m.toLowerCase()) ?? m) });
    }
  }

  private putList(name: string, attrs: Attrs): void {
    this.lists[name] = attrs;
    this.touch('lists', name);
  }

  /** removeAddressesFromAllDistributionLists: after an account, an alias or a list is deleted. */
  protected removeFromAllLists(addresses: string[]): void {
    if (!this.state.lists) return;
    const gone = new Set(addresses.map((a) => a.toLowerCase()));
    for (const [name, attrs] of Object.entries(this.state.lists)) {
      const members = getAttr(attrs, MEMBER);
      if (!members?.some((m) => gone.has(m.toLowerCase()))) continue;
      const keep = members.filter((m) => !gone.has(m.toLowerCase()));
      const next: Attrs = { ...attrs };
      for (const k of Object.keys(next)) if (k.toLowerCase() === MEMBER.toLowerCase()) delete next[k];
      if (keep.length > 0) next[MEMBER] = keep;
      this.putList(name, next);
    }
  }
}
