#!/bin/sh
# zsplit unsplit plan for example.com: Zimbra secondary, peer other mail.example.com:25, Zimbra 10.1.0
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

# [5/9] Turn MX lookups back on (zimbraMtaSmtpDnsSupportLevel enabled, global)
# why: Without a relay host Zimbra must look up MX records itself.
# before: (probed at apply) -> after: enabled
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov mcf zimbraMtaSmtpDnsSupportLevel enabled'

# [6/9] Stop 192.0.2.10/32 relaying through zimbra.example.com
# why: The peer is gone; it must not stay a trusted network.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32'

# [7/9] Reload the MTA (zmmtactl reload)
# why: Relay host, DNS and mynetworks reach main.cf only through zmconfigd; one reload applies them all now.
su - zimbra -c 'zmmtactl reload'

# [8/9] Remove the split-domain routing
# why: The migration is over.
# MANUAL, on the other mail system:
#   # remove the relay/forwarding rules for the domain

# [9/9] Point the MX of example.com at zimbra.example.com (LAST)
# why: Only after every other step is done and mail flow was tested; earlier, mail bounces.
# MANUAL, on DNS:
#   example.com. IN MX 10 zimbra.example.com.   ; check: dig +short MX example.com
