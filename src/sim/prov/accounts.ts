/** Accounts and their aliases: ca, ma, ga, da, aaa, raa (ProvUtil's ACCOUNT commands; gaa is in search.ts). */
import { JvmCrash, ServiceError } from '../errors.js';
import { cosDefaults, validEmailAddress } from '../schema.js';
import { first, generalizedTime, getAttr, type Attrs } from '../state.js';
import { readLogicalLine } from '../tokenize.js';
import { ProvAttrs, type Mods } from './attrs.js';
import { accountDn, splitAddress, type AccountRef } from './lookup.js';

export abstract class AccountCommands extends ProvAttrs {
  // ----- accounts --------------------------------------------------------------------------

  protected modifyAccount(acct: AccountRef, mods: Mods): void {
    const next = this.modifyEntry('account', acct.attrs, mods, { entryName: acct.name });
    this.state.accounts[acct.name] = next;
    this.touch('accounts', acct.name);
  }

  protected checkPasswordStrength(password: string): void {
    const cos = cosDefaults(this.version);
    const min = Number.parseInt(cos.zimbraPasswordMinLength?.[0] ?? '6', 10);
    const max = Number.parseInt(cos.zimbraPasswordMaxLength?.[0] ?? '64', 10);
    if (password.length < min) throw ServiceError.invalidPassword('too short');
    if (password.length > max) throw ServiceError.invalidPassword('too long');
  }

  protected doCreateAccount(args: string[]): void {
    const password = args[2] === '' ? null : args[2];
    const mods = this.getMapAndCheck(args, 3, true);
    let email = args[1].toLowerCase().trim();
    const parts = email.split('@');
    if (parts.length !== 2) throw ServiceError.invalidRequest(`must be valid email address: ${email}`);
    email = `${parts[0]}@${parts[1]}`;
    validEmailAddress(email);
    // mDIT.handleSpecialAttrs: a given zimbraId becomes the new entry's id.
    let id: string | undefined;
    for (const k of [...mods.keys()]) {
      if (k.toLowerCase() === 'zimbraid') {
        id = mods.get(k)?.[0];
        mods.delete(k);
      }
    }
    const { attrs, set } = this.newAddressEntry('account', email, mods);
    const has = (name: string) => (getAttr(attrs, name)?.length ?? 0) > 0;
    const now = generalizedTime(this.now());
    set('objectClass', ['inetOrgPerson', 'zimbraAccount', 'amavisAccount']);
    set('zimbraId', [id ?? this.newId()]);
    set('zimbraCreateTimestamp', [now]);
    if (!has('zimbraAccountStatus')) set('zimbraAccountStatus', ['active']);
    // A ca line that sets zimbraMailTransport skips addMailHost: no mail host at all (§4.2 caveat 1).
    if (!has('zimbraMailTransport')) {
      const local = this.state.servers[this.state.hostname];
      const candidates: [string, Attrs][] = local ? [[this.state.hostname, local], ...Object.entries(this.state.servers)] : Object.entries(this.state.servers);
      const mbx = candidates.find(([, a]) => (getAttr(a, 'zimbraServiceEnabled') ?? []).includes('mailbox'));
      if (mbx) {
        set('zimbraMailHost', [first(mbx[1], 'zimbraServiceHostname') ?? mbx[0]]);
        set('zimbraMailTransport', [this.lmtpTransportOf(mbx[0], mbx[1])]);
      }
    }
    if (has('zimbraMailHost') || has('zimbraMailTransport')) {
      if (!has('zimbraMailStatus')) set('zimbraMailStatus', ['enabled']);
      if (!has('zimbraMailDeliveryAddress')) set('zimbraMailDeliveryAddress', [email]);
    } else {
      throw ServiceError.invalidRequest(`missing zimbraMailHost or zimbraMailTransport for CreateAccount: ${email}`);
    }
    set('mail', [email]);
    if (!has('cn')) set('cn', [first(attrs, 'displayName') ?? parts[0]]);
    if (!has('sn')) set('sn', [parts[0]]);
    set('uid', [parts[0]]);
    if (password !== null) this.checkPasswordStrength(password);
    set('zimbraPasswordModifiedTime', [now]);
    if (this.addressOwner(email)) throw ServiceError.accountExists(email, accountDn(email));
    if (password !== null) set('userPassword', [`{SSHA512}${Buffer.from(`${email}:${password}`).toString('base64')}`]);
    this.state.accounts[email] = attrs;
    this.touch('accounts', email);
    this.out.println(first(attrs, 'zimbraId'));
  }

  protected doGetAccount(args: string[]): void {
    let applyDefault = true;
    let pos = 1;
    if (args[1] === '-e') {
      applyDefault = false;
      pos = 2;
    }
    if (pos >= args.length) {
      throw new JvmCrash('java.lang.ArrayIndexOutOfBoundsException', `Index ${pos} out of bounds for length ${args.length}`, [
        'com.zimbra.cs.account.ProvUtil.doGetAccount(ProvUtil.java:1562)',
        'com.zimbra.cs.account.ProvUtil.execute(ProvUtil.java:1228)',
        'com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:4081)',
      ]);
    }
    this.visited++;
    const acct = this.lookupAccount(args[pos]);
    this.dumpAccount(acct, applyDefault, this.argNameSet(args, pos + 1));
  }

  protected accountView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(cosDefaults(this.version))) if (!getAttr(view, k)) view[k] = v;
    return view;
  }

  protected dumpAccount(acct: AccountRef, applyDefault: boolean, names: string[] | null): void {
    this.out.println(`# name ${acct.name}`);
    this.dumpAttrs(this.accountView(acct.attrs, applyDefault), names);
    this.out.println();
  }

  protected doDeleteAccount(args: string[]): void {
    if (this.useLdap) {
      const confirmed = this.confirm(
        '-l option is specified.  Only the LDAP entry of the account will be deleted.\nDB data of the account and associated blobs will not be deleted.\n',
      );
      if (!confirmed) {
        this.out.println('aborted');
        return;
      }
    }
    const key = args[1];
    const acct = this.lookupAccount(key);
    const id = first(acct.attrs, 'zimbraId') ?? '';
    const domain = splitAddress(acct.name)[1];
    const k = key.toLowerCase();
    if (k !== id.toLowerCase() && k !== acct.name.toLowerCase() && acct.name.toLowerCase() !== `${k}@${domain}`) {
      throw ServiceError.invalidRequest("argument to deleteAccount must be an account id or the account's primary name");
    }
    delete this.state.accounts[acct.name];
    this.touch('accounts', acct.name);
    this.removeFromAllLists([acct.name, ...(getAttr(acct.attrs, 'zimbraMailAlias') ?? [])]);
    if (this.useLdap) {
      this.log({ type: 'orphaned-mailbox', account: acct.name, id, mailHost: first(acct.attrs, 'zimbraMailHost'), time: this.now().toISOString() });
    }
  }

  /** ProvUtil.confirm: automatic in -f mode; otherwise it reads the NEXT line of stdin. */
  protected confirm(msg: string): boolean {
    if (this.batchMode) return true;
    this.out.println(msg);
    this.out.out('Continue? [Y]es, [N]o: ');
    // Interactive mode shares stdin with the command reader: the answer is whatever line comes next.
    const reader = this.reader ?? this.stdinSource();
    const line = readLogicalLine(reader);
    return line !== null && (line.toLowerCase() === 'y' || line.toLowerCase() === 'yes');
  }

  protected doAddAlias(args: string[]): void {
    const acct = this.lookupAccount(args[1]);
    const alias = args[2].toLowerCase().trim();
    validEmailAddress(alias);
    const [, aliasDomain] = splitAddress(alias);
    if (!this.findDomain(aliasDomain)) throw ServiceError.noSuchDomain(aliasDomain);
    if (this.addressOwner(alias)) throw ServiceError.accountExists(alias, accountDn(alias));
    const next: Attrs = { ...acct.attrs };
    next.zimbraMailAlias = [...(getAttr(acct.attrs, 'zimbraMailAlias') ?? []), alias];
    next.mail = [...(getAttr(acct.attrs, 'mail') ?? []), alias];
    this.state.accounts[acct.name] = next;
    this.touch('accounts', acct.name);
  }

  protected doRemoveAlias(args: string[]): void {
    const acct = this.findAccount(args[1]);
    const alias = args[2].toLowerCase().trim();
    if (acct) {
      const aliases = getAttr(acct.attrs, 'zimbraMailAlias') ?? [];
      if (!aliases.some((a) => a.toLowerCase() === alias)) throw ServiceError.noSuchAlias(alias);
      const next: Attrs = { ...acct.attrs };
      const keep = (list: string[]) => list.filter((a) => a.toLowerCase() !== alias);
      next.zimbraMailAlias = keep(aliases);
      next.mail = keep(getAttr(acct.attrs, 'mail') ?? []);
      for (const k of ['zimbraMailAlias', 'mail']) if (next[k].length === 0) delete next[k];
      this.state.accounts[acct.name] = next;
      this.touch('accounts', acct.name);
      this.removeFromAllLists([alias]);
      return;
    }
    throw ServiceError.noSuchAccount(args[1]);
  }

  /** Takes deleted addresses out of every distribution list's members (lists.ts). */
  protected abstract removeFromAllLists(addresses: string[]): void;
}
