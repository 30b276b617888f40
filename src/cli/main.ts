/** Entry point: decides headless command or interactive wizard before anything renders. */
import { UsageError, parseFlags, withConfigSources } from './args.js';
import type { CliIO } from './io.js';
import { EXIT, operatorMessage, processIO } from './io.js';
import { planCommand } from './plan.js';
import { HELP, VERSION } from './help.js';

type Command = (flags: ReturnType<typeof parseFlags>['values'], positionals: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  plan: async () => planCommand,
  apply: async () => (await import('./apply.js')).applyCommand,
  rollback: async () => (await import('./apply.js')).rollbackCommand,
  status: async () => (await import('./apply.js')).statusCommand,
  abandon: async () => (await import('./apply.js')).abandonCommand,
  sim: async () => (await import('./sim.js')).simCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  inventory: async () => (await import('./inventory.js')).inventoryCommand,
};

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values: given, positionals } = parseFlags(argv);
    const flags = given.config && !given.help && !given.version ? withConfigSources(given) : given;
    if (flags.version) {
      io.out(`zsplit ${VERSION}\n`);
      return EXIT.ok;
    }
    const [name, ...rest] = positionals;
    if (flags.help || name === 'help') {
      io.out(HELP);
      return EXIT.ok;
    }
    if (!name || name === 'wizard') {
      if (!io.isTTY) {
        io.err('zsplit: no terminal: the wizard needs one. Use the headless commands, e.g.\n  zsplit plan setup --role secondary --domain example.com --zimbra-host zimbra.example.com --peer-host mail.example.com --peer-kind exchange\n  zsplit apply --plan plan.json --yes\nSee zsplit --help.\n');
        return EXIT.invalid;
      }
      const { startWizard } = await import('./wizard.js');
      return await startWizard(flags, io);
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}"; see zsplit --help`);
    // Recipient sources (an LDAP read is asynchronous) are read once, before the answers.
    if (name !== 'inventory' && (flags['peer-recipients'] || flags['peer-ldap-url'])) await (await import('./inventory.js')).loadRecipientFlags(flags, io);
    return await (await load())(flags, rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`zsplit: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof Error && e.name === 'StateDirError') {
      const refused = (e as Error & { refused?: boolean }).refused !== false;
      io.err(`zsplit: ${refused ? 'refused: ' : ''}${e.message}\n`);
      return refused ? EXIT.refused : EXIT.failure;
    }
    const known = operatorMessage(e) ?? (e instanceof Error && (e.name === 'JournalWriteError' || e.name === 'UnreadablePlan') ? e.message : undefined);
    io.err(known ? `zsplit: ${known}\n` : `zsplit: ${(e as Error).stack ?? e}\n`);
    return EXIT.failure;
  }
}
