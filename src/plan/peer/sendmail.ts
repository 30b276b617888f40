/** Sendmail peer: LUSER_RELAY, mailertable, virtusertable (zimbra.md §6.4). */
import type { PeerCommands } from './context.js';

export const sendmail: PeerCommands = {
  system: 'shell on the Sendmail host (as root)',
  forwardUnknownToZimbra: (c) => [
    {
      title: 'Send unknown local users to Zimbra with LUSER_RELAY',
      why: 'The peer is secondary: names that are not accounts or aliases there go to the authoritative Zimbra.',
      commands: [
        `echo "define(\`LUSER_RELAY', \`relay:${c.zimbra}')dnl" >> /etc/mail/sendmail.mc`,
        "echo \"FEATURE(`preserve_luser_host')dnl\" >> /etc/mail/sendmail.mc   # keep the recipient's domain",
        'make -C /etc/mail && systemctl restart sendmail',
      ],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep Sendmail authoritative for ${c.domain}; route Zimbra users through a routing subdomain`,
      why: 'Sendmail knows every address; Zimbra users are mapped to zimbra.' + c.domain + ' which mailertable sends to Zimbra.',
      commands: [
        ...c.zimbraUsers.map((u) => `echo '${u}\t${u.split('@')[0]}@zimbra.${c.domain}' >> /etc/mail/virtusertable`),
        `echo 'zimbra.${c.domain}\tesmtp:[${c.zimbra}]' >> /etc/mail/mailertable`,
        'makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable',
        'makemap hash /etc/mail/mailertable < /etc/mail/mailertable',
        `echo 'Connect:${c.zimbraIp}\tRELAY' >> /etc/mail/access && makemap hash /etc/mail/access < /etc/mail/access`,
      ],
    },
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Route ${users.length} user(s) to Zimbra on Sendmail`,
      why: 'Their mailbox is on Zimbra now.',
      commands: [...users.map((u) => `echo '${u}\t${u.split('@')[0]}@zimbra.${c.domain}' >> /etc/mail/virtusertable`), 'makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable'],
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Deliver ${users.length} user(s) on Sendmail again`,
      why: 'They move back: remove their virtusertable entries.',
      commands: [...users.map((u) => `sed -i '/^${u.replace(/[.]/g, '\\.')}\\t/d' /etc/mail/virtusertable`), 'makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable'],
    },
  ],
  unsplit: () => [
    {
      title: 'Remove the split-domain routing from Sendmail',
      why: 'The migration is over.',
      commands: ['# remove LUSER_RELAY / the zimbra.* lines from sendmail.mc, mailertable, virtusertable and access', 'make -C /etc/mail && systemctl restart sendmail'],
    },
  ],
};
