/**
 * A simulated `zmprov` (ProvUtil + the LdapProvisioning behaviour behind it) over a SimState.
 * It reproduces what an apply engine can observe: stdout/stderr text and placement, exit codes,
 * batch-mode prompts and echo, the error flag, the early aborts, and the attribute rules
 * (validation, callbacks, +/- semantics) of zimbra.md §1–§5. Mutates the state in place.
 */
import { readFileSync } from 'node:fs';
import { lmtpTransport } from '../zimbra/attrs.js';
import { ArgError, ExitSignal, JvmCrash, ServiceError } from './errors.js';
import { FilterSyntaxError, matchFilter, parseFilter } from './ldapfilter.js';
import { Output, type Fd, type RunResult } from './output.js';
import {
  allAttrDefs,
  attrDef,
  checkValue,
  compareVersions,
  cosDefaults,
  hasFlag,
  isDeprecated,
  isUuid,
  validEmailAddress,
  type AttrDef,
  type EntryClass,
} from './schema.js';
import {
  domainDn,
  effectiveServerAttr,
  first,
  generalizedTime,
  getAttr,
  newUuid,
  type Attrs,
  type SimLogRecord,
  type SimState,
  type Touched,
} from './state.js';
import { LineReader, parseLine, readLogicalLine, type LineSource } from './tokenize.js';

export type { RunResult } from './output.js';
export type { Touched } from './state.js';

/** Make matching command lines fail, to test how the engine reports a failed line. */
export interface Injection {
  /** Tested against the command's argv joined with single spaces. */
  match: RegExp | string;
  /** `code` or `code (message)`; default `service.FAILURE (system failure: injected)`. */
  code?: string;
  /** Overrides the message part. */
  message?: string;
  /** Only the Nth matching command of this run fails (1-based). */
  nth?: number;
  /** Fail only if the injection never fired before (see firedBefore). */
  once?: boolean;
  /** How often it fired in earlier runs (the CLI reads this from the sidecar log). */
  firedBefore?: number;
}

export interface CommandEvent {
  argv: string[];
  /** The command changed the state (save it now). */
  mutated: boolean;
  /** Which entries it changed, so a save can write only those (state.ts: the write-ahead log). */
  touched?: Touched[];
  ok: boolean;
}

export interface ZmprovIO {
  /** Reads the `-f` file; defaults to the real file system. */
  readFile?(path: string): string;
  /**
   * What stdin delivers (interactive mode, and the `-l da` confirmation): the whole text, a lazy
   * form of it, or a line source read as lines arrive (the executable reads its pipe that way).
   */
  stdin?: string | (() => string) | LineSource;
  /**
   * JLine line editing on stdin (localconfig command_line_editing_enabled, true by default) when
   * JLine finds a controlling terminal although stdin is a pipe: 'tty' emulates what then leaks
   * into the output (see jlineEcho). Unset: JLine falls back to plain reads, nothing leaks.
   */
  lineEditing?: 'tty';
  inject?: Injection;
  /** mailboxd is down: SOAP mode fails before doing anything (zclient.IO_ERROR). */
  soapDown?: boolean;
  /** Streams output as it is written (the CLI forwards it to the real descriptors). */
  onOutput?(fd: Fd, text: string): void;
  /** After each executed command. */
  onCommand?(ev: CommandEvent): void;
  /** Records that belong in the sidecar log (orphaned mailboxes, flushes, injections). */
  onLog?(rec: SimLogRecord): void;
  /** Synchronous sleep, used for startDelayMs (the JVM start) and cmdDelayMs (each command). */
  sleep?(ms: number): void;
  startDelayMs?: number;
  cmdDelayMs?: number;
  /**
   * What a listing costs on a real server besides the command (microseconds): each account the
   * LDAP search returns (decoded into an Account, its COS defaults merged, a SimpleDateFormat made
   * per dumpAttrs call), and each line printed (ProvUtil.printOutput wraps every line in a new
   * BufferedWriter and flushes it: one write(2) per attribute value). Charged to every command by
   * the lines it prints, and to `gaa` by the accounts it visits.
   */
  listAccountUs?: number;
  lineUs?: number;
  now?(): Date;
  newId?(): string;
}

// ---------------------------------------------------------------------------------------------
// Command table (names, aliases, usage text and argument counts from ProvUtil.Command).

type Category =
  | 'ACCOUNT'
  | 'CALENDAR'
  | 'COMMANDS'
  | 'CONFIG'
  | 'COS'
  | 'DOMAIN'
  | 'FREEBUSY'
  | 'LIST'
  | 'LOG'
  | 'MISC'
  | 'MAILBOX'
  | 'REVERSEPROXY'
  | 'RIGHT'
  | 'SEARCH'
  | 'SERVER'
  | 'ALWAYSONCLUSTER'
  | 'UCSERVICE'
  | 'SHARE'
  | 'HAB'
  | 'MOBILE';

const CATEGORIES: [Category, string][] = [
  ['ACCOUNT', 'help on account-related commands'],
  ['CALENDAR', 'help on calendar resource-related commands'],
  ['COMMANDS', 'help on all commands'],
  ['CONFIG', 'help on config-related commands'],
  ['COS', 'help on COS-related commands'],
  ['DOMAIN', 'help on domain-related commands'],
  ['FREEBUSY', 'help on free/busy-related commands'],
  ['LIST', 'help on distribution list-related commands'],
  ['LOG', 'help on logging commands'],
  ['MISC', 'help on misc commands'],
  ['MAILBOX', 'help on mailbox-related commands'],
  ['REVERSEPROXY', 'help on reverse proxy related commands'],
  ['RIGHT', 'help on right-related commands'],
  ['SEARCH', 'help on search-related commands'],
  ['SERVER', 'help on server-related commands'],
  ['ALWAYSONCLUSTER', 'help on alwaysOnCluster-related commands'],
  ['UCSERVICE', 'help on ucservice-related commands'],
  ['SHARE', 'help on share related commands'],
  ['HAB', 'help on HAB commands'],
  ['MOBILE', 'help on mobile devices management commands'],
];

const CACHE_TYPES = [
  'acl',
  'locale',
  'skin',
  'uistrings',
  'license',
  'all',
  'account',
  'config',
  'globalgrant',
  'cos',
  'domain',
  'galgroup',
  'group',
  'mime',
  'server',
  'alwaysOnCluster',
  'zimlet',
];

const MAX = Number.MAX_SAFE_INTEGER;

interface CommandSpec {
  id: string;
  name: string;
  alias: string;
  help?: string;
  cat?: Category;
  min: number;
  max: number;
  via?: 'ldap' | 'soap';
}

// Declaration order of the Command enum, which `help commands` follows.
const COMMANDS: CommandSpec[] = [
  { id: 'aaa', name: 'addAccountAlias', alias: 'aaa', help: '{name@domain|id} {alias@domain}', cat: 'ACCOUNT', min: 2, max: 2 },
  { id: 'cta', name: 'countAccount', alias: 'cta', help: '{domain|id}', cat: 'DOMAIN', min: 1, max: 1 },
  { id: 'ca', name: 'createAccount', alias: 'ca', help: '{name@domain} {password} [attr1 value1 [attr2 value2...]]', cat: 'ACCOUNT', min: 2, max: MAX },
  { id: 'cad', name: 'createAliasDomain', alias: 'cad', help: '{alias-domain-name} {local-domain-name|id} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 2, max: MAX },
  { id: 'cd', name: 'createDomain', alias: 'cd', help: '{domain} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 1, max: MAX },
  { id: 'da', name: 'deleteAccount', alias: 'da', help: '{name@domain|id}', cat: 'ACCOUNT', min: 1, max: 1 },
  { id: 'dd', name: 'deleteDomain', alias: 'dd', help: '{domain|id}', cat: 'DOMAIN', min: 1, max: 1 },
  { id: 'desc', name: 'describe', alias: 'desc', help: '[[-v] [-ni] [{entry-type}]] | [-a {attribute-name}]', cat: 'MISC', min: 0, max: MAX },
  { id: 'exit', name: 'exit', alias: 'quit', help: '', cat: 'MISC', min: 0, max: 0 },
  { id: 'fc', name: 'flushCache', alias: 'fc', help: `[-a] {${CACHE_TYPES.join('|')}|<extension-cache-type>} [name1|id1 [name2|id2...]]`, cat: 'MISC', min: 1, max: MAX },
  { id: 'ga', name: 'getAccount', alias: 'ga', help: '[-e] {name@domain|id} [attr1 [attr2...]]', cat: 'ACCOUNT', min: 1, max: MAX },
  { id: 'gaa', name: 'getAllAccounts', alias: 'gaa', help: '[-v] [-e] [-s server] [{domain}]', cat: 'ACCOUNT', min: 0, max: 5, via: 'ldap' },
  { id: 'gacr', name: 'getAllCalendarResources', alias: 'gacr', help: '[-v] [-e] [-s server] [{domain}]', cat: 'CALENDAR', min: 0, max: 5 },
  { id: 'gacf', name: 'getAllConfig', alias: 'gacf', help: '[attr1 [attr2...]]', cat: 'CONFIG', min: 0, max: MAX },
  { id: 'gad', name: 'getAllDomains', alias: 'gad', help: '[-v] [-e] [attr1 [attr2...]]', cat: 'DOMAIN', min: 0, max: MAX },
  { id: 'gas', name: 'getAllServers', alias: 'gas', help: '[-v] [-e] [service]', cat: 'SERVER', min: 0, max: 3 },
  { id: 'gcf', name: 'getConfig', alias: 'gcf', help: '{name}', cat: 'CONFIG', min: 1, max: 1 },
  { id: 'gadl', name: 'getAllDistributionLists', alias: 'gadl', help: '[-v] [{domain}]', cat: 'LIST', min: 0, max: 2 },
  { id: 'gd', name: 'getDomain', alias: 'gd', help: '[-e] {domain|id} [attr1 [attr2...]]', cat: 'DOMAIN', min: 1, max: MAX },
  { id: 'gs', name: 'getServer', alias: 'gs', help: '[-e] {name|id} [attr1 [attr2...]]', cat: 'SERVER', min: 1, max: MAX },
  { id: 'help', name: 'help', alias: '?', help: 'commands', cat: 'MISC', min: 0, max: 1 },
  { id: 'ma', name: 'modifyAccount', alias: 'ma', help: '{name@domain|id} [attr1 value1 [attr2 value2...]]', cat: 'ACCOUNT', min: 3, max: MAX },
  { id: 'mcf', name: 'modifyConfig', alias: 'mcf', help: 'attr1 value1 [attr2 value2...]', cat: 'CONFIG', min: 2, max: MAX },
  { id: 'md', name: 'modifyDomain', alias: 'md', help: '{domain|id} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 3, max: MAX },
  { id: 'ms', name: 'modifyServer', alias: 'ms', help: '{name|id} [attr1 value1 [attr2 value2...]]', cat: 'SERVER', min: 3, max: MAX },
  { id: 'raa', name: 'removeAccountAlias', alias: 'raa', help: '{name@domain|id} {alias@domain}', cat: 'ACCOUNT', min: 2, max: 2 },
  {
    id: 'sa',
    name: 'searchAccounts',
    alias: 'sa',
    help: '[-v] {ldap-query} [limit {limit}] [offset {offset}] [sortBy {attr}] [sortAscending 0|1*] [domain {domain}]',
    cat: 'SEARCH',
    min: 1,
    max: MAX,
  },
];

// Real commands the simulator does not model: they fail loudly instead of pretending.
const NOT_SIMULATED: [string, string][] = [
  ['getMailboxInfo', 'gmi'],
  ['setPassword', 'sp'],
  ['renameAccount', 'ra'],
  ['getAccountMembership', 'gam'],
  ['createDistributionList', 'cdl'],
  ['getDistributionList', 'gdl'],
  ['modifyDistributionList', 'mdl'],
  ['deleteDistributionList', 'ddl'],
  ['addDistributionListMember', 'adlm'],
  ['getAllAdminAccounts', 'gaaa'],
  ['getCos', 'gc'],
  ['getAllCos', 'gac'],
  ['modifyCos', 'mc'],
  ['createServer', 'cs'],
];

const COMMAND_INDEX = new Map<string, CommandSpec>();
for (const c of COMMANDS) {
  COMMAND_INDEX.set(c.name.toLowerCase(), c);
  COMMAND_INDEX.set(c.alias.toLowerCase(), c);
}
for (const [name, alias] of NOT_SIMULATED) {
  const spec: CommandSpec = { id: 'unsimulated', name, alias, min: 0, max: MAX };
  COMMAND_INDEX.set(name.toLowerCase(), spec);
  COMMAND_INDEX.set(alias.toLowerCase(), spec);
}

export function lookupCommand(word: string): CommandSpec | undefined {
  return COMMAND_INDEX.get(word.toLowerCase());
}

const ERR_VIA_SOAP_ONLY = 'can only be used with SOAP';
const ERR_VIA_LDAP_ONLY = 'can only be used with  "zmprov -l/--ldap"';
const ERR_INVALID_ARG_EV = 'arg -e is invalid unless -v is also specified';
const SAFEGUARDED = new Set(['zimbraserviceenabled', 'zimbraserviceinstalled']);
const DEFAULT_COS_ID = 'e00428a1-0c00-11d9-836a-000d93afea2a';

const GENERAL_USAGE = [
  '',
  'zmprov [args] [cmd] [cmd-args ...]',
  '',
  '  -h/--help                             display usage',
  '  -f/--file                             use file as input stream',
  '  -s/--server   {host}[:{port}]         server hostname and optional port',
  '  -l/--ldap                             provision via LDAP instead of SOAP',
  '  -L/--logpropertyfile                  log4j property file, valid only with -l',
  '  -a/--account  {name}                  account name to auth as',
  '  -p/--password {pass}                  password for account',
  '  -P/--passfile {file}                  read password from file',
  '  -z/--zadmin                           use zimbra admin name/password from localconfig for admin/password',
  '  -y/--authtoken {authtoken}            use auth token string (has to be in JSON format) from command line',
  '  -Y/--authtokenfile {authtoken file}   read auth token (has to be in JSON format) from a file',
  '  -v/--verbose                          verbose mode (dumps full exception stack trace)',
  '  -d/--debug                            debug mode (dumps SOAP messages)',
  '  -m/--master                           use LDAP master (only valid with -l)',
  '  -r/--replace                          allow replacement of safe-guarded multi-valued attributes configured in localconfig key "zmprov_safeguarded_attrs"',
  '',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Option parsing (commons-cli PosixParser with stopAtNonOption).

interface Options {
  help: boolean;
  file?: string;
  server?: string;
  ldap: boolean;
  logprops?: string;
  zadmin: boolean;
  verbose: boolean;
  debug: boolean;
  debugHigh: boolean;
  master: boolean;
  replace: boolean;
  forceDisplay: boolean;
  authToken?: string;
  authTokenFile?: string;
  args: string[];
}

const WITH_ARG: Record<string, string> = { f: 'file', s: 'server', L: 'logprops', a: 'account', p: 'password', P: 'passfile', y: 'authtoken', Y: 'authtokenfile' };
const FLAGS: Record<string, string> = { h: 'help', l: 'ldap', z: 'zadmin', v: 'verbose', d: 'debug', D: 'debughigh', m: 'master', t: 'temp', r: 'replace', fd: 'forcedisplay' };
const LONG: Record<string, string> = {
  help: 'h',
  file: 'f',
  server: 's',
  ldap: 'l',
  logpropertyfile: 'L',
  account: 'a',
  password: 'p',
  passfile: 'P',
  zadmin: 'z',
  verbose: 'v',
  debug: 'd',
  debughigh: 'D',
  master: 'm',
  temp: 't',
  replace: 'r',
  forcedisplay: 'fd',
  authtoken: 'y',
  authtokenfile: 'Y',
};

class OptionError extends Error {}

function parseOptions(argv: string[]): Options {
  const o: Options = { help: false, ldap: false, zadmin: false, verbose: false, debug: false, debugHigh: false, master: false, replace: false, forceDisplay: false, args: [] };
  const set = (opt: string, value?: string) => {
    switch (opt) {
      case 'h': o.help = true; break;
      case 'f': o.file = value; break;
      case 's': o.server = value; break;
      case 'L': o.logprops = value; break;
      case 'l': o.ldap = true; break;
      case 'z': o.zadmin = true; break;
      case 'v': o.verbose = true; break;
      case 'd': o.debug = true; break;
      case 'D': o.debugHigh = true; break;
      case 'm': o.master = true; break;
      case 'r': o.replace = true; break;
      case 'fd': o.forceDisplay = true; break;
      case 'y': o.authToken = value; break;
      case 'Y': o.authTokenFile = value; break;
      default: break; // -a -p -P -t: accepted, no effect in the simulator
    }
  };
  let i = 0;
  const takeValue = (opt: string, inline: string | undefined): string => {
    if (inline !== undefined && inline !== '') return inline;
    if (i + 1 < argv.length) return argv[++i];
    throw new OptionError(`Missing argument for option: ${opt}`);
  };
  for (; i < argv.length; i++) {
    const tok = argv[i];
    if (tok === '--') {
      i++;
      break;
    }
    if (tok.startsWith('--')) {
      const [name, inline] = tok.slice(2).split(/=(.*)/s, 2);
      const opt = LONG[name];
      if (!opt) break; // unknown: becomes the command (and fails as one)
      set(opt, opt in WITH_ARG ? takeValue(opt, inline) : undefined);
      continue;
    }
    if (!tok.startsWith('-') || tok === '-') break;
    const body = tok.slice(1);
    if (body in FLAGS) {
      set(body);
      continue;
    }
    if (body in WITH_ARG) {
      set(body, takeValue(body, undefined));
      continue;
    }
    // Burst: -lv, -ffile
    let consumed = true;
    for (let j = 0; j < body.length; j++) {
      const c = body[j];
      if (c in FLAGS) set(c);
      else if (c in WITH_ARG) {
        set(c, takeValue(c, body.slice(j + 1)));
        break;
      } else {
        consumed = false;
        break;
      }
    }
    if (!consumed) break;
  }
  o.args = argv.slice(i);
  return o;
}

// ---------------------------------------------------------------------------------------------

type Mods = Map<string, string[]>;

interface AccountRef {
  name: string;
  attrs: Attrs;
}

function splitAddress(addr: string): [string, string] {
  const at = addr.lastIndexOf('@');
  return [addr.slice(0, at), addr.slice(at + 1)];
}

function accountDn(addr: string): string {
  const [local, domain] = splitAddress(addr);
  return `uid=${local},ou=people,${domainDn(domain)}`;
}

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

class ProvUtil {
  private readonly out: Output;
  private opts!: Options;
  private interactiveMode = false;
  private batchMode = false;
  private errorOccurred = false;
  private command: CommandSpec | undefined;
  private reader: LineSource | undefined;
  private stdinText: string | undefined;
  private stdinLines: LineSource | undefined;
  private touched: Touched[] = [];
  private index: { byName: Map<string, string>; byAlias: Map<string, string>; aliases: Map<string, string[]> } | undefined;
  private injectMatches = 0;
  private injectFired = 0;
  private mutated = false;
  /** Accounts the current command's LDAP search returned (the listing cost). */
  private visited = 0;

  constructor(
    private readonly state: SimState,
    private readonly io: ZmprovIO,
  ) {
    this.out = new Output(io.onOutput);
  }

  // ----- plumbing --------------------------------------------------------------------------

  private get version(): string {
    return this.state.version;
  }

  private now(): Date {
    return this.io.now?.() ?? new Date();
  }

  private newId(): string {
    return this.io.newId?.() ?? newUuid();
  }

  private printError(text: string): void {
    this.out.err(`${text}\n`);
  }

  private stdin(): string {
    if (this.stdinText === undefined) {
      const s = this.io.stdin;
      this.stdinText = typeof s === 'function' ? s() : typeof s === 'object' ? '' : (s ?? '');
    }
    return this.stdinText;
  }

  /** stdin as lines: System.in, shared by the command reader and the confirmation prompt. */
  private stdinSource(): LineSource {
    if (!this.stdinLines) {
      const s = this.io.stdin;
      const raw = typeof s === 'object' ? s : new LineReader(this.stdin());
      this.stdinLines = this.io.lineEditing === 'tty' ? jlineEcho(raw, (t) => this.out.out(t)) : raw;
    }
    return this.stdinLines;
  }

  /** Marks an entry of the state as replaced or removed by the running command. */
  private touch(coll: 'accounts' | 'domains' | 'servers' | 'config', name = ''): void {
    this.mutated = true;
    this.touched.push(coll === 'config' ? { coll } : { coll, name });
    if (coll === 'accounts') this.reindex(name);
  }

  private log(rec: SimLogRecord): void {
    this.io.onLog?.(rec);
  }

  private get useLdap(): boolean {
    return this.opts.ldap;
  }

  private usage(violatedVia?: 'ldap' | 'soap'): void {
    let givenHelp = false;
    const c = this.command;
    if (c) {
      if (!violatedVia) {
        this.out.out(`usage:  ${c.name}(${c.alias}) ${c.help ?? ''}\n`);
        givenHelp = true;
      } else {
        this.out.out(`${c.name} ${violatedVia === 'ldap' ? ERR_VIA_LDAP_ONLY : ERR_VIA_SOAP_ONLY}\n`);
      }
    }
    if (this.interactiveMode) return;
    if (givenHelp) {
      this.out.println('For general help, type : zmprov --help');
      throw new ExitSignal(1);
    }
    this.out.println(GENERAL_USAGE);
    this.doHelp(null);
    throw new ExitSignal(1);
  }

  private doHelp(args: string[] | null): void {
    let cat: Category | undefined;
    if (args && args.length >= 2) {
      const s = args[1].toUpperCase();
      cat = CATEGORIES.find(([c]) => c === s)?.[0] ?? CATEGORIES.find(([c]) => c.startsWith(s))?.[0];
    }
    if (!args || args.length === 1 || !cat) {
      this.out.println(' zmprov is used for provisioning. Try:');
      this.out.println('');
      for (const [c, desc] of CATEGORIES) this.out.out(`     zmprov help ${c.toLowerCase().padEnd(15)} ${desc}\n`);
    }
    if (cat) {
      this.out.println('');
      for (const c of COMMANDS) {
        if (c.help === undefined) continue;
        if (cat === 'COMMANDS' || cat === c.cat) {
          this.out.out(`  ${c.name}(${c.alias}) ${c.help}\n`);
          if (c.via === 'ldap') this.out.out(`    -- NOTE: ${c.name} can only be used with "zmprov -l/--ldap"\n`);
          this.out.out('\n');
        }
      }
    }
    this.out.println();
  }

  private initProvisioning(): void {
    if (!this.useLdap && this.io.soapDown) {
      const host = (this.opts.server ?? 'localhost').split(':')[0];
      throw new ServiceError('zclient.IO_ERROR', `invoke Connection refused, server: ${host}`, 'java.net.ConnectException Connection refused');
    }
  }

  private checkInjection(args: string[]): void {
    const inj = this.io.inject;
    if (!inj) return;
    const line = args.join(' ');
    const re = typeof inj.match === 'string' ? new RegExp(inj.match) : inj.match;
    re.lastIndex = 0;
    if (!re.test(line)) return;
    this.injectMatches++;
    if (inj.nth !== undefined && this.injectMatches !== inj.nth) return;
    if (inj.once && (inj.firedBefore ?? 0) + this.injectFired > 0) return;
    this.injectFired++;
    this.log({ type: 'inject', match: re.source, line, time: this.now().toISOString() });
    let code = 'service.FAILURE';
    let message: string | undefined;
    if (inj.code) {
      const m = /^(\S+) \((.*)\)$/s.exec(inj.code.trim());
      if (m) [code, message] = [m[1], m[2]];
      else code = inj.code.trim();
    }
    message = inj.message ?? message ?? (code === 'service.FAILURE' ? 'system failure: injected' : 'injected');
    throw new ServiceError(code, message);
  }

  // ----- main ------------------------------------------------------------------------------

  run(argv: string[]): RunResult {
    if (this.io.startDelayMs) this.io.sleep?.(this.io.startDelayMs);
    let exitCode = 0;
    try {
      exitCode = this.main(argv);
    } catch (e) {
      if (e instanceof ExitSignal) exitCode = e.exitCode;
      else if (e instanceof JvmCrash) {
        this.out.err(e.text());
        exitCode = 1;
      } else throw e;
    }
    return this.out.result(exitCode);
  }

  /** ProvUtil.main up to the command: options and their conflicts. An exit code if it ends there. */
  private mainOptions(argv: string[]): number | undefined {
    try {
      this.opts = parseOptions(argv);
    } catch (e) {
      if (!(e instanceof OptionError)) throw e;
      this.opts = parseOptions([]);
      this.printError(`error: ${e.message}`);
      this.usage();
    }
    const o = this.opts;
    if (o.help) this.usage();
    if (o.ldap && o.server !== undefined) {
      this.printError('error: cannot specify both -l and -s at the same time');
      return 2;
    }
    if (o.logprops !== undefined && !o.ldap) {
      this.printError('error: cannot specify -L when -l is not specified');
      return 2;
    }
    if (o.authToken !== undefined && o.authTokenFile !== undefined) {
      this.printError('error: cannot specify y when Y is specified');
      return 2;
    }
    if (o.debug && o.debugHigh) {
      this.printError('error: cannot specify both -d and -D at the same time');
      return 2;
    }
    if (!o.ldap && o.master) {
      this.printError('error: cannot specify -m when -l is not specified');
      return 2;
    }
    return undefined;
  }

  private main(argv: string[]): number {
    const early = this.mainOptions(argv);
    if (early !== undefined) return early;
    const o = this.opts;
    const args = o.args;
    try {
      if (args.length < 1) {
        this.initProvisioning();
        if (o.file !== undefined) {
          this.batchMode = true;
          this.interactive(new LineReader(this.readBatchFile(o.file)));
        } else this.interactive(this.stdinSource());
        return 0;
      }
      const cmd = lookupCommand(args[0]);
      if (!cmd) this.usage();
      if (cmd?.id === 'desc') this.opts.ldap = true; // forceLdapButDontRequireUseLdapOption
      if (cmd?.id !== 'help') this.initProvisioning();
      try {
        if (!this.execute(args)) this.usage();
      } catch (e) {
        if (e instanceof ArgError) this.usage();
        else throw e;
      }
      return 0;
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      this.printError(e.errorLine());
      if (o.verbose) this.out.err(e.stackTrace());
      return 2;
    }
  }

  private readBatchFile(path: string): string {
    try {
      return this.io.readFile ? this.io.readFile(path) : readFileSync(path, 'utf8');
    } catch {
      throw new JvmCrash('java.io.FileNotFoundException', `${path} (No such file or directory)`, [
        'java.base/java.io.FileInputStream.open0(Native Method)',
        'java.base/java.io.FileInputStream.open(FileInputStream.java:219)',
        'java.base/java.io.FileInputStream.<init>(FileInputStream.java:157)',
        'java.base/java.io.FileInputStream.<init>(FileInputStream.java:112)',
        'com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:4038)',
      ]);
    }
  }

  private interactive(reader: LineSource): void {
    this.interactiveMode = true;
    this.reader = reader;
    for (;;) {
      this.out.out('prov> ');
      const line = readLogicalLine(this.reader);
      if (line === null) break;
      this.interactiveLine(line);
    }
  }

  /** One logical line of interactive mode (a -f file, stdin, or a pushed session line). */
  private interactiveLine(line: string): void {
    if (this.opts.verbose) this.out.println(line);
    const args = parseLine(line);
    if (args.length === 0) return;
    try {
      if (!this.execute(args)) this.out.println("Unknown command. Type: 'help commands' for a list");
    } catch (e) {
      if (e instanceof ServiceError) {
        this.errorOccurred = true;
        this.printError(e.errorLine());
        if (this.opts.verbose) this.out.err(e.stackTrace());
      } else if (e instanceof ArgError) {
        this.usage();
      } else throw e;
    }
  }

  // ----- push mode: an in-process session fed one line at a time -----------------------------

  /**
   * Starts `zmprov [options]` with no command (stdin mode) for lines pushed by sendLine.
   * Returns an exit code when it ended before its first prompt (bad options, mailboxd down).
   */
  startSession(argv: string[], queue: LineSource): number | undefined {
    if (this.io.startDelayMs) this.io.sleep?.(this.io.startDelayMs);
    return this.guard(() => {
      const code = this.mainOptions(argv);
      if (code !== undefined) return code;
      if (this.opts.args.length > 0 || this.opts.file !== undefined) throw new Error('a zmprov session takes options only (no command, no -f)');
      this.initProvisioning();
      this.interactiveMode = true;
      this.stdinLines = this.io.lineEditing === 'tty' ? jlineEcho(queue, (t) => this.out.out(t)) : queue;
      this.reader = this.stdinLines;
      this.out.out('prov> ');
      return undefined;
    });
  }

  /** Runs what the queue holds (one pushed line); an exit code when the process ended. */
  sessionStep(): number | undefined {
    return this.guard(() => {
      const line = readLogicalLine(this.reader!);
      if (line === null) return 0; // end of input: main() returns, exit 0
      this.interactiveLine(line);
      this.out.out('prov> ');
      return undefined;
    });
  }

  private guard(fn: () => number | undefined): number | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ExitSignal) return e.exitCode;
      if (e instanceof JvmCrash) {
        this.out.err(e.text());
        return 1;
      }
      if (e instanceof ServiceError) {
        this.printError(e.errorLine());
        if (this.opts?.verbose) this.out.err(e.stackTrace());
        return 2;
      }
      throw e;
    }
  }

  private execute(args: string[]): boolean {
    const command = lookupCommand(args[0]);
    this.command = command;
    if (!command) return false;
    if (command.via === 'ldap' && !this.useLdap) {
      this.usage('ldap');
      return true;
    }
    const n = args.length - 1;
    if (n < command.min || n > command.max) {
      this.usage();
      return true;
    }
    if (command.id === 'exit') throw new ExitSignal(this.errorOccurred ? 2 : 0);
    if (this.io.cmdDelayMs) this.io.sleep?.(this.io.cmdDelayMs);
    this.mutated = false;
    this.touched = [];
    this.visited = 0;
    const lines = this.out.lines;
    let ok = false;
    try {
      this.checkInjection(args);
      this.dispatch(command, args);
      ok = true;
    } finally {
      if (this.visited > 0) this.log({ type: 'read', command: command.name, accounts: this.visited });
      const us = this.visited * (this.io.listAccountUs ?? 0) + (this.out.lines - lines) * (this.io.lineUs ?? 0);
      if (us > 0) this.io.sleep?.(us / 1000);
      this.io.onCommand?.({ argv: args, mutated: this.mutated, touched: this.touched, ok });
    }
    return true;
  }

  private dispatch(command: CommandSpec, args: string[]): void {
    switch (command.id) {
      case 'aaa':
        return this.doAddAlias(args);
      case 'raa':
        return this.doRemoveAlias(args);
      case 'ca':
        return this.doCreateAccount(args);
      case 'ma': {
        const acct = this.lookupAccount(args[1]);
        const mods = this.getMapAndCheck(args, 2, false);
        return this.modifyAccount(acct, mods);
      }
      case 'md': {
        const [name, attrs] = this.lookupDomain(args[1]);
        const mods = this.getMapAndCheck(args, 2, false);
        this.state.domains[name] = this.modifyEntry('domain', attrs, mods, { entryName: name });
        this.touch('domains', name);
        return;
      }
      case 'ms': {
        const [name, attrs] = this.lookupServer(args[1]);
        const mods = this.getMapAndCheck(args, 2, false);
        this.state.servers[name] = this.modifyEntry('server', attrs, mods, { entryName: name });
        this.touch('servers', name);
        return;
      }
      case 'mcf': {
        const mods = this.getMapAndCheck(args, 1, false);
        this.state.config = this.modifyEntry('config', this.state.config, mods, { entryName: 'config' });
        this.touch('config');
        return;
      }
      case 'ga':
        return this.doGetAccount(args);
      case 'gaa':
        return this.doGetAllAccounts(args);
      case 'gacr':
        return this.doGetAllAccounts(args, true);
      case 'gadl': {
        // The simulator holds no distribution lists (cdl is not simulated): a domain has none.
        const d = args.slice(1).find((x) => x !== '-v');
        if (d !== undefined) this.lookupDomain(d);
        return;
      }
      case 'gd':
        return this.doGetDomain(args);
      case 'gs':
        return this.doGetServer(args);
      case 'gcf':
        return this.dumpAttrs(this.state.config, [args[1].toLowerCase()]);
      case 'gacf':
        return this.dumpAttrs(this.state.config, this.argNameSet(args, 1));
      case 'gas':
        return this.doGetAllServers(args);
      case 'gad':
        return this.doGetAllDomains(args);
      case 'da':
        return this.doDeleteAccount(args);
      case 'fc':
        return this.doFlushCache(args);
      case 'cd':
        return this.doCreateDomain(args);
      case 'cad':
        return this.doCreateAliasDomain(args);
      case 'dd':
        return this.doDeleteDomain(args);
      case 'cta':
        return this.doCountAccount(args);
      case 'sa':
        return this.doSearchAccounts(args);
      case 'desc':
        return this.doDescribe(args);
      case 'help':
        return this.doHelp(args);
      default:
        throw ServiceError.failure(`zsplit simulator: ${command.name} is not simulated`);
    }
  }

  // ----- lookups ---------------------------------------------------------------------------

  private defaultDomain(): string | undefined {
    return first(this.state.config, 'zimbraDefaultDomainName');
  }

  /** prov.getAccount(key): by id, by primary name or by alias; a bare name gets the default domain. */
  private findAccount(key: string): AccountRef | undefined {
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
  private accountIndex(): { byName: Map<string, string>; byAlias: Map<string, string>; aliases: Map<string, string[]> } {
    if (!this.index) {
      const ix = { byName: new Map<string, string>(), byAlias: new Map<string, string>(), aliases: new Map<string, string[]>() };
      for (const [name, attrs] of Object.entries(this.state.accounts)) this.indexAccount(ix, name, attrs);
      this.index = ix;
    }
    return this.index;
  }

  private indexAccount(ix: NonNullable<ProvUtil['index']>, name: string, attrs: Attrs): void {
    if (!ix.byName.has(name.toLowerCase())) ix.byName.set(name.toLowerCase(), name);
    const aliases = (getAttr(attrs, 'zimbraMailAlias') ?? []).map((a) => a.toLowerCase());
    ix.aliases.set(name, aliases);
    for (const a of aliases) if (!ix.byAlias.has(a)) ix.byAlias.set(a, name);
  }

  /** After a command replaced or removed an account entry. */
  private reindex(name: string): void {
    const ix = this.index;
    if (!ix) return;
    if (ix.byName.get(name.toLowerCase()) === name) ix.byName.delete(name.toLowerCase());
    for (const a of ix.aliases.get(name) ?? []) if (ix.byAlias.get(a) === name) ix.byAlias.delete(a);
    ix.aliases.delete(name);
    const attrs = this.state.accounts[name];
    if (attrs) this.indexAccount(ix, name, attrs);
  }

  private lookupAccount(key: string): AccountRef {
    const a = this.findAccount(key);
    if (!a) throw ServiceError.noSuchAccount(key);
    return a;
  }

  /** A domain or server by name or zimbraId, as zmprov accepts either. */
  private findNamed(table: Record<string, Attrs>, key: string): [string, Attrs] | undefined {
    const byId = isUuid(key);
    const k = key.toLowerCase();
    for (const [name, attrs] of Object.entries(table)) {
      if (byId ? first(attrs, 'zimbraId')?.toLowerCase() === k : name.toLowerCase() === k) return [name, attrs];
    }
    return undefined;
  }

  private findDomain(key: string): [string, Attrs] | undefined {
    return this.findNamed(this.state.domains, key);
  }

  private lookupDomain(key: string): [string, Attrs] {
    const d = this.findDomain(key);
    if (!d) throw ServiceError.noSuchDomain(key);
    return d;
  }

  private findServer(key: string): [string, Attrs] | undefined {
    return this.findNamed(this.state.servers, key);
  }

  private lookupServer(key: string): [string, Attrs] {
    const s = this.findServer(key);
    if (!s) throw ServiceError.noSuchServer(key);
    return s;
  }

  private serverByServiceHostname(host: string): [string, Attrs] | undefined {
    for (const [name, attrs] of Object.entries(this.state.servers)) {
      if ((first(attrs, 'zimbraServiceHostname') ?? name).toLowerCase() === host.toLowerCase()) return [name, attrs];
    }
    return undefined;
  }

  private lmtpTransportOf(serverName: string, attrs: Attrs): string {
    const host = first(attrs, 'zimbraServiceHostname') ?? serverName;
    const port = effectiveServerAttr(this.state, serverName, 'zimbraLmtpBindPort')[0] ?? '7025';
    return lmtpTransport(host, Number.parseInt(port, 10));
  }

  /** Whether an address is taken by an account's primary name or alias. */
  private addressOwner(addr: string): string | undefined {
    const lower = addr.toLowerCase();
    const ix = this.accountIndex();
    return ix.byName.get(lower) ?? ix.byAlias.get(lower);
  }

  // ----- attribute maps --------------------------------------------------------------------

  private argNameSet(args: string[], offset: number): string[] | null {
    if (offset >= args.length) return null;
    return args.slice(offset).map((a) => a.toLowerCase());
  }

  /** keyValueArrayToMultiMap + the safeguard + checkDeprecatedAttrs, in ProvUtil's order. */
  private getMapAndCheck(args: string[], offset: number, isCreate: boolean): Mods {
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
  private plainValue(mods: Mods, canonical: string): string[] | undefined {
    for (const [k, v] of mods) if (k.toLowerCase() === canonical.toLowerCase()) return v;
    return undefined;
  }

  private hasKey(mods: Mods, key: string): boolean {
    for (const k of mods.keys()) if (k.toLowerCase() === key.toLowerCase()) return true;
    return false;
  }

  /**
   * AttributeManager.preModify (validation + callbacks), then the LDAP modification list
   * (+/- semantics, the mix rule), then what the LDAP server itself enforces (object class,
   * single-valued). Returns the new attribute set; the caller commits it.
   */
  private modifyEntry(
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
  private callback(
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
  private setMod(mods: Mods, name: string, values: string[]): void {
    for (const k of [...mods.keys()]) if (k.toLowerCase() === name.toLowerCase()) mods.delete(k);
    mods.set(name, values);
  }

  // ----- accounts --------------------------------------------------------------------------

  private modifyAccount(acct: AccountRef, mods: Mods): void {
    const next = this.modifyEntry('account', acct.attrs, mods, { entryName: acct.name });
    this.state.accounts[acct.name] = next;
    this.touch('accounts', acct.name);
  }

  private checkPasswordStrength(password: string): void {
    const cos = cosDefaults(this.version);
    const min = Number.parseInt(cos.zimbraPasswordMinLength?.[0] ?? '6', 10);
    const max = Number.parseInt(cos.zimbraPasswordMaxLength?.[0] ?? '64', 10);
    if (password.length < min) throw ServiceError.invalidPassword('too short');
    if (password.length > max) throw ServiceError.invalidPassword('too long');
  }

  private doCreateAccount(args: string[]): void {
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
    const attrs = this.modifyEntry('account', {}, mods, { entryName: email, create: true });
    const domain = this.findDomain(parts[1]);
    if (!domain) throw ServiceError.noSuchDomain(parts[1]);
    if ((first(domain[1], 'zimbraDomainType') ?? 'local') !== 'local') throw ServiceError.invalidRequest('domain type must be local');
    const set = (name: string, v: string[]) => {
      for (const k of Object.keys(attrs)) if (k.toLowerCase() === name.toLowerCase()) delete attrs[k];
      attrs[name] = v;
    };
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

  private doGetAccount(args: string[]): void {
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

  private accountView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(cosDefaults(this.version))) if (!getAttr(view, k)) view[k] = v;
    return view;
  }

  private dumpAccount(acct: AccountRef, applyDefault: boolean, names: string[] | null): void {
    this.out.println(`# name ${acct.name}`);
    this.dumpAttrs(this.accountView(acct.attrs, applyDefault), names);
    this.out.println();
  }

  /** ProvUtil.dumpAttrs: sorted (TreeMap), one line per value, `attr=value` filters, -fd. */
  private dumpAttrs(attrs: Attrs, specific: string[] | null): void {
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

  /** gaa lists accounts only (IncludeType.ACCOUNTS_ONLY); gacr the calendar resources. */
  private doGetAllAccounts(args: string[], calendarResources = false): void {
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

  private doDeleteAccount(args: string[]): void {
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
    if (this.useLdap) {
      this.log({ type: 'orphaned-mailbox', account: acct.name, id, mailHost: first(acct.attrs, 'zimbraMailHost'), time: this.now().toISOString() });
    }
  }

  /** ProvUtil.confirm: automatic in -f mode; otherwise it reads the NEXT line of stdin. */
  private confirm(msg: string): boolean {
    if (this.batchMode) return true;
    this.out.println(msg);
    this.out.out('Continue? [Y]es, [N]o: ');
    // Interactive mode shares stdin with the command reader: the answer is whatever line comes next.
    const reader = this.reader ?? this.stdinSource();
    const line = readLogicalLine(reader);
    return line !== null && (line.toLowerCase() === 'y' || line.toLowerCase() === 'yes');
  }

  private doAddAlias(args: string[]): void {
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

  private doRemoveAlias(args: string[]): void {
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
      return;
    }
    throw ServiceError.noSuchAccount(args[1]);
  }

  private doSearchAccounts(args: string[]): void {
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
    const found = Object.entries(this.state.accounts).filter(
      ([name, attrs]) => (!domain || splitAddress(name)[1] === domain[0]) && matchFilter(filter, attrs),
    );
    const keyOf = ([name, attrs]: [string, Attrs]) => (sortBy ? (first(attrs, sortBy) ?? '') : name).toLowerCase();
    found.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0) * (ascending ? 1 : -1));
    for (let j = offset; j < offset + limit && j < found.length; j++) {
      const [name, attrs] = found[j];
      if (verbose) this.dumpAccount({ name, attrs }, true, null);
      else this.out.println(name);
    }
  }

  // ----- domains, servers, config ----------------------------------------------------------

  private domainView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(this.state.config)) if (hasFlag(k, 'domainInherited') && !getAttr(view, k)) view[k] = v;
    return view;
  }

  private serverView(attrs: Attrs, applyDefault: boolean): Attrs {
    if (!applyDefault) return attrs;
    const view: Attrs = { ...attrs };
    for (const [k, v] of Object.entries(this.state.config)) if (hasFlag(k, 'serverInherited') && !getAttr(view, k)) view[k] = v;
    return view;
  }

  private dumpEntry(name: string, attrs: Attrs, names: string[] | null): void {
    this.out.println(`# name ${name}`);
    this.dumpAttrs(attrs, names);
    this.out.println();
  }

  /** `gd`/`gs [-e] NAME [attr...]`: -e shows only what is stored on the entry. */
  private doGetNamed(args: string[], lookup: (key: string) => [string, Attrs], view: (attrs: Attrs, applyDefault: boolean) => Attrs): void {
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

  private doGetDomain(args: string[]): void {
    this.doGetNamed(args, (k) => this.lookupDomain(k), (a, d) => this.domainView(a, d));
  }

  private doGetServer(args: string[]): void {
    this.doGetNamed(args, (k) => this.lookupServer(k), (a, d) => this.serverView(a, d));
  }

  private doGetAllServers(args: string[]): void {
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

  private doGetAllDomains(args: string[]): void {
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

  private createDomain(name: string, mods: Mods): string {
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

  private doCreateDomain(args: string[]): void {
    const mods = this.getMapAndCheck(args, 2, true);
    this.out.println(this.createDomain(args[1], mods));
  }

  private doCreateAliasDomain(args: string[]): void {
    const mods = this.getMapAndCheck(args, 3, true);
    const [, target] = this.lookupDomain(args[2]);
    if ((first(target, 'zimbraDomainType') ?? 'local') !== 'local') throw ServiceError.invalidRequest('target domain must be a local domain');
    const alias = args[1].toLowerCase().trim();
    this.setMod(mods, 'zimbraDomainType', ['alias']);
    this.setMod(mods, 'zimbraDomainAliasTargetId', [first(target, 'zimbraId') ?? '']);
    // createDomain adds the alias domain's catch-all key itself.
    this.out.println(this.createDomain(alias, mods));
  }

  private doDeleteDomain(args: string[]): void {
    const [name] = this.lookupDomain(args[1]);
    if (Object.keys(this.state.accounts).some((a) => splitAddress(a)[1] === name)) throw ServiceError.domainNotEmpty(name);
    delete this.state.domains[name];
    this.touch('domains', name);
  }

  private doCountAccount(args: string[]): void {
    const [name] = this.lookupDomain(args[1]);
    const count = Object.keys(this.state.accounts).filter((a) => splitAddress(a)[1] === name).length;
    const row = (a: string, b: string, c: string) => `${a.padEnd(20)} ${b.padEnd(40)} ${c}\n`;
    this.out.out(row('cos name', 'cos id', '# of accounts'));
    this.out.out(row('--------------------', '----------------------------------------', '--------------------'));
    if (count > 0) this.out.out(row('default', DEFAULT_COS_ID, String(count)));
    this.out.println();
  }

  private doFlushCache(args: string[]): void {
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

  private doDescribe(args: string[]): void {
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

/** Runs one zmprov invocation (a single command, `-f file`, or commands on stdin) against `state`. */
export function runZmprov(state: SimState, argv: string[], io: ZmprovIO = {}): RunResult {
  return new ProvUtil(state, io).run(argv);
}

/**
 * What JLine's line editing leaks into the output when stdin is a pipe (zimbra.md §2.1: stdin
 * mode switches JLine on when localconfig command_line_editing_enabled is true, the default).
 * The reference gives no exact bytes, so this is an emulation, chosen to be plausible and
 * unfriendly: a JLine ConsoleReader that found a controlling terminal (su from an interactive
 * login) puts that terminal in raw mode with echo off and echoes every character it reads
 * itself, to stdout, ending the line with CR LF; on its first read it also sends the terminal
 * set-up sequence a terminfo-driven line editor emits (keypad transmit mode, ESC [ ? 1 h ESC =).
 * Every physical line read from stdin is echoed, the answer to a confirmation prompt included.
 * A client must therefore drop an echo of its own line and strip escape sequences and CRs.
 */
export function jlineEcho(source: LineSource, write: (text: string) => void): LineSource {
  let first = true;
  return {
    readLine(): string | null {
      if (first) write('\u001b[?1h\u001b=');
      first = false;
      const line = source.readLine();
      if (line !== null) write(`${line}\r\n`);
      return line;
    },
  };
}

/** Lines pushed by a client, handed to the interactive loop one at a time. */
class LineQueue implements LineSource {
  readonly lines: string[] = [];
  readLine(): string | null {
    return this.lines.shift() ?? null;
  }
}

/**
 * An interactive zmprov (`zmprov [options]` reading stdin) driven in-process one line at a
 * time: the rehearsal executor's session. The JVM start is paid once, in the constructor (the
 * caller may instead await it). An in-process session cannot block on a second reader, so the
 * `-l da` confirmation reads the queue, which is empty: the delete is "aborted" (a client must
 * never send `-l da` or `-l ra` through a session; zsplit refuses to).
 */
export class ZmprovSession {
  private readonly p: ProvUtil;
  private readonly queue = new LineQueue();
  private chunk = '';
  /** Set once the process has ended (exit, crash, abort). */
  exitCode: number | undefined;
  /** Output before the first prompt (and the prompt). */
  readonly greeting: string;

  constructor(state: SimState, argv: string[], io: ZmprovIO = {}) {
    const sink = io.onOutput;
    this.p = new ProvUtil(state, {
      ...io,
      onOutput: (fd, text) => {
        this.chunk += text;
        sink?.(fd, text);
      },
    });
    this.exitCode = this.p.startSession(argv, this.queue);
    this.greeting = this.take();
  }

  private take(): string {
    const t = this.chunk;
    this.chunk = '';
    return t;
  }

  /** Feeds one line (as if written to stdin) and returns all output up to the next prompt, or to the exit. */
  send(line: string): string {
    if (this.exitCode !== undefined) throw new Error('zmprov session has ended');
    this.queue.lines.push(...line.split(/\r\n|\r|\n/));
    let code: number | undefined;
    do code = this.p.sessionStep();
    while (code === undefined && this.queue.lines.length > 0);
    this.exitCode = code;
    return this.take();
  }

  /** End of input (stdin closed): what is left runs and the process exits 0 (or with `exit`'s code). */
  close(): number {
    if (this.exitCode === undefined) this.exitCode = this.p.sessionStep() ?? 0;
    this.take();
    return this.exitCode;
  }
}
