/** Listing and searching accounts: gaa (getAllAccounts, -l only), sa (searchAccounts), cta (countAccount). */
import { ArgError, ServiceError } from '../errors.js';
import { FilterSyntaxError, matchFilter, parseFilter } from '../ldapfilter.js';
import { first, getAttr, type Attrs } from '../state.js';
import { AccountCommands } from './accounts.js';
import { ERR_INVALID_ARG_EV } from './commands.js';
import { splitAddress } from './lookup.js';

const DEFAULT_COS_ID = 'e00428a1-0c00-11d9-836a-000d93afea2a';

export abstract class SearchCommands extends AccountCommands {
  /** gaa lists accounts only (IncludeType.ACCOUNTS_ONLY); gacr the calendar resources. */
  protected doGetAllAccounts(args: string[], calendarResources = false): void {
    let verbose = false;
    let applyDefault = true;
    let d: string | undefined;
    let s: string | undefined;
    for (let i = 1; i < args.length; i++) {
      const arg = args[i];
      if (arg === '-v') verbose = true;
      else if (arg === '-e') applyDefault = false;
      else if (arg === '-s') {
        i++;
        if (i < args.length) {
          if (s === undefined) s = args[i];
          else {
            this.out.println(`invalid arg: ${args[i]}, already specified -s with ${s}`);
            this.usage();
            return;
          }
        } else {
          this.usage();
          return;
        }
      } else if (d === undefined) d = arg;
      else {
        this.out.println(`invalid arg: ${arg}, already specified domain: ${d}`);
        this.usage();
        return;
      }
    }
    if (!applyDefault && !verbose) {
      this.out.println(ERR_INVALID_ARG_EV);
      this.usage();
      return;
    }
    const server = s !== undefined ? this.lookupServer(s) : undefined;
    const domain = d !== undefined ? this.lookupDomain(d) : undefined;
    for (const name of Object.keys(this.state.accounts).sort()) {
      const attrs = this.state.accounts[name];
      if (domain && splitAddress(name)[1].toLowerCase() !== domain[0].toLowerCase()) continue;
      if ((getAttr(attrs, 'objectClass') ?? []).includes('zimbraCalendarResource') !== calendarResources) continue;
      this.visited++; // the search's base is the domain: every account of it comes back
      if (server && (first(attrs, 'zimbraMailHost') ?? '').toLowerCase() !== (first(server[1], 'zimbraServiceHostname') ?? server[0]).toLowerCase()) continue;
      if (verbose) this.dumpAccount({ name, attrs }, applyDefault, null);
      else this.out.println(name);
    }
  }

  protected doSearchAccounts(args: string[]): void {
    let verbose = false;
    let i = 1;
    if (args[i] === '-v') {
      verbose = true;
      i++;
    }
    if (args.length < i + 1) {
      this.usage();
      return;
    }
    const query = args[i];
    const rest = args.slice(i + 1);
    if (rest.length % 2 !== 0) throw new ArgError('not enough arguments');
    const opts = new Map<string, string>();
    for (let j = 0; j < rest.length; j += 2) opts.set(rest[j], rest[j + 1]);
    const limit = opts.has('limit') ? Number.parseInt(opts.get('limit') ?? '', 10) : Number.MAX_SAFE_INTEGER;
    const offset = opts.has('offset') ? Number.parseInt(opts.get('offset') ?? '', 10) : 0;
    const sortBy = opts.get('sortBy');
    const ascending = opts.has('sortAscending') ? opts.get('sortAscending') === '1' : true;
    const domain = opts.has('domain') ? this.lookupDomain(opts.get('domain') ?? '') : undefined;
    let filter;
    try {
      filter = parseFilter(query);
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw ServiceError.invalidRequest(`invalid search filter: ${query}`);
      throw e;
    }
    // ProvUtil's default types: accounts, aliases, distributionlists, dynamicgroups, resources.
    const types = (opts.get('types') ?? 'accounts,resources,distributionlists').toLowerCase().split(',');
    const inDomain = ([name, attrs]: [string, Attrs]) => (!domain || splitAddress(name)[1] === domain[0]) && matchFilter(filter, attrs);
    const isList = new Set<string>();
    const found = types.includes('accounts') || types.includes('resources') ? Object.entries(this.state.accounts).filter(inDomain) : [];
    if (types.includes('distributionlists')) {
      for (const e of Object.entries(this.state.lists ?? {}).filter(inDomain)) {
        isList.add(e[0]);
        found.push(e);
      }
    }
    const keyOf = ([name, attrs]: [string, Attrs]) => (sortBy ? (first(attrs, sortBy) ?? '') : name).toLowerCase();
    found.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0) * (ascending ? 1 : -1));
    // Every entry the search returns is decoded by the JVM, as a listing's are (the listing cost);
    // those it tests and leaves are charged a tenth of it (slapd reads them from its memory map and
    // tests the filter in C: an unindexed attribute is assumed, the worse case).
    const scanned = domain ? Object.keys(this.state.accounts).filter((n) => splitAddress(n)[1] === domain[0]).length : Object.keys(this.state.accounts).length;
    this.visited += found.length;
    this.scanned += Math.max(0, scanned - found.length);
    for (let j = offset; j < offset + limit && j < found.length; j++) {
      const [name, attrs] = found[j];
      if (verbose && isList.has(name)) this.dumpGroup({ name, attrs }, null);
      else if (verbose) this.dumpAccount({ name, attrs }, true, null);
      else this.out.println(name);
    }
  }

  /** ProvUtil.dumpGroup (lists.ts). */
  protected abstract dumpGroup(list: { name: string; attrs: Attrs }, names: string[] | null): void;

  protected doCountAccount(args: string[]): void {
    const [name] = this.lookupDomain(args[1]);
    const count = Object.keys(this.state.accounts).filter((a) => splitAddress(a)[1] === name).length;
    const row = (a: string, b: string, c: string) => `${a.padEnd(20)} ${b.padEnd(40)} ${c}\n`;
    this.out.out(row('cos name', 'cos id', '# of accounts'));
    this.out.out(row('--------------------', '----------------------------------------', '--------------------'));
    if (count > 0) this.out.out(row('default', DEFAULT_COS_ID, String(count)));
    this.out.println();
  }
}
