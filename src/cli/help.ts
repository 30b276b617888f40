// The version, the usage text of --help, and the quick answers (--version, --help) given before the program loads.
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
                [--dns-server IP[:PORT]] [--timeout SECONDS] [--ca FILE] [--json]
  zsplit sim import --gaa FILE --gd FILE --gacf FILE [--gs FILE] [--gadl FILE] [--sim-state FILE]
  zsplit inventory --domain D (--peer-recipients FILE... | --peer-ldap-url URL ...) [--json]
                                 the peer's recipients grouped by class, before planning

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
  --peer-address-class C  Postfix peer: how it hosts the domain now: relay | virtual | local
                        (relay_domains, virtual_mailbox_domains, mydestination; the plan's probe step shows it)
  --peer-transport T    Postfix peer: the transport of its own users (e.g. lmtp:unix:private/dovecot-lmtp)
  --users FILE          cutover: the users to move;  --direction to-zimbra|to-peer  --wave NAME
  --peer-recipients FILE  every recipient of the peer (repeatable): lists, shared mailboxes, rooms, contacts...
  --peer-recipients-format exchange-csv|postfix-maps|zimbra|addresses   (default: from the content)
                        Exchange/M365, run there and bring recipients.csv back:
                        Get-Recipient -ResultSize Unlimited | Select-Object PrimarySmtpAddress,RecipientTypeDetails,DisplayName,@{n='EmailAddresses';e={$_.EmailAddresses -join ';'}} | Export-Csv -Path recipients.csv -NoTypeInformation -Encoding UTF8
                        Postfix: the virtual_mailbox_maps, virtual_alias_maps, relay_recipient_maps source files
                        Zimbra: zmprov -l gaa -v -e D; zmprov gadl -v D; zmprov gacr -v -e D (into one or several files)
  --peer-ldap-url URL   read them live from AD/LDAP (ldaps://, or ldap:// with --peer-ldap-starttls; certificates checked)
  --peer-ldap-bind-dn DN  --peer-ldap-base DN  --peer-ldap-filter F  --peer-ldap-ca PEMFILE
  --peer-ldap-password-file FILE   the bind password (or ZSPLIT_PEER_LDAP_PASSWORD; never a flag)
  --placeholders-in-gal list primary placeholders in Zimbra's GAL (default: hidden, zimbraHideInGal TRUE)
  --placeholder-host H  the mailbox server placeholders are created on (zimbraMailHost; repeat to spread them; default: Zimbra picks)
  --allow-wide-network  accept a --peer-ip wider than /24 (IPv4) or /64 (IPv6)
  --force               unsplit even though accounts are still routed to the peer

Applying (apply, rollback):
  --yes, -y             approve every step beforehand; asks nothing (without it, on a terminal and a
                        real Zimbra, applying everything first asks you to type the domain name)
  --step                ask per step on stdin (a batch shows all its commands first)
  --refresh             with --plan: re-plan against the server instead of refusing a changed plan
  --verbose             a line for every step of a long batch (default: its first 3, then a count;
                        failed and skipped steps are always listed, the journal holds every result)

Mail-flow check (plan, apply, trace, verify):
  --peer-mode M         what the peer really does: forward-unknown | authoritative
                        (default: what zsplit's peer steps configure)
  --no-flow-check       plan/apply even though the check finds a loop or lost mail

Where commands run:
  --target local|ssh://user@host[:port]   (default local)
  --run-as zimbra|current   switch to the zimbra user with su (default when root) or not
  --zmprov PATH             zmprov binary (also ZSPLIT_ZMPROV)
  --rehearsal               use the built-in simulated Zimbra (default when no Zimbra is installed)
  --state-dir DIR           journal, locks and saved answers

Other:
  --help, -h            this text;  --version, -V  the version

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
