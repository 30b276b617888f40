/** Exchange Server (on-premises): accepted domains and connectors (zimbra.md §6.1). */
import { psQuote as ps } from '../../zimbra/quote.js';
import type { PeerContext, PeerCommands } from './context.js';
import { routedAddress, routingDomain } from './context.js';

/** Zimbra's users reach Zimbra through the routing subdomains: one send connector for all of them. */
const routingConnector = (c: PeerContext) =>
  `New-SendConnector -Name 'zsplit routing to Zimbra' -AddressSpaces ${c.domains.map((d) => ps(`SMTP:${routingDomain(d)};1`)).join(',')} -Custom -DNSRoutingEnabled $false -SmartHosts ${ps(c.zimbra)} -SmartHostAuthMechanism None`;

export const exchange: PeerCommands = {
  system: 'Exchange Management Shell',
  forwardUnknownToZimbra: (c) => [
    {
      title: `Make ${c.domain} an internal relay domain on Exchange`,
      why: 'Exchange then delivers its own users and passes every other address of the domain on instead of rejecting it.',
      commands: c.domains.map((d) => `Set-AcceptedDomain -Identity ${ps(d)} -DomainType InternalRelay`),
    },
    {
      title: 'Send connector from Exchange to Zimbra',
      why: 'Carries mail for addresses Exchange does not know to the authoritative Zimbra MTA.',
      commands: [
        `New-SendConnector -Name 'zsplit to Zimbra' -AddressSpaces ${c.domains.map((d) => ps(`SMTP:${d};1`)).join(',')} -Custom -DNSRoutingEnabled $false -SmartHosts ${ps(c.zimbra)} -SmartHostAuthMechanism None`,
      ],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep ${c.domain} authoritative on Exchange`,
      why: 'Exactly one side may reject unknown users; the other forwards them. Here that is Exchange.',
      commands: c.domains.map((d) => `Get-AcceptedDomain -Identity ${ps(d)} | Format-List DomainType   # must say Authoritative`),
    },
    {
      title: 'Receive connector that lets Zimbra relay through Exchange',
      why: 'Zimbra sends internet-bound mail through Exchange (its relay host); Exchange must accept it from Zimbra only.',
      commands: [
        `New-ReceiveConnector -Name "Relay from Zimbra" -TransportRole FrontendTransport -Custom -Bindings 0.0.0.0:25 -RemoteIpRanges ${c.zimbraIp}`,
        'Set-ReceiveConnector "Relay from Zimbra" -PermissionGroups AnonymousUsers',
        'Get-ReceiveConnector "Relay from Zimbra" | Add-ADPermission -User "NT AUTHORITY\\ANONYMOUS LOGON" -ExtendedRights "Ms-Exch-SMTP-Accept-Any-Recipient"',
      ],
    },
    {
      title: `Send connector for ${c.domains.map(routingDomain).join(', ')} to Zimbra`,
      why: 'Exchange hands the mail of users who live on Zimbra to their address in the routing subdomain, which Zimbra accepts as an alias domain.',
      commands: [routingConnector(c)],
    },
    ...(c.zimbraUsers.length
      ? [
          {
            title: `Mail contacts for the ${c.zimbraUsers.length} user(s) who live on Zimbra`,
            why: 'Exchange rejects addresses it does not know; each Zimbra user needs a contact that routes to Zimbra and answers to the user\'s own address.',
            commands: c.zimbraUsers.flatMap((u) => [
              `New-MailContact -Name ${ps(u)} -ExternalEmailAddress ${ps(`SMTP:${routedAddress(u)}`)}`,
              `Set-MailContact -Identity ${ps(u)} -EmailAddressPolicyEnabled $false -EmailAddresses @{Add=${ps(`smtp:${u}`)}}`,
            ]),
          },
        ]
      : []),
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Let Exchange forward to ${c.domains.map(routingDomain).join(', ')} (remote domain with auto-forward)`,
      why: 'Exchange delivers mailbox forwarding to a domain that is not one of its accepted domains only if the remote domain that matches it allows automatic forwarding; otherwise the moved users\' mail is dropped silently. Check first: if the routing domain is an accepted domain, or the matching remote domain (or the default *) shows AutoForwardEnabled True, nothing needs to change.',
      commands: [
        ...c.domains.map((d) => `Get-AcceptedDomain | Where-Object { $_.DomainName -eq ${ps(routingDomain(d))} }   # listed: accepted, nothing to do`),
        'Get-RemoteDomain | Format-Table Name,DomainName,AutoForwardEnabled   # the most specific DomainName that matches decides',
        ...c.domains.flatMap((d) => [
          `New-RemoteDomain -Name ${ps(`zsplit routing ${routingDomain(d)}`)} -DomainName ${ps(routingDomain(d))}`,
          `Set-RemoteDomain -Identity ${ps(`zsplit routing ${routingDomain(d)}`)} -AutoForwardEnabled $true`,
        ]),
      ],
    },
    {
      title: `Route ${users.length} user(s) to Zimbra on Exchange`,
      why: 'Exchange is authoritative: it must know each moved user and hand their mail to Zimbra.',
      commands: users.map((u) => `Set-Mailbox -Identity ${ps(u)} -ForwardingSmtpAddress ${ps(`smtp:${routedAddress(u)}`)} -DeliverToMailboxAndForward $false   # to ${c.zimbra} through the routing subdomain`),
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Deliver ${users.length} user(s) on Exchange again`,
      why: 'They move back to Exchange: remove the forwarding to Zimbra.',
      commands: users.map((u) => `Set-Mailbox -Identity ${ps(u)} -ForwardingSmtpAddress $null`),
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split-domain connectors on Exchange',
      why: 'The migration is over; Exchange no longer serves or relays the domain.',
      commands: [
        'Remove-SendConnector \'zsplit to Zimbra\'',
        'Remove-SendConnector \'zsplit routing to Zimbra\'',
        'Remove-ReceiveConnector "Relay from Zimbra"',
        ...c.domains.map((d) => `Remove-RemoteDomain -Identity ${ps(`zsplit routing ${routingDomain(d)}`)} -Confirm:$false   # if a cutover created it`),
        ...c.domains.map((d) => `Remove-AcceptedDomain -Identity ${ps(d)}   # once no mailbox uses it`),
      ],
    },
  ],
};
