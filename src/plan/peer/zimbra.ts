/** A second Zimbra as the peer: the mirror-image zmprov commands, run there by the operator. */
import { shJoin } from '../../zimbra/quote.js';
import { smtpTransport } from '../../zimbra/attrs.js';
import type { PeerCommands } from './context.js';

const zmprov = (...args: string[]) => `zmprov ${shJoin(args)}`;

export const zimbraPeer: PeerCommands = {
  system: 'the other Zimbra (as zimbra)',
  forwardUnknownToZimbra: (c) => [
    {
      title: 'Make the other Zimbra secondary: forward unknown users to this Zimbra',
      why: 'Exactly one Zimbra is authoritative; the other catches all unknown addresses and forwards them.',
      commands: c.domains.flatMap((d) => [
        zmprov('md', d, 'zimbraMailCatchAllAddress', `@${d}`, 'zimbraMailCatchAllForwardingAddress', `@${d}`, 'zimbraMailTransport', smtpTransport(c.zimbra, 25)),
      ]),
    },
  ],
  authoritative: (c) => [
    {
      title: 'Route this Zimbra\'s users from the authoritative Zimbra',
      why: 'The other Zimbra rejects unknown users; each user who lives here needs a locked placeholder there routed here.',
      commands: c.zimbraUsers.flatMap((u) => [zmprov('ca', u, '', 'zimbraAccountStatus', 'locked'), zmprov('ma', u, 'zimbraMailTransport', smtpTransport(c.zimbra, 25))]),
    },
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Route ${users.length} user(s) to this Zimbra from the other Zimbra`,
      why: 'Their mailbox moved here; lock the old account and point its transport here.',
      commands: users.flatMap((u) => [zmprov('ma', u, 'zimbraAccountStatus', 'locked'), zmprov('ma', u, 'zimbraMailTransport', smtpTransport(c.zimbra, 25))]),
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Deliver ${users.length} user(s) on the other Zimbra again`,
      why: 'They move back: restore their LMTP transport there.',
      commands: users.map((u) => `zmprov ma ${shJoin([u])} zimbraMailTransport lmtp:<their mailbox host>:7025 zimbraAccountStatus active`),
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split configuration from the other Zimbra',
      why: 'The migration is over.',
      commands: c.domains.map((d) => zmprov('md', d, 'zimbraMailCatchAllAddress', '', 'zimbraMailCatchAllForwardingAddress', '', 'zimbraMailTransport', '')),
    },
  ],
};
