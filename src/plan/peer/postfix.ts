/**
 * Plain Postfix peer (zimbra.md §6.3). The commands keep whatever the peer already has in
 * its maps and lists (they prepend zsplit's own map or value rather than replace the setting)
 * and use map files of zsplit's own, so they can be undone by removing them.
 *
 * What makes Postfix accept an address depends on the address class of its domain
 * (ADDRESS_CLASS_README): relay_recipient_maps is consulted for relay_domains only; a domain in
 * virtual_mailbox_domains or mydestination accepts what its mailbox/local maps or
 * virtual_alias_maps know. So the peer's class is asked (--peer-address-class, found with the
 * probe step) and each class gets its own map; the commands start with a check of that class.
 */
import type { PostfixAddressClass } from '../../model/types.js';
import { shQuote } from '../../zimbra/quote.js';
import { smtpTransport } from '../../zimbra/attrs.js';
import type { PeerCommands, PeerContext } from './context.js';

export const POSTFIX_TRANSPORT = '/etc/postfix/zsplit_transport';
export const POSTFIX_RECIPIENTS = '/etc/postfix/zsplit_relay_recipients';
export const POSTFIX_VIRTUAL = '/etc/postfix/zsplit_virtual';

const writeMap = (file: string, lines: string[]) => [`printf '%s\\n' ${lines.map(shQuote).join(' ')} > ${file}`, `postmap ${file}`];
const prepend = (param: string, value: string) => `postconf -e "${param} = ${value} $(postconf -h ${param})"`;
const toZimbra = (c: PeerContext) => smtpTransport(c.zimbra, 25);

/** The parameter that lists the domains of each address class. */
const CLASS_PARAM: Record<PostfixAddressClass, string> = { relay: 'relay_domains', virtual: 'virtual_mailbox_domains', local: 'mydestination' };
/** The parameter that holds the transport of each class's own users. */
const CLASS_TRANSPORT: Record<PostfixAddressClass, string> = { relay: 'relay_transport', virtual: 'virtual_transport', local: 'local_transport' };

/** Whether `d` is listed (literally) in a domain-list parameter: a shell test. */
const listed = (param: string, d: string) => `postconf -h ${param} | tr ', ' '\\n\\n' | grep -qixF ${shQuote(d)}`;

/**
 * The first commands of the peer's step: print the class each domain is in now (the answer to
 * --peer-address-class), then check it is the class the commands assume.
 */
const PROBE_WHY =
  ' The first commands show how Postfix hosts the domain now (its address class: the map that makes it accept an address depends on it; relay_recipient_maps counts for relay_domains only) and stop if that is not the class these commands assume: then plan again with --peer-address-class.';
function probe(c: PeerContext): string[] {
  return [
      `postconf mydestination relay_domains virtual_mailbox_domains virtual_alias_domains virtual_transport local_transport transport_maps`,
      ...c.domains.map(
        (d) =>
          `for p in ${Object.values(CLASS_PARAM).join(' ')}; do if ${listed('$p', d)}; then echo ${shQuote(`${d}: in`)} "$p"; fi; done   # relay_domains: --peer-address-class relay, virtual_mailbox_domains: virtual, mydestination: local (a domain listed through a map file shows only there)`,
      ),
  ];
}

/** A command that stops, saying why, when a domain is not in the class the commands assume. */
const inClass = (cls: PostfixAddressClass, d: string) =>
  `${listed(CLASS_PARAM[cls], d)} || { echo ${shQuote(`${d} is not listed in ${CLASS_PARAM[cls]}: these commands assume --peer-address-class ${cls}; see the probe step and plan again`)} >&2; false; }`;

/**
 * The transport for the peer's own users in zsplit's transport map: --peer-transport, else the
 * peer's own setting for the class, read when the commands run (virtual_transport may be
 * lmtp:unix:private/dovecot-lmtp; a bare name gets its colon). `$t` in the commands.
 */
function ownTransport(c: PeerContext, cls: PostfixAddressClass): { set: string; value: string } {
  if (c.a.peer.transport) return { set: `t=${shQuote(c.a.peer.transport)}`, value: '"$t"' };
  // relay_transport relays by MX, which may be Zimbra's: a loop. The operator must say.
  if (cls === 'relay') return { set: `{ echo ${shQuote('the domain is a relay domain here: give the transport of its own users with --peer-transport and plan again')} >&2; false; }`, value: '"$t"' };
  return { set: `t=$(postconf -h ${CLASS_TRANSPORT[cls]}); case "$t" in *:*) ;; *) t="$t:" ;; esac`, value: '"$t"' };
}

export const postfix: PeerCommands = {
  system: 'shell on the Postfix host (as root)',
  forwardUnknownToZimbra: (c) => {
    // The peer becomes a relay domain: its own users go to its own transport, the rest to Zimbra.
    const cls = c.a.peer.addressClass ?? 'virtual';
    const own = ownTransport(c, cls);
    // One pair per peer address (100,000 of them): one array, no intermediate ones, indexed loops.
    const pairs: string[] = [];
    const accounts = c.a.peerAccounts;
    for (let i = 0; i < accounts.length; i++) {
      pairs.push(shQuote(accounts[i].address), own.value);
      for (let j = 0; j < accounts[i].aliases.length; j++) pairs.push(shQuote(accounts[i].aliases[j]), own.value);
    }
    for (const d of c.domains) pairs.push(shQuote(d), shQuote(toZimbra(c)));
    // Out of virtual_mailbox_domains / mydestination (literal entries; one in a map file is removed there by hand).
    const leave = (d: string) => `postconf -e "${CLASS_PARAM[cls]} = $(postconf -h ${CLASS_PARAM[cls]} | tr ', ' '\\n\\n' | grep -vixF ${shQuote(d)} | paste -sd ' ' -)"`;
    return [
      {
        title: `Relay ${c.domain} on Postfix: own users to ${c.a.peer.transport ?? `its ${CLASS_TRANSPORT[cls]}`}, everyone else to Zimbra${c.a.peer.addressClass ? '' : ` (assumes --peer-address-class ${cls})`}`,
        why: `The peer is secondary: it delivers its own users and forwards all other addresses of the domain to the authoritative Zimbra. A relay domain passes unknown users on; ${cls === 'relay' ? 'it is one already' : `as a ${CLASS_PARAM[cls]} domain Postfix would reject them`}. Each own user keeps the peer's own delivery (${c.a.peer.transport ?? `${CLASS_TRANSPORT[cls]}: virtual(8), lmtp to Dovecot...`}).${PROBE_WHY}`,
        commands: [
          ...probe(c),
          ...c.domains.map((d) => inClass(cls, d)),
          `${own.set} && printf '%s %s\\n' ${pairs.join(' ')} > ${POSTFIX_TRANSPORT}`,
          `postmap ${POSTFIX_TRANSPORT}`,
          prepend('transport_maps', `hash:${POSTFIX_TRANSPORT}`),
          ...(cls === 'relay' ? [] : c.domains.map(leave)),
          // Prepended, as the other lines: the peer's other relay domains stay.
          ...(cls === 'relay' ? [] : [prepend('relay_domains', c.domains.join(' '))]),
          'postfix check && postfix reload',
        ],
      },
    ];
  },
  authoritative: (c) => {
    const cls = c.a.peer.addressClass ?? 'relay';
    const users = c.zimbraUsers;
    const maps: string[] = [];
    if (users.length) {
      maps.push(...writeMap(POSTFIX_TRANSPORT, users.map((u) => `${u} ${toZimbra(c)}`)), prepend('transport_maps', `hash:${POSTFIX_TRANSPORT}`));
      if (cls === 'relay') {
        maps.push(...writeMap(POSTFIX_RECIPIENTS, [...users, ...c.a.peerAccounts.flatMap((p) => [p.address, ...p.aliases])].map((u) => `${u} OK`)), prepend('relay_recipient_maps', `hash:${POSTFIX_RECIPIENTS}`));
      } else {
        // virtual_mailbox_domains / mydestination: an address virtual_alias_maps knows is accepted; mapped
        // to itself it stays as it is, and the transport map sends it to Zimbra.
        maps.push(...writeMap(POSTFIX_VIRTUAL, users.map((u) => `${u} ${u}`)), prepend('virtual_alias_maps', `hash:${POSTFIX_VIRTUAL}`));
      }
    }
    return [
      {
        title: users.length
          ? `Keep Postfix authoritative for ${c.domain} (${CLASS_PARAM[cls]}${c.a.peer.addressClass ? '' : ', assumed'}): accept and route the ${users.length} Zimbra user(s), let Zimbra relay`
          : `Let Zimbra relay through Postfix; NO Zimbra users known yet: nothing written to the maps`,
        why: (users.length
          ? `The peer must know every valid address (its own and Zimbra's) and reject the rest; for a ${CLASS_PARAM[cls]} domain that is ${cls === 'relay' ? 'relay_recipient_maps' : 'virtual_alias_maps (relay_recipient_maps counts for relay_domains only)'}. Zimbra relays internet mail through it.`
          : 'An empty map would be written as if it were the list: zsplit writes none. Plan against the server (--connect) once users live on Zimbra, or add them with the cutover steps.') + PROBE_WHY,
        commands: [
          ...probe(c),
          ...c.domains.map((d) => inClass(cls, d)),
          ...maps,
          prepend('mynetworks', c.zimbraIpKnown ? `${c.zimbraIp}/32` : c.zimbraIp),
          'postfix check && postfix reload',
        ],
      },
    ];
  },
  routeUsersToZimbra: (c, users) => {
    const cls = c.a.peer.addressClass;
    const del = users.map((u) => `sed -i ${shQuote(`/^${u.replace(/[.[\]*^$\\/]/g, '\\$&')} /d`)} ${POSTFIX_TRANSPORT}`);
    return [
      {
        title: `Route ${users.length} user(s) to Zimbra on Postfix`,
        why: 'Their mailbox is on Zimbra now; Postfix must hand their mail over instead of delivering locally (their own-delivery line goes first).',
        commands: [
          `touch ${POSTFIX_TRANSPORT}`,
          ...del,
          `printf '%s\\n' ${users.map((u) => shQuote(`${u} ${toZimbra(c)}`)).join(' ')} >> ${POSTFIX_TRANSPORT}`,
          `postmap ${POSTFIX_TRANSPORT}`,
          `postconf -h transport_maps | grep -qF ${shQuote(`hash:${POSTFIX_TRANSPORT}`)} || ${prepend('transport_maps', `hash:${POSTFIX_TRANSPORT}`)}`,
          ...(cls === 'virtual' || cls === 'local'
            ? [`printf '%s\\n' ${users.map((u) => shQuote(`${u} ${u}`)).join(' ')} >> ${POSTFIX_VIRTUAL}`, `postmap ${POSTFIX_VIRTUAL}`]
            : []),
          'postfix reload',
        ],
      },
    ];
  },
  routeUsersToPeer: (c, users) => {
    const own = ownTransport(c, c.a.peer.addressClass ?? 'virtual');
    return [
      {
        title: `Deliver ${users.length} user(s) on Postfix again`,
        why: 'They move back: their transport entry must send them to the peer\'s own delivery.',
        commands: [
          ...users.map((u) => `sed -i ${shQuote(`/^${u.replace(/[.[\]*^$\\/]/g, '\\$&')} /d`)} ${POSTFIX_TRANSPORT}`),
          `${own.set} && printf '%s %s\\n' ${users.map((u) => `${shQuote(u)} ${own.value}`).join(' ')} >> ${POSTFIX_TRANSPORT}`,
          `postmap ${POSTFIX_TRANSPORT} && postfix reload`,
        ],
      },
    ];
  },
  unsplit: () => [
    {
      title: 'Remove zsplit\'s maps from Postfix',
      why: 'The migration is over; Postfix no longer routes the domain.',
      commands: [
        `postconf -e "transport_maps = $(postconf -h transport_maps | sed 's#hash:${POSTFIX_TRANSPORT} *##')"`,
        `postconf -e "relay_recipient_maps = $(postconf -h relay_recipient_maps | sed 's#hash:${POSTFIX_RECIPIENTS} *##')"`,
        `postconf -e "virtual_alias_maps = $(postconf -h virtual_alias_maps | sed 's#hash:${POSTFIX_VIRTUAL} *##')"`,
        `rm -f ${POSTFIX_TRANSPORT}* ${POSTFIX_RECIPIENTS}* ${POSTFIX_VIRTUAL}*`,
        'postfix check && postfix reload',
      ],
    },
  ],
};
