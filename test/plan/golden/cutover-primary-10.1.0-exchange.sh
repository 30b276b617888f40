#!/bin/sh
# zsplit cutover plan for example.com: Zimbra primary, peer exchange mail.example.com:25, Zimbra 10.1.0
# Run as root (zmprov runs as zimbra through su). Manual steps are comments: do them on the system named.
# note: Wave wave-1: 1 recipient(s) to Zimbra.
set -eu

# [1/6] Accept zimbra-route.example.com as an alias domain of example.com
# why: Exchange (mail contacts, mailbox forwarding) sends the users who live on Zimbra to user@zimbra-route.example.com; Zimbra rewrites that back to user@example.com. Without it, it rejects that mail or sends it back to the peer (a loop).
# before: (probed at apply) -> after: alias
# rollback: su - zimbra -c 'zmprov dd zimbra-route.example.com'   (only if zsplit created it)
su - zimbra -c 'zmprov cad zimbra-route.example.com example.com zimbraMailCatchAllForwardingAddress @example.com'

# [2/6] Deliver bob@example.com in Zimbra (lmtp:zimbra.example.com:7025)
# why: Its mailbox now lives on Zimbra, on its own mail host zimbra.example.com.
# before: (probed at apply) -> after: lmtp:zimbra.example.com:7025
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraMailTransport lmtp:zimbra.example.com:7025'

# [3/6] Unlock bob@example.com
# why: The placeholder was locked so nobody logged in to an empty mailbox; now it is the real one.
# before: (probed at apply) -> after: active
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraAccountStatus active'

# [4/6] Show bob@example.com in the GAL
# why: Its placeholder was hidden from the GAL (zimbraHideInGal TRUE); a real Zimbra mailbox belongs in the address book. Only when it is hidden.
# before: (probed at apply) -> after: (unset)
# rollback: (restores the value recorded when applied)
su - zimbra -c 'zmprov ma bob@example.com zimbraHideInGal '\'''\'''

# [5/6] Let Exchange forward to zimbra-route.example.com (remote domain with auto-forward)
# why: Exchange delivers mailbox forwarding to a domain that is not one of its accepted domains only if the remote domain that matches it allows automatic forwarding; otherwise the moved users' mail is dropped silently. Check first: if the routing domain is an accepted domain, or the matching remote domain (or the default *) shows AutoForwardEnabled True, nothing needs to change.
# MANUAL, on Exchange Management Shell:
#   Get-AcceptedDomain | Where-Object { $_.DomainName -eq 'zimbra-route.example.com' }   # listed: accepted, nothing to do
#   Get-RemoteDomain | Format-Table Name,DomainName,AutoForwardEnabled   # the most specific DomainName that matches decides
#   New-RemoteDomain -Name 'zsplit routing zimbra-route.example.com' -DomainName 'zimbra-route.example.com'
#   Set-RemoteDomain -Identity 'zsplit routing zimbra-route.example.com' -AutoForwardEnabled $true

# [6/6] Route 1 user(s) to Zimbra on Exchange
# why: Exchange is authoritative: it must know each moved user and hand their mail to Zimbra.
# MANUAL, on Exchange Management Shell:
#   Set-Mailbox -Identity 'bob@example.com' -ForwardingSmtpAddress 'smtp:bob@zimbra-route.example.com' -DeliverToMailboxAndForward $false   # to zimbra.example.com through the routing subdomain
