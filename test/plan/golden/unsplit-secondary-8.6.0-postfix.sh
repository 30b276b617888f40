#!/bin/sh
# zsplit unsplit plan for example.com: Zimbra secondary, peer postfix mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.
# note: No journal of the setup run was found: MX lookups go back on (enabled/TRUE) and the relay host is removed; check that this is what was there before.
# WARNING: Not checked: accounts still routed to mail.example.com (plan against the server, or apply, to check).
set -eu

# [1/9] Stop catching unknown addresses of example.com
# why: Zimbra is the only system now: unknown users must be rejected, not forwarded.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllAddress '\'''\'''

# [2/9] Remove the catch-all forwarding of example.com
# why: It only served the split.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllForwardingAddress '\'''\'''

# [3/9] Remove the domain transport of example.com
# why: No address of the domain goes to the peer any more.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailTransport '\'''\'''

# [4/9] Remove the relay host (global)
# why: Zimbra delivers to the internet itself again.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaRelayHost '\'''\'''

# [5/9] Turn MX lookups back on (zimbraMtaDnsLookupsEnabled TRUE, global)
# why: Without a relay host Zimbra must look up MX records itself.
# before: (probed at apply) -> after: TRUE
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaDnsLookupsEnabled TRUE'

# [6/9] Stop 192.0.2.10/32 relaying through zimbra.example.com
# why: The peer is gone; it must not stay a trusted network.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32'

# [7/9] Restart Postfix (postfix stop; postfix start)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'

# [8/9] Remove zsplit's maps from Postfix
# why: The migration is over; Postfix no longer routes the domain.
# MANUAL, on shell on the Postfix host (as root):
#   postconf -e "transport_maps = $(postconf -h transport_maps | sed 's#hash:/etc/postfix/zsplit_transport *##')"
#   postconf -e "relay_recipient_maps = $(postconf -h relay_recipient_maps | sed 's#hash:/etc/postfix/zsplit_relay_recipients *##')"
#   postconf -e "virtual_alias_maps = $(postconf -h virtual_alias_maps | sed 's#hash:/etc/postfix/zsplit_virtual *##')"
#   rm -f /etc/postfix/zsplit_transport* /etc/postfix/zsplit_relay_recipients* /etc/postfix/zsplit_virtual*
#   postfix check && postfix reload

# [9/9] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
