/** Any other MTA: the routing it needs, in words, since zsplit cannot know its syntax. */
import type { PeerCommands } from './context.js';

export const other: PeerCommands = {
  system: 'the other mail system',
  forwardUnknownToZimbra: (c) => [
    {
      title: `Make the other system secondary for ${c.domain}`,
      why: 'It must deliver its own users and relay every other address of the domain to Zimbra, never reject them.',
      commands: [`# accept ${c.domains.join(', ')}; deliver local users; relay all others to ${c.zimbra}:25 (no MX lookup)`],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep the other system authoritative for ${c.domain}`,
      why: 'It must know every address, route Zimbra users to Zimbra, reject unknown ones, and let Zimbra relay through it.',
      commands: [`# route each Zimbra user to ${c.zimbra}:25; reject unknown recipients; allow relay from ${c.zimbraIp}`],
    },
  ],
  routeUsersToZimbra: (c, users) => [{ title: `Route ${users.length} user(s) to Zimbra`, why: 'Their mailbox is on Zimbra now.', commands: users.map((u) => `# ${u} -> ${c.zimbra}:25`) }],
  routeUsersToPeer: (_c, users) => [{ title: `Deliver ${users.length} user(s) locally again`, why: 'They move back.', commands: users.map((u) => `# ${u} -> local delivery`) }],
  unsplit: () => [{ title: 'Remove the split-domain routing', why: 'The migration is over.', commands: ['# remove the relay/forwarding rules for the domain'] }],
};
