/**
 * Sendmail peer: LUSER_RELAY, mailertable, virtusertable (zimbra.md §6.4). Every value crosses
 * the operator's root shell, so each goes through shQuote; map lines are written with printf
 * (echo's backslash handling differs between sh and bash). sendmail.mc lines go in before the
 * first MAILER(): FEATURE() and define() after it are ignored or refused by m4.
 */
import { shQuote } from '../../zimbra/quote.js';
import type { PeerCommands, PeerContext } from './context.js';
import { routedAddress, routingDomain } from './context.js';

const MC = '/etc/mail/sendmail.mc';
const VIRTUSER = '/etc/mail/virtusertable';
const MAILERTABLE = '/etc/mail/mailertable';
const ACCESS = '/etc/mail/access';

/** Adds one line to sendmail.mc before its first MAILER(), unless a line starting the same way is there. */
const mcLine = (line: string, present: string) => `grep -q ${shQuote(`^${present}`)} ${MC} || sed -i ${shQuote(`0,/^MAILER(/s//${line.replace(/[\\/&]/g, '\\$&')}\\nMAILER(/`)} ${MC}`;
const feature = (name: string) => mcLine(`FEATURE(\`${name}')dnl`, `FEATURE(.${name}`);
/** Appends tab-separated map lines: one printf, the values quoted. */
const mapLines = (file: string, pairs: [string, string][]) => `printf '%s\\t%s\\n' ${pairs.map(([k, v]) => `${shQuote(k)} ${shQuote(v)}`).join(' ')} >> ${file}`;
const makemap = (file: string) => `makemap hash ${file} < ${file}`;
const REBUILD = 'make -C /etc/mail && systemctl restart sendmail   # or: m4 sendmail.mc > sendmail.cf';
const routes = (users: string[]): [string, string][] => users.map((u) => [u, routedAddress(u)]);
const routingTables = (c: PeerContext): [string, string][] => c.domains.map((d) => [routingDomain(d), `esmtp:[${c.zimbra}]`]);

export const sendmail: PeerCommands = {
  system: 'shell on the Sendmail host (as root)',
  forwardUnknownToZimbra: (c) => [
    {
      title: 'Send unknown local users to Zimbra with LUSER_RELAY',
      why: 'The peer is secondary: names that are not accounts or aliases there go to the authoritative Zimbra, with their domain kept (preserve_luser_host).',
      commands: [mcLine(`define(\`LUSER_RELAY', \`relay:${c.zimbra}')dnl`, 'define(.LUSER_RELAY'), feature('preserve_luser_host'), REBUILD],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep Sendmail authoritative for ${c.domains.join(', ')}; route Zimbra users through ${c.domains.map(routingDomain).join(', ')}`,
      why: `Sendmail knows every address; virtusertable maps each Zimbra user to the routing subdomain, mailertable sends that to Zimbra, which accepts it as an alias domain.`,
      commands: [
        feature('virtusertable'),
        feature('mailertable'),
        ...(c.zimbraUsers.length ? [mapLines(VIRTUSER, routes(c.zimbraUsers))] : []),
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
      commands: [...users.map((u) => `sed -i ${shQuote(`/^${u.replace(/[.[\]*^$\\/]/g, '\\$&')}\\t/d`)} ${VIRTUSER}`), makemap(VIRTUSER)],
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split-domain routing from Sendmail',
      why: 'The migration is over.',
      commands: [
        `sed -i ${shQuote('/^define(.LUSER_RELAY/d;/^FEATURE(.preserve_luser_host/d')} ${MC}`,
        ...c.domains.map((d) => `sed -i ${shQuote(`/@${routingDomain(d).replace(/[.]/g, '\\.')}$/d`)} ${VIRTUSER}`),
        ...c.domains.map((d) => `sed -i ${shQuote(`/^${routingDomain(d).replace(/[.]/g, '\\.')}\\t/d`)} ${MAILERTABLE}`),
        `sed -i ${shQuote(`/^Connect:${c.zimbraIp.replace(/[.]/g, '\\.')}\\t/d`)} ${ACCESS}`,
        makemap(VIRTUSER),
        makemap(MAILERTABLE),
        makemap(ACCESS),
        REBUILD,
      ],
    },
  ],
};
