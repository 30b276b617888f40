/**
 * ProvUtil itself: main (options, then one command, a -f batch file or the interactive loop on
 * stdin), the push-mode session fed one line at a time, execute and the command dispatch.
 * runZmprov runs one process; ZmprovSession is the in-process interactive zmprov.
 */
import { readFileSync } from 'node:fs';
import { ArgError, ExitSignal, JvmCrash, ServiceError } from '../errors.js';
import type { RunResult } from '../output.js';
import type { SimState } from '../state.js';
import { LineReader, parseLine, readLogicalLine, type LineSource } from '../tokenize.js';
import { lookupCommand, type CommandSpec } from './commands.js';
import { jlineEcho, type ZmprovIO } from './io.js';
import { OptionError, parseOptions } from './options.js';
import { ListCommands } from './lists.js';

class ProvUtil extends ListCommands {
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
    this.scanned = 0;
    const lines = this.out.lines;
    let ok = false;
    try {
      this.checkInjection(args);
      this.dispatch(command, args);
      ok = true;
    } finally {
      if (this.visited > 0) this.log({ type: 'read', command: command.name, accounts: this.visited });
      const us = (this.visited + this.scanned / 10) * (this.io.listAccountUs ?? 0) + (this.out.lines - lines) * (this.io.lineUs ?? 0);
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
      case 'cdl':
        return this.doCreateDistributionList(args);
      case 'gdl':
        return this.doGetDistributionList(args);
      case 'gadl':
        return this.doGetAllDistributionLists(args);
      case 'mdl':
        return this.doModifyDistributionList(args);
      case 'ddl':
        return this.doDeleteDistributionList(args);
      case 'adlm':
        return this.doAddMember(args);
      case 'rdlm':
        return this.doRemoveMember(args);
      case 'adla':
        return this.doAddListAlias(args);
      case 'rdla':
        return this.doRemoveListAlias(args);
      case 'rdl':
        return this.doRenameDistributionList(args);
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
}

/** Runs one zmprov invocation (a single command, `-f file`, or commands on stdin) against `state`. */
export function runZmprov(state: SimState, argv: string[], io: ZmprovIO = {}): RunResult {
  return new ProvUtil(state, io).run(argv);
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
