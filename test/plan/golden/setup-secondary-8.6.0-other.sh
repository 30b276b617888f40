#!/bin/sh
# zsplit setup plan for example.com: Zimbra secondary, peer other mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Zimbra is secondary: it delivers its own users and forwards every other address of example.com to mail.example.com, which must reject unknown users.
# WARNING: 192.0.2.10/32 go(es) into zimbraMtaMyNetworks. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
set -eu

# [1/11] Catch all unknown addresses of example.com
# why: Zimbra accepts every address of the domain instead of rejecting users it does not host.
# before: (probed at apply) -> after: @example.com
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllAddress @example.com'

# [2/11] Keep the address unchanged when forwarding (@example.com)
# why: Forwarding to @samedomain keeps the recipient as it is, so the peer sees the original address.
# before: (probed at apply) -> after: @example.com
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllForwardingAddress @example.com'

# [3/11] Send mail for users Zimbra does not host to smtp:[mail.example.com]:25
# why: The domain transport routes every address without an account of its own to the authoritative peer.
# before: (probed at apply) -> after: smtp:[mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailTransport '\''smtp:[mail.example.com]:25'\'''

# [4/11] Relay outgoing mail through mail.example.com (global)
# why: As secondary, Zimbra sends everything it does not deliver itself through the authoritative peer.
# before: (probed at apply) -> after: [mail.example.com]:25
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaRelayHost '\''[mail.example.com]:25'\'''

# [5/11] Turn off MX lookups (zimbraMtaDnsLookupsEnabled FALSE, global)
# why: All mail leaves through the relay host; without it this would break internet delivery, so it only applies together with the relay host.
# before: (probed at apply) -> after: FALSE
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaDnsLookupsEnabled FALSE'

# [6/11] Let 192.0.2.10/32 relay through zimbra.example.com
# why: The peer relays its internet-bound mail through Zimbra; existing networks are kept. Side effects: Zimbra then treats mail from the peer as its own: Postfix permits it before the RBL and sender checks, amavis counts it as internal (originating), and OpenDKIM signs it with the domain's key. Only the peer's own outgoing relay needs this; if it sends internet mail itself, leave --peer-ip out (mail from the peer to Zimbra's users needs no mynetworks entry).
# before: (probed at apply) -> after: 192.0.2.10/32
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32'

# [7/11] Zimbra's split-domain recipient check (global)
# why: Clients outside mynetworks that have not logged in may only send to addresses Zimbra knows: the catch-all no longer accepts unknown users from the internet, which Zimbra would forward to the peer and bounce to forged senders (backscatter). The peer relays only known users and its own mail passes through mynetworks.
# before: (probed at apply) -> after: check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf +zimbraMtaRestriction '\''check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf'\'''

# [8/11] ... and reject every other recipient from outside (global)
# why: Clients outside mynetworks that have not logged in may only send to addresses Zimbra knows: the catch-all no longer accepts unknown users from the internet, which Zimbra would forward to the peer and bounce to forged senders (backscatter). The peer relays only known users and its own mail passes through mynetworks.
# before: (probed at apply) -> after: reject
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf +zimbraMtaRestriction reject'

# [9/11] Restart Postfix (postfix stop; postfix start)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'

# [10/11] Keep the other system authoritative for example.com
# why: It must know every address, route Zimbra users to Zimbra, reject unknown ones, and let Zimbra relay through it.
# MANUAL, on the other mail system:
#   # route each Zimbra user to zimbra.example.com:25; reject unknown recipients; allow relay from <IP of zimbra.example.com>

# [11/11] Keep the MX of example.com on mail.example.com
# why: Internet mail must enter at the authoritative side.
# MANUAL, on DNS:
#   example.com. IN MX 10 mail.example.com.   ; check: dig +short MX example.com
