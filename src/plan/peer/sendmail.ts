/**
 * Sendmail peer: LUSER_RELAY, mailertable, virtusertable (zimbra.md §6.4). Every value crosses
 * the operator's root shell, so each goes through shQuote; map lines are written with printf
 * (echo's backslash handling differs between sh and bash). sendmail.mc lines go in before the
 * first MAILER(): FEATURE() and define() after it are ignored or refused by m4.
 *
 * Checked against a real Sendmail 8.17 (test/lab/sendmail.test.ts):
 * - LUSER_RELAY + FEATURE(`preserve_luser_host') keep the recipient's domain only when the local
 *   mailer receives the host. For a domain in class w (local-host-names) it never does: the
 *   relay host replaced the domain (`RCPT TO:<alice@127.0.0.3>` for `relay:127.0.0.3`,
 *   `<alice@[127.0.0.3]>` for `relay:[127.0.0.3]`), which Zimbra rejects. For a domain routed by mailertable
 *   `local:` the local mailer gets user@domain, and Zimbra gets `RCPT TO:<alice@example.com>`.
 *   So a secondary Sendmail takes the domain out of local-host-names and routes it that way;
 *   VIRTUSER_DOMAIN() makes Sendmail accept it (class R) and keeps virtusertable working for it,
 *   which the cutover commands need.
 * - `relay:[host]`, bracketed as in mailertable: no MX lookup for Zimbra's name, and an IP
 *   address is an address literal, not a host name to look up.
 * - makemap and sed -i need their input file: virtusertable (Debian ships none) and mailertable
 *   are created first where they may be missing.
 */
import { shQuote } from '../../zimbra/quote.js';
import type { PeerCommands, PeerContext } from './context.js';
import { routedAddress, routingDomain } from './context.js';

const MC = '/etc/mail/sendmail.mc';
const VIRTUSER = '/etc/mail/virtusertable';
const MAILERTABLE = '/etc/mail/mailertable';
const ACCESS = '/etc/mail/access';
const LOCAL_HOST_NAMES = '/etc/mail/local-host-names';

/** A literal for a sed or grep basic regular expression. */
const bre = (s: string) => s.replace(/[.[\]*^$\\/]/g, '\\$&');
/** Adds one line to sendmail.mc before its first MAILER(), unless a line starting the same way is there. */
const mcLine = (line: string, present: string) => `grep -q ${shQuote(`^${present}`)} ${MC} || sed -i ${shQuote(`0,/^MAILER(/s//${line.replace(/[\\/&]/g, '\\$&')}\\nMAILER(/`)} ${MC}`;
const feature = (name: string) => mcLine(`FEATURE(\`${name}')dnl`, `FEATURE(.${name}`);
const virtuserDomain = (d: string) => mcLine(`VIRTUSER_DOMAIN(\`${d}')dnl`, `VIRTUSER_DOMAIN(.${bre(d)}'`);
/** Appends tab-separated map lines: one printf, the values quoted. */
const mapLines = (file: string, pairs: [string, string][]) => `printf '%s\\t%s\\n' ${pairs.map(([k, v]) => `${shQuote(k)} ${shQuote(v)}`).join(' ')} >> ${file}`;
const makemap = (file: string) => `makemap hash ${file} < ${file}`;
const REBUILD = 'make -C /etc/mail && systemctl restart sendmail   # or: m4 sendmail.mc > sendmail.cf';
const routes = (users: string[]): [string, string][] => users.map((u) => [u, routedAddress(u)]);
const routingTables = (c: PeerContext): [string, string][] => c.domains.map((d) => [routingDomain(d), `esmtp:[${c.zimbra}]`]);
/** Fails, saying why, when Sendmail still counts the domain as one of its own host names (class w). */
const notInClassW = (d: string) =>
  `if printf '%s\\n' '$=w' | sendmail -bt | sed 's/^> //' | grep -qixF ${shQuote(d)}; then echo ${shQuote(`${d} is still in class w (LOCAL_DOMAIN or Cw in sendmail.mc?): remove it there, or unknown users of ${d} stay local`)} >&2; false; fi`;

export const sendmail: PeerCommands = {
  system: 'shell on the Sendmail host (as root)',
  forwardUnknownToZimbra: (c) => [
    {
      title: 'Send unknown local users to Zimbra with LUSER_RELAY',
      why:
        'The peer is secondary: names that are not accounts or aliases there go to the authoritative Zimbra, with their domain kept. preserve_luser_host keeps it only when the local mailer gets the host, ' +
        `so ${c.domains.join(', ')} moves from local-host-names to mailertable \`local:\`; VIRTUSER_DOMAIN lets Sendmail accept it and keeps virtusertable working for cutovers.`,
      commands: [
        mcLine(`define(\`LUSER_RELAY', \`relay:[${c.zimbra}]')dnl`, 'define(.LUSER_RELAY'),
        feature('preserve_luser_host'),
        feature('virtusertable'),
        feature('mailertable'),
        ...c.domains.map(virtuserDomain),
        mapLines(MAILERTABLE, [...c.domains.map((d): [string, string] => [d, 'local:']), ...routingTables(c)]),
        `touch ${VIRTUSER}`,
        makemap(VIRTUSER),
        makemap(MAILERTABLE),
        ...c.domains.map((d) => `sed -i ${shQuote(`/^[[:space:]]*${bre(d)}[[:space:]]*$/Id`)} ${LOCAL_HOST_NAMES}`),
        REBUILD,
        ...c.domains.map(notInClassW),
      ],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep Sendmail authoritative for ${c.domains.join(', ')}; route Zimbra users through ${c.domains.map(routingDomain).join(', ')}`,
      why: `Sendmail knows every address; virtusertable maps each Zimbra user to the routing subdomain, mailertable sends that to Zimbra, which accepts it as an alias domain.`,
      commands: [
        feature('virtusertable'),
        feature('mailertable'),
        ...(c.zimbraUsers.length ? [mapLines(VIRTUSER, routes(c.zimbraUsers))] : [`touch ${VIRTUSER}`]),
        mapLines(MAILERTABLE, routingTables(c)),
        makemap(VIRTUSER),
        makemap(MAILERTABLE),
        `printf 'Connect:%s\\tRELAY\\n' ${shQuote(c.zimbraIp)} >> ${ACCESS} && ${makemap(ACCESS)}`,
        REBUILD,
      ],
    },
  ],
  routeUsersToZimbra: (_c, users) => [
    {
      title: `Route ${users.length} user(s) to Zimbra on Sendmail`,
      why: 'Their mailbox is on Zimbra now: virtusertable sends them to the routing subdomain.',
      commands: [mapLines(VIRTUSER, routes(users)), makemap(VIRTUSER)],
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Deliver ${users.length} user(s) on Sendmail again`,
      why: 'They move back: remove their virtusertable entries.',
      commands: [...users.map((u) => `sed -i ${shQuote(`/^${bre(u)}\\t/d`)} ${VIRTUSER}`), makemap(VIRTUSER)],
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split-domain routing from Sendmail',
      why: 'The migration is over.',
      commands: [
        `touch ${VIRTUSER} ${MAILERTABLE}`,
        `sed -i ${shQuote(['/^define(.LUSER_RELAY/d', '/^FEATURE(.preserve_luser_host/d', ...c.domains.map((d) => `/^VIRTUSER_DOMAIN(.${bre(d)}'/d`)].join(';'))} ${MC}`,
        ...c.domains.map((d) => `sed -i ${shQuote(`/@${bre(routingDomain(d))}$/d`)} ${VIRTUSER}`),
        ...c.domains.map((d) => `sed -i ${shQuote(`/^${bre(routingDomain(d))}\\t/d;/^${bre(d)}\\tlocal:$/d`)} ${MAILERTABLE}`),
        `sed -i ${shQuote(`/^Connect:${bre(c.zimbraIp)}\\t/d`)} ${ACCESS}`,
        makemap(VIRTUSER),
        makemap(MAILERTABLE),
        makemap(ACCESS),
        REBUILD,
      ],
    },
  ],
};
