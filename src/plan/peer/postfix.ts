/**
 * Plain Postfix peer (zimbra.md §6.3). The commands keep whatever the peer already has in
 * its maps (they prepend zsplit's own map rather than replace the setting) and use a map
 * file of zsplit's own, so they can be undone by removing it.
 */
import { shQuote } from '../../zimbra/quote.js';
import { smtpTransport } from '../../zimbra/attrs.js';
import type { PeerCommands, PeerContext } from './context.js';

export const POSTFIX_TRANSPORT = '/etc/postfix/zsplit_transport';
export const POSTFIX_RECIPIENTS = '/etc/postfix/zsplit_relay_recipients';

const writeMap = (file: string, lines: string[]) => [`printf '%s\\n' ${lines.map(shQuote).join(' ')} > ${file}`, `postmap ${file}`];
const prepend = (param: string, value: string) => `postconf -e "${param} = ${value} $(postconf -h ${param})"`;
const toZimbra = (c: PeerContext) => smtpTransport(c.zimbra, 25);

export const postfix: PeerCommands = {
  system: 'shell on the Postfix host (as root)',
  forwardUnknownToZimbra: (c) => {
    // One line per peer address (100,000 of them): one array, no intermediate ones, indexed loops.
    const lines: string[] = [];
    const accounts = c.a.peerAccounts;
    for (let i = 0; i < accounts.length; i++) {
      lines.push(`${accounts[i].address} virtual:`);
      for (let j = 0; j < accounts[i].aliases.length; j++) lines.push(`${accounts[i].aliases[j]} virtual:`);
    }
    for (const d of c.domains) lines.push(`${d} ${toZimbra(c)}`);
    return [
      {
        title: `Relay ${c.domain} on Postfix: own users local, everyone else to Zimbra`,
        why: 'The peer is secondary: it delivers its own users and forwards all other addresses of the domain to the authoritative Zimbra.',
        commands: [
          ...writeMap(POSTFIX_TRANSPORT, lines),
          prepend('transport_maps', `hash:${POSTFIX_TRANSPORT}`),
          `postconf -e ${shQuote(`relay_domains = ${c.domains.join(' ')}`)}   # and remove ${c.domains.join(', ')} from virtual_mailbox_domains`,
          'postfix check && postfix reload',
        ],
      },
    ];
  },
  authoritative: (c) => [
    {
      title: `Keep Postfix authoritative for ${c.domain} and let Zimbra relay through it`,
      why: 'The peer must know every valid address (its own and Zimbra\'s) and reject the rest; Zimbra relays internet mail through it.',
      commands: [
        ...writeMap(POSTFIX_TRANSPORT, c.zimbraUsers.map((u) => `${u} ${toZimbra(c)}`)),
        prepend('transport_maps', `hash:${POSTFIX_TRANSPORT}`),
        ...writeMap(POSTFIX_RECIPIENTS, [...c.zimbraUsers, ...c.a.peerAccounts.flatMap((p) => [p.address, ...p.aliases])].map((u) => `${u} OK`)),
        prepend('relay_recipient_maps', `hash:${POSTFIX_RECIPIENTS}`),
        prepend('mynetworks', c.zimbraIpKnown ? `${c.zimbraIp}/32` : c.zimbraIp),
        'postfix check && postfix reload',
      ],
    },
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Route ${users.length} user(s) to Zimbra on Postfix`,
      why: 'Their mailbox is on Zimbra now; Postfix must hand their mail over instead of delivering locally.',
      commands: [
        `printf '%s\\n' ${users.map((u) => shQuote(`${u} ${toZimbra(c)}`)).join(' ')} >> ${POSTFIX_TRANSPORT}`,
        `postmap ${POSTFIX_TRANSPORT} && postfix reload`,
      ],
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Deliver ${users.length} user(s) on Postfix again`,
      why: 'They move back: their transport entry must send them to local delivery.',
      commands: [
        ...users.map((u) => `sed -i ${shQuote(`/^${u.replace(/[.[\]*^$\\/]/g, '\\$&')} /d`)} ${POSTFIX_TRANSPORT}`),
        `printf '%s\\n' ${users.map((u) => shQuote(`${u} virtual:`)).join(' ')} >> ${POSTFIX_TRANSPORT}`,
        `postmap ${POSTFIX_TRANSPORT} && postfix reload`,
      ],
    },
  ],
  unsplit: () => [
    {
      title: 'Remove zsplit\'s maps from Postfix',
      why: 'The migration is over; Postfix no longer routes the domain.',
      commands: [
        `postconf -e "transport_maps = $(postconf -h transport_maps | sed 's#hash:${POSTFIX_TRANSPORT} *##')"`,
        `postconf -e "relay_recipient_maps = $(postconf -h relay_recipient_maps | sed 's#hash:${POSTFIX_RECIPIENTS} *##')"`,
        `rm -f ${POSTFIX_TRANSPORT}* ${POSTFIX_RECIPIENTS}*`,
        'postfix check && postfix reload',
      ],
    },
  ],
};
