/** Microsoft 365 / Exchange Online: accepted domain type and connectors (zimbra.md §6.2). */
import { psQuote as ps } from '../../zimbra/quote.js';
import type { PeerCommands } from './context.js';
import { routedAddress, routingDomain } from './context.js';

export const m365: PeerCommands = {
  system: 'Exchange Online PowerShell',
  forwardUnknownToZimbra: (c) => [
    {
      title: `Make ${c.domain} an internal relay domain in Microsoft 365`,
      why: 'Known recipients are delivered in Microsoft 365; unknown ones are relayed to Zimbra instead of rejected (DBEB off).',
      commands: c.domains.map((d) => `Set-AcceptedDomain -Identity ${ps(d)} -DomainType InternalRelay`),
    },
    {
      title: 'Outbound connector from Microsoft 365 to Zimbra',
      why: 'Internal relay requires a connector that carries the unknown recipients to Zimbra.',
      commands: [
        `New-OutboundConnector -Name 'zsplit to Zimbra' -ConnectorType OnPremises -RecipientDomains ${c.domains.map(ps).join(',')} -UseMXRecord $false -SmartHosts ${ps(c.zimbra)} -TlsSettings DomainValidation -TlsDomain ${ps(c.zimbra)}`,
      ],
    },
    {
      title: 'Inbound connector for mail from Zimbra',
      why: 'Mail Zimbra sends to Microsoft 365 users must match a connector, or Direct Send rejection drops it.',
      commands: [
        `New-InboundConnector -Name 'zsplit from Zimbra' -ConnectorType OnPremises -SenderDomains ${c.domains.map(ps).join(',')} -SenderIPAddresses ${c.zimbraIp} -RestrictDomainsToIPAddresses $true`,
      ],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep ${c.domain} authoritative in Microsoft 365`,
      why: 'Microsoft 365 rejects unknown users (DBEB); Zimbra forwards them there. Only one side may be authoritative.',
      commands: c.domains.map((d) => `Get-AcceptedDomain -Identity ${ps(d)} | Format-List DomainType   # must say Authoritative`),
    },
    {
      title: `Outbound connector for ${c.domains.map(routingDomain).join(', ')} to Zimbra`,
      why: 'Mail users who live on Zimbra have their external address in the routing subdomain, which Zimbra accepts as an alias domain.',
      commands: [
        `New-OutboundConnector -Name 'zsplit routing to Zimbra' -ConnectorType OnPremises -RecipientDomains ${c.domains.map((d) => ps(routingDomain(d))).join(',')} -UseMXRecord $false -SmartHosts ${ps(c.zimbra)} -TlsSettings DomainValidation -TlsDomain ${ps(c.zimbra)}`,
      ],
    },
    ...(c.zimbraUsers.length
      ? [
          {
            title: `Mail users for the ${c.zimbraUsers.length} user(s) who live on Zimbra`,
            why: 'Microsoft 365 rejects addresses it does not know (DBEB); each Zimbra user needs a mail user routed to Zimbra.',
            commands: c.zimbraUsers.map((u) => `New-MailUser -Name ${ps(u)} -MicrosoftOnlineServicesID ${ps(u)} -ExternalEmailAddress ${ps(`SMTP:${routedAddress(u)}`)} -Password (Read-Host -AsSecureString ${ps(`password for ${u}`)})`),
          },
        ]
      : []),
    {
      title: 'Inbound connector for mail relayed by Zimbra',
      why: 'Zimbra relays all mail through Microsoft 365; without a connector it is treated as anonymous Direct Send.',
      commands: [
        `New-InboundConnector -Name 'zsplit from Zimbra' -ConnectorType OnPremises -SenderDomains ${c.domains.map(ps).join(',')} -SenderIPAddresses ${c.zimbraIp} -RestrictDomainsToIPAddresses $true`,
      ],
    },
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Represent ${users.length} Zimbra user(s) as mail users routed to Zimbra`,
      why: 'Microsoft 365 is authoritative: each user who lives on Zimbra needs a recipient whose mail goes to Zimbra.',
      commands: users.map((u) => `Set-MailUser -Identity ${ps(u)} -ExternalEmailAddress ${ps(`SMTP:${routedAddress(u)}`)}   # to ${c.zimbra} through the routing subdomain`),
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Give ${users.length} user(s) a Microsoft 365 mailbox again`,
      why: 'They move back: their mail must be delivered in Microsoft 365.',
      commands: users.map((u) => `Enable-Mailbox -Identity ${ps(u)}   # or reassign the licence`),
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split-domain connectors in Microsoft 365',
      why: 'The migration is over.',
      commands: ["Remove-OutboundConnector 'zsplit to Zimbra'", "Remove-OutboundConnector 'zsplit routing to Zimbra'", "Remove-InboundConnector 'zsplit from Zimbra'", ...c.domains.map((d) => `Set-AcceptedDomain -Identity ${ps(d)} -DomainType Authoritative   # or remove the domain`)],
    },
  ],
};
