/**
 * Attributes in and out: the `attr value` pairs of a command (getMapAndCheck), their validation,
 * callbacks and +/- semantics (modifyEntry), and the `name: value` dumps of `ga`, `gd`, `gs`, `gcf`.
 */
import { ArgError, ExitSignal, JvmCrash, ServiceError } from '../errors.js';
import { attrDef, checkValue, compareVersions, isDeprecated, type AttrDef, type EntryClass } from '../schema.js';
import { effectiveServerAttr, first, getAttr, type Attrs } from '../state.js';
import { ProvLookup } from './lookup.js';

export type Mods = Map<string, string[]>;

const SAFEGUARDED = new Set(['zimbraserviceenabled', 'zimbraserviceinstalled']);

export abstract class ProvAttrs extends ProvLookup {
  // ----- attribute maps --------------------------------------------------------------------

  protected argNameSet(args: string[], offset: number): string[] | null {
    if (offset >= args.length) return null;
    return args.slice(offset).map((a) => a.toLowerCase());
  }

  /** keyValueArrayToMultiMap + the safeguard + checkDeprecatedAttrs, in ProvUtil's order. */
  protected getMapAndCheck(args: string[], offset: number, isCreate: boolean): Mods {
    const mods: Mods = new Map();
    const safeguardCount = new Map<string, number>();
    for (let i = offset; i < args.length; i += 2) {
      const n = args[i];
      if (n.length === 0) {
        const modern = compareVersions(this.version, '9.0.0') >= 0;
        throw new JvmCrash('java.lang.StringIndexOutOfBoundsException', modern ? 'index 0, length 0' : 'String index out of range: 0', [
          'java.base/java.lang.StringLatin1.charAt(StringLatin1.java:48)',
          'java.base/java.lang.String.charAt(String.java:1515)',
          'com.zimbra.cs.account.ProvUtil.keyValueArrayToMultiMap(ProvUtil.java:3792)',
          'com.zimbra.cs.account.ProvUtil.getAttrMap(ProvUtil.java:3825)',
          'com.zimbra.cs.account.ProvUtil.getMapAndCheck(ProvUtil.java:3752)',
          'com.zimbra.cs.account.ProvUtil.execute(ProvUtil.java:1166)',
          'com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:4081)',
        ]);
      }
      if (i + 1 >= args.length) throw new ArgError('not enough arguments');
      const v = args[i + 1];
      if (n[0] !== '+' && n[0] !== '-' && SAFEGUARDED.has(n.toLowerCase()) && attrDef(n, this.version)?.multi) {
        safeguardCount.set(n.toLowerCase(), (safeguardCount.get(n.toLowerCase()) ?? 0) + 1);
      }
      const list = mods.get(n);
      if (list) list.push(v);
      else mods.set(n, [v]);
    }
    if (!this.opts.replace && !isCreate) {
      for (const count of safeguardCount.values()) {
        if (count === 1) {
          this.printError('error: cannot replace multi-valued attr value unless -r is specified');
          throw new ExitSignal(2);
        }
      }
    }
    let warned = false;
    for (const key of mods.keys()) {
      const def = attrDef(key, this.version);
      if (def && isDeprecated(def, this.version)) {
        warned = true;
        this.out.println(`Warn: attribute ${key} has been deprecated since ${def.deprecatedSince}`);
      }
    }
    if (warned) this.out.println();
    return mods;
  }

  /** Mods keyed by canonical-insensitive name: the value a plain `attr` key sets, if any. */
  protected plainValue(mods: Mods, canonical: string): string[] | undefined {
    for (const [k, v] of mods) if (k.toLowerCase() === canonical.toLowerCase()) return v;
    return undefined;
  }

  protected hasKey(mods: Mods, key: string): boolean {
    for (const k of mods.keys()) if (k.toLowerCase() === key.toLowerCase()) return true;
    return false;
  }

  /**
   * The start of LdapProvisioning's create of an entry named by an address (an account, a list):
   * the attributes through preModify, the domain must exist and be local. Returns the new
   * attributes and a setter that replaces an attribute whatever case it was given in.
   */
  protected newAddressEntry(kind: EntryClass, address: string, mods: Mods): { attrs: Attrs; set: (name: string, v: string[]) => void } {
    const attrs = this.modifyEntry(kind, {}, mods, { entryName: address, create: true });
    const domainName = address.slice(address.indexOf('@') + 1);
    const domain = this.findDomain(domainName);
    if (!domain) throw ServiceError.noSuchDomain(domainName);
    if ((first(domain[1], 'zimbraDomainType') ?? 'local') !== 'local') throw ServiceError.invalidRequest('domain type must be local');
    const set = (name: string, v: string[]) => {
      for (const k of Object.keys(attrs)) if (k.toLowerCase() === name.toLowerCase()) delete attrs[k];
      attrs[name] = v;
    };
    return { attrs, set };
  }

  /**
   * AttributeManager.preModify (validation + callbacks), then the LDAP modification list
   * (+/- semantics, the mix rule), then what the LDAP server itself enforces (object class,
   * single-valued). Returns the new attribute set; the caller commits it.
   */
  protected modifyEntry(
    kind: EntryClass,
    current: Attrs,
    mods: Mods,
    ctx: { entryName: string; create?: boolean },
  ): Attrs {
    const keys = [...mods.keys()];
    for (const key of keys) {
      const raw = key[0] === '+' || key[0] === '-' ? key.slice(1) : key;
      const def = attrDef(raw, this.version);
      if (!def) throw ServiceError.invalidAttrName(`unknown attribute: ${raw}`);
      for (const v of mods.get(key) ?? []) checkValue(def, v, true);
      this.callback(def, raw, key, kind, current, mods, ctx);
    }
    // UBIDModificationList: +attr/-attr may not be combined with a plain attr of the same name.
    for (const key of mods.keys()) {
      if ((key[0] === '+' || key[0] === '-') && mods.has(key.slice(1))) {
        throw ServiceError.invalidRequest("can't mix +attrName/-attrName with attrName");
      }
    }
    const next: Attrs = {};
    for (const [k, v] of Object.entries(current)) next[k] = [...v];
    for (const [key, values] of mods) {
      const op = key[0] === '+' ? 'add' : key[0] === '-' ? 'remove' : 'replace';
      const raw = op === 'replace' ? key : key.slice(1);
      const def = attrDef(raw, this.version) as AttrDef;
      if (!def.classes.includes(kind)) {
        throw ServiceError.invalidRequest(`LDAP schema violation: [LDAP: error code 65 - attribute '${def.name}' not allowed]`);
      }
      // Stored under the schema's spelling; drop any other spelling of the same name.
      const existingKey = Object.keys(next).find((k) => k.toLowerCase() === def.name.toLowerCase());
      const cur = existingKey ? next[existingKey] : [];
      if (existingKey) delete next[existingKey];
      let vals: string[];
      const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
      if (op === 'replace') vals = values.filter((v) => v !== '');
      else if (op === 'add') {
        vals = [...cur];
        for (const v of values) if (v !== '' && !vals.some((x) => same(x, v))) vals.push(v);
      } else vals = cur.filter((x) => !values.some((v) => v !== '' && same(x, v)));
      if (vals.length > 0) next[def.name] = vals;
    }
    for (const [key, vals] of Object.entries(next)) {
      const def = attrDef(key, this.version);
      if (def && !def.multi && vals.length > 1) {
        throw ServiceError.invalidAttrValue(`invalid attr value: [LDAP: error code 19 - attribute '${def.name}' cannot have multiple values]`);
      }
    }
    return next;
  }

  /** The attribute callbacks zsplit's attributes have (AccountStatus, MailHost, MtaRelayHost). */
  protected callback(
    def: AttrDef,
    raw: string,
    key: string,
    kind: EntryClass,
    current: Attrs,
    mods: Mods,
    ctx: { entryName: string; create?: boolean },
  ): void {
    const values = mods.get(key) ?? [];
    switch (def.callback) {
      case 'AccountStatus': {
        if (key[0] === '+' || key[0] === '-') return;
        const status = values[0] ?? '';
        if (status === '') throw ServiceError.invalidRequest('zimbraAccountStatus is a required attribute');
        if (status === 'closed' || status === 'pending') {
          this.setMod(mods, 'zimbraMailStatus', ['disabled']);
        } else if (this.plainValue(mods, 'zimbraMailStatus') === undefined) {
          this.setMod(mods, 'zimbraMailStatus', ['enabled']);
        }
        return;
      }
      case 'MailHost': {
        if (kind !== 'account') return;
        const mailHost = values[0] ?? '';
        if (mailHost === '' || key[0] === '-' || this.hasKey(mods, '-zimbraMailHost')) return; // unsetting
        const mailTransport = this.plainValue(mods, 'zimbraMailTransport')?.[0] ?? '';
        if (mailTransport !== '') {
          throw ServiceError.invalidRequest('setting both zimbraMailHost and zimbraMailTransport in the same request is not allowed');
        }
        const server = this.serverByServiceHostname(mailHost);
        if (!server) throw ServiceError.invalidRequest(`specified zimbraMailHost does not correspond to a valid server service hostname: ${mailHost}`);
        const services = getAttr(server[1], 'zimbraServiceEnabled') ?? [];
        if (!services.includes('mailbox') && !services.includes('service')) {
          throw ServiceError.invalidRequest(`specified zimbraMailHost does not correspond to a mailclient server with service webapp enabled: ${mailHost}`);
        }
        if (!ctx.create) {
          const oldHost = first(current, 'zimbraMailHost');
          const oldServer = oldHost ? this.serverByServiceHostname(oldHost) : undefined;
          if (oldServer) {
            const cur = first(current, 'zimbraMailTransport');
            const computed = this.lmtpTransportOf(oldServer[0], oldServer[1]);
            if (cur !== undefined && cur.toLowerCase() !== computed.toLowerCase()) {
              throw ServiceError.invalidRequest(
                `current value of zimbraMailHost does not match zimbraMailTransport, computed mail transport from current zimbraMailHost=${computed}, current zimbraMailTransport=${cur}`,
              );
            }
          }
        }
        this.setMod(mods, 'zimbraMailTransport', [this.lmtpTransportOf(server[0], server[1])]);
        return;
      }
      case 'MtaRelayHost': {
        let cur: string[];
        // Server.getMultiAttr applies config defaults: a global relay host counts here.
        if (kind === 'server') cur = effectiveServerAttr(this.state, ctx.entryName, def.name);
        else cur = getAttr(current, def.name) ?? [];
        let toBe: string[];
        if (key[0] === '+') toBe = [...new Set([...cur, ...values.filter((v) => v !== '')])];
        else if (key[0] === '-') toBe = cur.filter((c) => !values.includes(c));
        else toBe = values.filter((v) => v !== '');
        if (new Set(toBe).size > 1) throw ServiceError.invalidRequest(`${raw} can only have one value`);
        return;
      }
      default:
        return;
    }
  }

  /** attrsToModify.put(name, value): replaces whichever spelling of `name` is present. */
  protected setMod(mods: Mods, name: string, values: string[]): void {
    for (const k of [...mods.keys()]) if (k.toLowerCase() === name.toLowerCase()) mods.delete(k);
    mods.set(name, values);
  }

  // ----- dumps -----------------------------------------------------------------------------

  /** ProvUtil.dumpAttrs: sorted (TreeMap), one line per value, `attr=value` filters, -fd. */
  protected dumpAttrs(attrs: Attrs, specific: string[] | null): void {
    let wanted: Map<string, Set<string>> | null = null;
    if (specific) {
      wanted = new Map();
      for (const s of specific) {
        const eq = s.indexOf('=');
        const name = (eq < 0 ? s : s.slice(0, eq)).toLowerCase();
        const value = eq < 0 ? undefined : s.slice(eq + 1);
        if (value !== undefined && value.length < 1) throw ServiceError.invalidRequest(`missing value for ${s}`);
        const set = wanted.get(name) ?? new Set<string>();
        if (value !== undefined) set.add(value);
        wanted.set(name, set);
      }
    }
    const fd = this.opts.forceDisplay;
    for (const name of Object.keys(attrs).sort()) {
      if (wanted && !wanted.has(name.toLowerCase())) continue;
      const values = wanted?.get(name.toLowerCase());
      for (const raw of attrs[name]) {
        const v = name === 'userPassword' ? 'VALUE-BLOCKED' : raw;
        if (fd || (v.length > 0 && (!values || values.size === 0 || values.has(v)))) this.out.println(`${name}: ${v}`);
      }
    }
    if (fd && specific) {
      for (const s of specific) {
        if (!Object.keys(attrs).includes(s) && attrDef(s, this.version)) this.out.println(`${s}: `);
      }
    }
  }

  protected dumpEntry(name: string, attrs: Attrs, names: string[] | null): void {
    this.out.println(`# name ${name}`);
    this.dumpAttrs(attrs, names);
    this.out.println();
  }

  /** `gd`/`gs [-e] NAME [attr...]`: -e shows only what is stored on the entry. */
  protected doGetNamed(args: string[], lookup: (key: string) => [string, Attrs], view: (attrs: Attrs, applyDefault: boolean) => Attrs): void {
    let applyDefault = true;
    let i = 1;
    while (i < args.length && args[i] === '-e') {
      applyDefault = false;
      i++;
    }
    if (i >= args.length) {
      this.usage();
      return;
    }
    const [name, attrs] = lookup(args[i]);
    this.dumpEntry(name, view(attrs, applyDefault), this.argNameSet(args, i + 1));
  }
}
