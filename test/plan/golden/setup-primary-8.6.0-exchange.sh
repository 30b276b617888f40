#!/bin/sh
# zsplit setup plan for example.com: Zimbra primary, peer exchange mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Zimbra is primary (authoritative): it knows every address and rejects unknown ones at RCPT TO.
# note: No catch-all on the primary: it would forward unknown addresses to the peer, which forwards them back: a mail loop.
# WARNING: 192.0.2.10/32 go(es) into zimbraMtaMyNetworks. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
set -eu

# [1/11] Accept zimbra-route.example.com as an alias domain of example.com
# why: Exchange (mail contacts, mailbox forwarding) sends the users who live on Zimbra to user@zimbra-route.example.com; Zimbra rewrites that back to user@example.com. Without it, it rejects that mail or sends it back to the peer (a loop).
# before: (probed at apply) -> after: alias
# rollback: su - zimbra -c 'zmprov dd zimbra-route.example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov cad zimbra-route.example.com example.com zimbraMailCatchAllForwardingAddress @example.com'

# [2/11] Placeholder for bob@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da bob@example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov ca bob@example.com '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [3/11] Route bob@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [4/11] Alias robert@example.com on bob@example.com
# why: Aliases must exist on the authoritative side too, or mail to them is rejected.
# before: (probed at apply) -> after: robert@example.com
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov aaa bob@example.com robert@example.com'

# [5/11] Placeholder for o'brien@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da '\''o'\''\'\'''\''brien@example.com'\'''   (only if zsplit created it)
su - zimbra -c 'zmprov ca '\''o'\''\'\'''\''brien@example.com'\'' '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [6/11] Route o'brien@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma '\''o'\''\'\'''\''brien@example.com'\'' zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [7/11] Let 192.0.2.10/32 relay through zimbra.example.com
# why: The peer relays its internet-bound mail through Zimbra; existing networks are kept. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
# before: (probed at apply) -> after: 192.0.2.10/32
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32'

# [8/11] Restart Postfix (postfix stop; postfix start)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'

# [9/11] Make example.com an internal relay domain on Exchange
# why: Exchange then delivers its own users and passes every other address of the domain on instead of rejecting it.
# MANUAL, on Exchange Management Shell:
#   Set-AcceptedDomain -Identity 'example.com' -DomainType InternalRelay

# [10/11] Send connector from Exchange to Zimbra
# why: Carries mail for addresses Exchange does not know to the authoritative Zimbra MTA.
# MANUAL, on Exchange Management Shell:
#   New-SendConnector -Name 'zsplit to Zimbra' -AddressSpaces 'SMTP:example.com;1' -Custom -DNSRoutingEnabled $false -SmartHosts 'zimbra.example.com' -SmartHostAuthMechanism None

# [11/11] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
