#!/bin/sh
# zsplit unsplit plan for example.com: Zimbra primary, peer exchange mail.example.com:25, Zimbra 10.1.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.
# WARNING: Not checked: accounts still routed to mail.example.com (plan against the server, or apply, to check).
set -eu

# [1/4] Stop 192.0.2.10/32 relaying through zimbra.example.com
# why: The peer is gone; it must not stay a trusted network.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32'

# [2/4] Reload the MTA (zmmtactl reload)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'zmmtactl reload'

# [3/4] Remove the split-domain connectors on Exchange
# why: The migration is over; Exchange no longer serves or relays the domain.
# MANUAL, on Exchange Management Shell:
#   Remove-SendConnector 'zsplit to Zimbra'
#   Remove-SendConnector 'zsplit routing to Zimbra'
#   Remove-ReceiveConnector "Relay from Zimbra"
#   Remove-RemoteDomain -Identity 'zsplit routing zimbra-route.example.com' -Confirm:$false   # if a cutover created it
#   Remove-AcceptedDomain -Identity 'example.com'   # once no mailbox uses it

# [4/4] Delete the alias domain zimbra-route.example.com on Zimbra
# why: Only after the peer no longer routes users there: until then Zimbra must keep accepting user@zimbra-route addresses. zsplit does not delete it itself, since a deletion cannot be undone.
# MANUAL, on Zimbra (as zimbra):
#   zmprov dd zimbra-route.example.com   # check first: zmprov gd zimbra-route.example.com zimbraDomainType
