/** Microsoft 365 / Exchange Online: accepted domain type and connectors (zimbra.md §6.2). */
import type { PeerCommands } from './context.js';

export const m365: PeerCommands = {
  system: 'Exchange Online PowerShell',
  forwardUnknownToZimbra: (c) => [
    {
      title: `Make ${c.domain} an internal relay domain in Microsoft 365`,
      why: 'Known recipients are delivered in Microsoft 365; unknown ones are relayed to Zimbra instead of rejected (DBEB off).',
      commands: c.domains.map((d) => `Set-AcceptedDomain -Identity ${d} -DomainType InternalRelay`),
    },
    {
      title: 'Outbound connector from Microsoft 365 to Zimbra',
      why: 'Internal relay requires a connector that carries the unknown recipients to Zimbra.',
      commands: [
        `New-OutboundConnector -Name "zsplit to Zimbra" -ConnectorType OnPremises -RecipientDomains ${c.domains.join(',')} -UseMXRecord $false -SmartHosts ${c.zimbra} -TlsSettings DomainValidation -TlsDomain ${c.zimbra}`,
      ],
    },
    {
      title: 'Inbound connector for mail from Zimbra',
      why: 'Mail Zimbra sends to Microsoft 365 users must match a connector, or Direct Send rejection drops it.',
      commands: [
        `New-InboundConnector -Name "zsplit from Zimbra" -ConnectorType OnPremises -SenderDomains ${c.domains.join(',')} -SenderIPAddresses ${c.zimbraIp} -RestrictDomainsToIPAddresses $true`,
      ],
    },
  ],
  authoritative: (c) => [
    {
      title: `Keep ${c.domain} authoritative in Microsoft 365`,
      why: 'Microsoft 365 rejects unknown users (DBEB); Zimbra forwards them there. Only one side may be authoritative.',
      commands: c.domains.map((d) => `Get-AcceptedDomain -Identity ${d} | Format-List DomainType   # must say Authoritative`),
    },
    {
      title: 'Inbound connector for mail relayed by Zimbra',
      why: 'Zimbra relays all mail through Microsoft 365; without a connector it is treated as anonymous Direct Send.',
      commands: [
        `New-InboundConnector -Name "zsplit from Zimbra" -ConnectorType OnPremises -SenderDomains ${c.domains.join(',')} -SenderIPAddresses ${c.zimbraIp} -RestrictDomainsToIPAddresses $true`,
      ],
    },
  ],
  routeUsersToZimbra: (c, users) => [
    {
      title: `Represent ${users.length} Zimbra user(s) as mail users routed to Zimbra`,
      why: 'Microsoft 365 is authoritative: each user who lives on Zimbra needs a recipient whose mail goes to Zimbra.',
      commands: users.map((u) => `Set-MailUser -Identity "${u}" -ExternalEmailAddress "SMTP:${u.split('@')[0]}@zimbra.${c.domain}"   # routing subdomain served by ${c.zimbra}`),
    },
  ],
  routeUsersToPeer: (_c, users) => [
    {
      title: `Give ${users.length} user(s) a Microsoft 365 mailbox again`,
      why: 'They move back: their mail must be delivered in Microsoft 365.',
      commands: users.map((u) => `Enable-Mailbox -Identity "${u}"   # or reassign the licence`),
    },
  ],
  unsplit: (c) => [
    {
      title: 'Remove the split-domain connectors in Microsoft 365',
      why: 'The migration is over.',
      commands: ['Remove-OutboundConnector "zsplit to Zimbra"', 'Remove-InboundConnector "zsplit from Zimbra"', ...c.domains.map((d) => `Set-AcceptedDomain -Identity ${d} -DomainType Authoritative   # or remove the domain`)],
    },
  ],
};
