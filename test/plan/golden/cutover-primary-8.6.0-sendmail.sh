#!/bin/sh
# zsplit cutover plan for example.com: Zimbra primary, peer sendmail mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Wave wave-1: 1 recipient(s) to Zimbra.
set -eu

# [1/5] Accept zimbra-route.example.com as an alias domain of example.com
# why: Sendmail (virtusertable) sends the users who live on Zimbra to user@zimbra-route.example.com; Zimbra rewrites that back to user@example.com. Without it, it rejects that mail or sends it back to the peer (a loop).
# before: (probed at apply) -> after: alias
# rollback: su - zimbra -c 'zmprov dd zimbra-route.example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov cad zimbra-route.example.com example.com zimbraMailCatchAllForwardingAddress @example.com'

# [2/5] Deliver bob@example.com in Zimbra (lmtp:zimbra.example.com:7025)
# why: Its mailbox now lives on Zimbra, on its own mail host zimbra.example.com.
# before: (probed at apply) -> after: lmtp:zimbra.example.com:7025
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport lmtp:zimbra.example.com:7025'

# [3/5] Unlock bob@example.com
# why: The placeholder was locked so nobody logged in to an empty mailbox; now it is the real one.
# before: (probed at apply) -> after: active
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraAccountStatus active'

# [4/5] Show bob@example.com in the GAL
# why: Its placeholder was hidden from the GAL (zimbraHideInGal TRUE); a real Zimbra mailbox belongs in the address book. Only when it is hidden.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraHideInGal '\'''\'''

# [5/5] Route 1 user(s) to Zimbra on Sendmail
# why: Their mailbox is on Zimbra now: virtusertable sends them to the routing subdomain.
# MANUAL, on shell on the Sendmail host (as root):
#   printf '%s\t%s\n' bob@example.com bob@zimbra-route.example.com >> /etc/mail/virtusertable
#   makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable
