#!/bin/sh
# zsplit setup plan for example.com: Zimbra primary, peer sendmail mail.example.com:25, Zimbra 10.1.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Zimbra is primary (authoritative): it knows every address and rejects unknown ones at RCPT TO.
# note: No catch-all on the primary: it would forward unknown addresses to the peer, which forwards them back: a mail loop.
# WARNING: 192.0.2.10/32 go(es) into zimbraMtaMyNetworks. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
set -eu

# [1/10] Accept zimbra-route.example.com as an alias domain of example.com
# why: Sendmail (virtusertable) sends the users who live on Zimbra to user@zimbra-route.example.com; Zimbra rewrites that back to user@example.com. Without it, it rejects that mail or sends it back to the peer (a loop).
# before: (probed at apply) -> after: alias
# rollback: su - zimbra -c 'zmprov dd zimbra-route.example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov cad zimbra-route.example.com example.com zimbraMailCatchAllForwardingAddress @example.com'

# [2/10] Placeholder for bob@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da bob@example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov ca bob@example.com '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [3/10] Route bob@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [4/10] Alias robert@example.com on bob@example.com
# why: Aliases must exist on the authoritative side too, or mail to them is rejected.
# before: (probed at apply) -> after: robert@example.com
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov aaa bob@example.com robert@example.com'

# [5/10] Placeholder for o'brien@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da '\''o'\''\'\'''\''brien@example.com'\'''   (only if zsplit created it)
su - zimbra -c 'zmprov ca '\''o'\''\'\'''\''brien@example.com'\'' '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [6/10] Route o'brien@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma '\''o'\''\'\'''\''brien@example.com'\'' zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [7/10] Let 192.0.2.10/32 relay through zimbra.example.com
# why: The peer relays its internet-bound mail through Zimbra; existing networks are kept. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
# before: (probed at apply) -> after: 192.0.2.10/32
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32'

# [8/10] Reload the MTA (zmmtactl reload)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'zmmtactl reload'

# [9/10] Send unknown local users to Zimbra with LUSER_RELAY
# why: The peer is secondary: names that are not accounts or aliases there go to the authoritative Zimbra, with their domain kept. preserve_luser_host keeps it only when the local mailer gets the host, so example.com moves from local-host-names to mailertable `local:`; VIRTUSER_DOMAIN lets Sendmail accept it and keeps virtusertable working for cutovers.
# MANUAL, on shell on the Sendmail host (as root):
#   grep -q '^define(.LUSER_RELAY' /etc/mail/sendmail.mc || sed -i '0,/^MAILER(/s//define(`LUSER_RELAY'\'', `relay:[zimbra.example.com]'\'')dnl\nMAILER(/' /etc/mail/sendmail.mc
#   grep -q '^FEATURE(.preserve_luser_host' /etc/mail/sendmail.mc || sed -i '0,/^MAILER(/s//FEATURE(`preserve_luser_host'\'')dnl\nMAILER(/' /etc/mail/sendmail.mc
#   grep -q '^FEATURE(.virtusertable' /etc/mail/sendmail.mc || sed -i '0,/^MAILER(/s//FEATURE(`virtusertable'\'')dnl\nMAILER(/' /etc/mail/sendmail.mc
#   grep -q '^FEATURE(.mailertable' /etc/mail/sendmail.mc || sed -i '0,/^MAILER(/s//FEATURE(`mailertable'\'')dnl\nMAILER(/' /etc/mail/sendmail.mc
#   grep -q '^VIRTUSER_DOMAIN(.example\.com'\''' /etc/mail/sendmail.mc || sed -i '0,/^MAILER(/s//VIRTUSER_DOMAIN(`example.com'\'')dnl\nMAILER(/' /etc/mail/sendmail.mc
#   printf '%s\t%s\n' example.com local: zimbra-route.example.com 'esmtp:[zimbra.example.com]' >> /etc/mail/mailertable
#   touch /etc/mail/virtusertable
#   makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable
#   makemap hash /etc/mail/mailertable < /etc/mail/mailertable
#   sed -i '/^[[:space:]]*example\.com[[:space:]]*$/Id' /etc/mail/local-host-names
#   make -C /etc/mail && systemctl restart sendmail   # or: m4 sendmail.mc > sendmail.cf
#   if printf '%s\n' '$=w' | sendmail -bt | sed 's/^> //' | grep -qixF example.com; then echo 'example.com is still in class w (LOCAL_DOMAIN or Cw in sendmail.mc?): remove it there, or unknown users of example.com stay local' >&2; false; fi

# [10/10] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
