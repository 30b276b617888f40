/**
 * The state of one zmprov process (options, modes, the error flag, what the running command
 * touched) and its plumbing: stdin, usage and help, the provisioning start, failure injection.
 * ProvUtil is one class in Zimbra; here its methods sit in a chain of classes, one file per room
 * (base -> lookup -> attrs -> accounts -> search -> domains -> servers -> lists -> provutil), so that the
 * bodies stay as in one class and no file imports a file that imports it.
 */
import { ExitSignal, ServiceError } from '../errors.js';
import { Output } from '../output.js';
import { newUuid, type SimLogRecord, type SimState, type Touched } from '../state.js';
import { LineReader, type LineSource } from '../tokenize.js';
import { CATEGORIES, COMMANDS, ERR_VIA_LDAP_ONLY, ERR_VIA_SOAP_ONLY, GENERAL_USAGE, type Category, type CommandSpec } from './commands.js';
import { jlineEcho, type ZmprovIO } from './io.js';
import type { Options } from './options.js';

export abstract class ProvBase {
  protected readonly out: Output;
  protected opts!: Options;
  protected interactiveMode = false;
  protected batchMode = false;
  protected errorOccurred = false;
  protected command: CommandSpec | undefined;
  protected reader: LineSource | undefined;
  protected stdinText: string | undefined;
  protected stdinLines: LineSource | undefined;
  protected touched: Touched[] = [];
  protected injectMatches = 0;
  protected injectFired = 0;
  protected mutated = false;
  /** Accounts the current command's LDAP search returned (the listing cost). */
  protected visited = 0;
  /** Accounts a search tested and did not return: a tenth of the listing cost each. */
  protected scanned = 0;

  constructor(
    protected readonly state: SimState,
    protected readonly io: ZmprovIO,
  ) {
    this.out = new Output(io.onOutput);
  }

  // ----- plumbing --------------------------------------------------------------------------

  protected get version(): string {
    return this.state.version;
  }

  protected now(): Date {
    return this.io.now?.() ?? new Date();
  }

  protected newId(): string {
    return this.io.newId?.() ?? newUuid();
  }

  protected printError(text: string): void {
    this.out.err(`${text}\n`);
  }

  protected stdin(): string {
    if (this.stdinText === undefined) {
      const s = this.io.stdin;
      this.stdinText = typeof s === 'function' ? s() : typeof s === 'object' ? '' : (s ?? '');
    }
    return this.stdinText;
  }

  /** stdin as lines: System.in, shared by the command reader and the confirmation prompt. */
  protected stdinSource(): LineSource {
    if (!this.stdinLines) {
      const s = this.io.stdin;
      const raw = typeof s === 'object' ? s : new LineReader(this.stdin());
      this.stdinLines = this.io.lineEditing === 'tty' ? jlineEcho(raw, (t) => this.out.out(t)) : raw;
    }
    return this.stdinLines;
  }

  /** Marks an entry of the state as replaced or removed by the running command. */
  protected touch(coll: 'accounts' | 'domains' | 'servers' | 'lists' | 'config', name = ''): void {
    this.mutated = true;
    this.touched.push(coll === 'config' ? { coll } : { coll, name });
    if (coll === 'accounts') this.reindex(name);
  }

  protected log(rec: SimLogRecord): void {
    this.io.onLog?.(rec);
  }

  protected get useLdap(): boolean {
    return this.opts.ldap;
  }

  protected usage(violatedVia?: 'ldap' | 'soap'): void {
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

  protected doHelp(args: string[] | null): void {
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

  protected initProvisioning(): void {
    if (!this.useLdap && this.io.soapDown) {
      const host = (this.opts.server ?? 'localhost').split(':')[0];
      throw new ServiceError('zclient.IO_ERROR', `invoke Connection refused, server: ${host}`, 'java.net.ConnectException Connection refused');
    }
  }

  protected checkInjection(args: string[]): void {
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

  /** After a command replaced or removed an account entry (lookup.ts keeps the index). */
  protected abstract reindex(name: string): void;
}
