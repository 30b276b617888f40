export const VERSION = '0.1.0';

export const HELP = `zsplit ${VERSION}: set up, cut over and remove a Zimbra split domain, with preview, journal and rollback.

Usage:
  zsplit                         the wizard (needs a terminal)
  zsplit plan setup|cutover|unsplit [answers] [--format text|sh|json] [--out FILE]
  zsplit apply --plan FILE (--yes | --step) | zsplit apply setup|cutover|unsplit [answers] (--yes | --step)
  zsplit apply --resume          continue an interrupted run
  zsplit rollback [--run ID] [--to STEP] [--yes]
  zsplit abandon [--run ID] [--reason TEXT] --yes   never resume a stopped run (its changes stay)
  zsplit status [--json]         runs, their states, interrupted steps
  zsplit trace [JOB] ADDRESS [--from internet|zimbra|peer] [--connect] [--json] [answers]
  zsplit verify --pre|--post [JOB] [answers] [--address A] [--zimbra-smtp-port P]
                [--dns-server IP[:PORT]] [--timeout SECONDS] [--json]
  zsplit sim import --gaa FILE --gd FILE --gacf FILE [--gs FILE] [--sim-state FILE]

Answers (or --config FILE with the same names in camelCase):
  --domain D            shared mail domain (repeatable)
  --role R              primary (Zimbra authoritative) | secondary (Zimbra forwards unknown users)
  --zimbra-host H       Zimbra MTA server name (repeatable; default: zmhostname)
  --mailbox-host H      Zimbra mailbox server for lmtp:H:7025 (default: the first --zimbra-host)
  --zimbra-version V    e.g. 8.6.0, 10.1.0 (default: zmcontrol -v, else 10.1.0)
  --peer-kind K         zimbra | exchange | m365 | postfix | sendmail | other
  --peer-host H         the other system's SMTP host
  --peer-port P         its SMTP port (default 25)
  --peer-ip IP          address or network the peer relays from (repeatable)
  --peer-accounts FILE  users living on the peer: "address [alias ...]" per line, # comments
  --users FILE          cutover: the users to move;  --direction to-zimbra|to-peer  --wave NAME
  --allow-wide-network  accept a --peer-ip wider than /24 (IPv4) or /64 (IPv6)
  --force               unsplit even though accounts are still routed to the peer

Where commands run:
  --target local|ssh://user@host[:port]   (default local)
  --run-as zimbra|current   switch to the zimbra user with su (default when root) or not
  --zmprov PATH             zmprov binary (also ZSPLIT_ZMPROV)
  --rehearsal               use the built-in simulated Zimbra (default when no Zimbra is installed)
  --state-dir DIR           journal, locks and saved answers

Exit codes: 0 done; 1 failure; 2 invalid input or refused (the message names the flag);
            3 verification failed or changes still pending.
`;

/** What `zsplit --version` and `zsplit --help` print, answered before the program is loaded; else undefined. */
export function quickAnswer(argv: readonly string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  const [only] = argv;
  if (only === '--version' || only === '-V') return `zsplit ${VERSION}\n`;
  if (only === '--help' || only === '-h' || only === 'help') return HELP;
  return undefined;
}
