#!/bin/sh
# zsplit setup plan for example.com: Zimbra primary, peer other mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Zimbra is primary (authoritative): it knows every address and rejects unknown ones at RCPT TO.
# note: No catch-all on the primary: it would forward unknown addresses to the peer, which forwards them back: a mail loop.
# WARNING: 192.0.2.10/32 go(es) into zimbraMtaMyNetworks. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
set -eu

# [1/9] Placeholder for bob@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da bob@example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov ca bob@example.com '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [2/9] Route bob@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [3/9] Alias robert@example.com on bob@example.com
# why: Aliases must exist on the authoritative side too, or mail to them is rejected.
# before: (probed at apply) -> after: robert@example.com
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov aaa bob@example.com robert@example.com'

# [4/9] Placeholder for o'brien@example.com (locked)
# why: The authoritative side must know every address: locked = no login, mail still accepted and routed to the peer (the user's mailbox is on the peer). Hidden from the GAL (zimbraHideInGal TRUE): the address book of Zimbra users lists no locked stand-in; --placeholders-in-gal lists it.
# before: (probed at apply) -> after: locked
# rollback: su - zimbra -c 'zmprov da '\''o'\''\'\'''\''brien@example.com'\'''   (only if zsplit created it)
su - zimbra -c 'zmprov ca '\''o'\''\'\'''\''brien@example.com'\'' '\'''\'' zimbraAccountStatus locked zimbraHideInGal TRUE'

# [5/9] Route o'brien@example.com to smtp:[mail.example.com]:25
# why: A separate command, so the placeholder keeps its mail host and can later move to Zimbra.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma '\''o'\''\'\'''\''brien@example.com'\'' zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [6/9] Let 192.0.2.10/32 relay through zimbra.example.com
# why: The peer relays its internet-bound mail through Zimbra; existing networks are kept. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
# before: (probed at apply) -> after: 192.0.2.10/32
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32'

# [7/9] Restart Postfix (postfix stop; postfix start)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'

# [8/9] Make the other system secondary for example.com
# why: It must deliver its own users and relay every other address of the domain to Zimbra, never reject them.
# MANUAL, on the other mail system:
#   # accept example.com; deliver local users; relay all others to zimbra.example.com:25 (no MX lookup)

# [9/9] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
