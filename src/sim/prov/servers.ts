/**
 * Servers, global config and the misc commands around them: gs, gas, fc (flushCache), desc
 * (describe the attribute schema). ms, mcf, gcf and gacf are a few lines in ProvUtil.dispatch.
 */
import { ServiceError } from '../errors.js';
import { allAttrDefs, attrDef, hasFlag, type EntryClass } from '../schema.js';
import { getAttr, type Attrs } from '../state.js';
import { CACHE_TYPES, ERR_INVALID_ARG_EV, ERR_VIA_SOAP_ONLY } from './commands.js';
import { DomainCommands } from './domains.js';

function wrap(text: string, width: number, prefix: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur !== '' && prefix.length + cur.length + 1 + w.length > width) {
      lines.push(prefix + cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '' || lines.length === 0) lines.push(prefix + cur);
  return lines.join('\n');
}

export abstract class ServerCommands extends DomainCommands {
  protected serverView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(this.state.config)) if (hasFlag(k, 'serverInherited') && !getAttr(view, k)) view[k] = v;
    return view;
  }

  protected doGetServer(args: string[]): void {
    this.doGetNamed(args, (k) => this.lookupServer(k), (a, d) => this.serverView(a, d));
  }

  protected doGetAllServers(args: string[]): void {
    let verbose = false;
    let applyDefault = true;
    let service: string | undefined;
    for (let i = 1; i < args.length; i++) {
      const arg = args[i];
      if (arg === '-v') verbose = true;
      else if (arg === '-e') applyDefault = false;
      else if (service === undefined) service = arg;
      else {
        this.out.println(`invalid arg: ${arg}, already specified service: ${service}`);
        this.usage();
        return;
      }
    }
    if (!applyDefault && !verbose) {
      this.out.println(ERR_INVALID_ARG_EV);
      this.usage();
      return;
    }
    for (const name of Object.keys(this.state.servers).sort()) {
      const attrs = this.state.servers[name];
      if (service && !(getAttr(attrs, 'zimbraServiceEnabled') ?? []).includes(service)) continue;
      if (verbose) this.dumpEntry(name, this.serverView(attrs, applyDefault), null);
      else this.out.println(name);
    }
  }

  protected doFlushCache(args: string[]): void {
    if (this.useLdap) throw ServiceError.invalidRequest(ERR_VIA_SOAP_ONLY);
    let allServers = false;
    let idx = 1;
    if (args[idx] === '-a') {
      allServers = true;
      if (args.length > 2) idx++;
      else {
        this.usage();
        return;
      }
    }
    const type = args[idx++];
    if (!CACHE_TYPES.includes(type)) throw ServiceError.invalidRequest(`invalid cache type ${type}`);
    this.log({ type: 'flush', cacheType: type, entries: args.slice(idx), allServers, time: this.now().toISOString() });
  }

  protected doDescribe(args: string[]): void {
    let attr: string | undefined;
    let cls: EntryClass | undefined;
    let verbose = false;
    for (let i = 1; i < args.length; i++) {
      if (args[i] === '-v') verbose = true;
      else if (args[i].startsWith('-a')) attr = args[++i];
      else if (args[i].startsWith('-')) continue;
      else cls = args[i] === 'globalConfig' ? 'config' : (args[i] as EntryClass);
    }
    const defs = allAttrDefs(this.version);
    if (attr !== undefined) {
      const def = attrDef(attr, this.version);
      if (!def) this.out.println(`no attribute info for ${attr}`);
      else {
        this.out.println(def.name);
        this.out.println(wrap(def.desc, 70, '    '));
        this.out.println();
        const classes = def.classes.map((c) => (c === 'config' ? 'globalConfig' : c)).join(',');
        const fields: [string, string][] = [
          ['type', def.type],
          ['value', def.type === 'enum' || def.type === 'regex' ? (def.value ?? '') : ''],
          ['callback', def.callback ?? ''],
          ['immutable', String(def.immutable ?? false)],
          ['cardinality', def.multi ? 'multi' : 'single'],
          ['requiredIn', def.name === 'zimbraAccountStatus' ? 'account' : ''],
          ['optionalIn', def.name === 'zimbraAccountStatus' ? '' : classes],
          ['flags', (def.flags ?? []).join(',')],
          ['defaults', (def.cosDefault ?? []).join(',')],
          ['min', ''],
          ['max', def.max !== undefined ? String(def.max) : ''],
          ['id', def.id !== undefined ? String(def.id) : ''],
          ['requiresRestart', def.requiresRestart ?? ''],
          ['since', def.since ?? ''],
          ['deprecatedSince', def.deprecatedSince ?? ''],
        ];
        for (const [f, v] of fields) this.out.out(`    ${f.padStart(15)} : ${v}\n`);
      }
      this.out.println();
      return;
    }
    for (const def of defs.filter((d) => !cls || d.classes.includes(cls)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      this.out.println(def.name);
      if (verbose) this.out.println(`${wrap(def.desc, 70, '    ')}\n`);
    }
  }
}
