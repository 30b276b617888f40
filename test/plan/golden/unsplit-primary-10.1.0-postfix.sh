#!/bin/sh
# zsplit unsplit plan for example.com: Zimbra primary, peer postfix mail.example.com:25, Zimbra 10.1.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Unsplit removes only what split set; each attribute goes back to the value recorded when it is applied.
# WARNING: Not checked: accounts still routed to mail.example.com (plan against the server, or apply, to check).
set -eu

# [1/3] Stop 192.0.2.10/32 relaying through zimbra.example.com
# why: The peer is gone; it must not stay a trusted network.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32'

# [2/3] Reload the MTA (zmmtactl reload)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'zmmtactl reload'

# [3/3] Remove zsplit's maps from Postfix
# why: The migration is over; Postfix no longer routes the domain.
# MANUAL, on shell on the Postfix host (as root):
#   postconf -e "transport_maps = $(postconf -h transport_maps | sed 's#hash:/etc/postfix/zsplit_transport *##')"
#   postconf -e "relay_recipient_maps = $(postconf -h relay_recipient_maps | sed 's#hash:/etc/postfix/zsplit_relay_recipients *##')"
#   postconf -e "virtual_alias_maps = $(postconf -h virtual_alias_maps | sed 's#hash:/etc/postfix/zsplit_virtual *##')"
#   rm -f /etc/postfix/zsplit_transport* /etc/postfix/zsplit_relay_recipients* /etc/postfix/zsplit_virtual*
#   postfix check && postfix reload
