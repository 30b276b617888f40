#!/bin/sh
# zsplit unsplit plan for example.com: Zimbra secondary, peer m365 mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.
# note: No journal of the setup run was found: MX lookups go back on (enabled/TRUE) and the relay host is removed; check that this is what was there before.
# WARNING: Not checked: accounts still routed to mail.example.com (plan against the server, or apply, to check).
set -eu

# [1/10] Stop catching unknown addresses of example.com
# why: Zimbra is the only system now: unknown users must be rejected, not forwarded.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllAddress '\'''\'''

# [2/10] Remove the catch-all forwarding of example.com
# why: It only served the split.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailCatchAllForwardingAddress '\'''\'''

# [3/10] Remove the domain transport of example.com
# why: No address of the domain goes to the peer any more.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov md example.com zimbraMailTransport '\'''\'''

# [4/10] Remove the relay host (global)
# why: Zimbra delivers to the internet itself again.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaRelayHost '\'''\'''

# [5/10] Turn MX lookups back on (zimbraMtaDnsLookupsEnabled TRUE, global)
# why: Without a relay host Zimbra must look up MX records itself.
# before: (probed at apply) -> after: TRUE
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaDnsLookupsEnabled TRUE'

# [6/10] Stop 192.0.2.10/32 relaying through zimbra.example.com
# why: The peer is gone; it must not stay a trusted network.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32'

# [7/10] Restart Postfix (postfix stop; postfix start)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'

# [8/10] Remove the split-domain connectors in Microsoft 365
# why: The migration is over.
# MANUAL, on Exchange Online PowerShell:
#   Remove-OutboundConnector 'zsplit to Zimbra'
#   Remove-OutboundConnector 'zsplit routing to Zimbra'
#   Remove-InboundConnector 'zsplit from Zimbra'
#   Set-AcceptedDomain -Identity 'example.com' -DomainType Authoritative   # or remove the domain

# [9/10] Delete the alias domain zimbra-route.example.com on Zimbra
# why: Only after the peer no longer routes users there: until then Zimbra must keep accepting user@zimbra-route addresses. zsplit does not delete it itself, since a deletion cannot be undone.
# MANUAL, on Zimbra (as zimbra):
#   zmprov dd zimbra-route.example.com   # check first: zmprov gd zimbra-route.example.com zimbraDomainType

# [10/10] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
