#!/bin/sh
# zsplit cutover plan for example.com: Zimbra primary, peer zimbra mail.example.com:25, Zimbra 8.6.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Wave wave-1: 1 recipient(s) to Zimbra.
set -eu

# [1/4] Deliver bob@example.com in Zimbra (lmtp:zimbra.example.com:7025)
# why: Its mailbox now lives on Zimbra, on its own mail host zimbra.example.com.
# before: (probed at apply) -> after: lmtp:zimbra.example.com:7025
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport lmtp:zimbra.example.com:7025'

# [2/4] Unlock bob@example.com
# why: The placeholder was locked so nobody logged in to an empty mailbox; now it is the real one.
# before: (probed at apply) -> after: active
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraAccountStatus active'

# [3/4] Show bob@example.com in the GAL
# why: Its placeholder was hidden from the GAL (zimbraHideInGal TRUE); a real Zimbra mailbox belongs in the address book. Only when it is hidden.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraHideInGal '\'''\'''

# [4/4] Route 1 user(s) to this Zimbra from the other Zimbra
# why: Their mailbox moved here; lock the old account and point its transport here.
# MANUAL, on the other Zimbra (as zimbra):
#   zmprov ma bob@example.com zimbraAccountStatus locked
#   zmprov ma bob@example.com zimbraMailTransport 'smtp:[zimbra.example.com]:25'
