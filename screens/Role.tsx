/** Role: Zimbra primary or secondary (one line each on mail flow), and the peer's kind. */
import React from 'react';
import { Box } from 'ink';
import type { PeerKind, Role } from '../src/model/types.js';
import { PEER_KINDS, ROLES } from '../src/model/types.js';
import { Footer, Line, Select, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export const ROLE_TEXT: Record<Role, { label: string; flow: string }> = {
  primary: {
    label: 'Primary',
    flow: "Zimbra is authoritative: it knows every address (a locked placeholder per peer user), rejects unknown ones, and relays the peer users' mail to the peer.",
  },
  secondary: {
    label: 'Secondary',
    flow: 'The peer is authoritative: Zimbra delivers its own users and forwards every other address of the domain to the peer, which rejects unknown ones.',
  },
};

export const PEER_TEXT: Record<PeerKind, { label: string; note: string }> = {
  zimbra: { label: 'Zimbra', note: 'another Zimbra; its zmprov commands are shown as manual steps' },
  exchange: { label: 'Exchange', note: 'Exchange Server; PowerShell cmdlets as manual steps' },
  m365: { label: 'Microsoft 365', note: 'Exchange Online connectors as manual steps' },
  postfix: { label: 'Postfix', note: 'postconf / postmap as manual steps' },
  sendmail: { label: 'Sendmail', note: 'mailertable and access as manual steps' },
  other: { label: 'Other', note: 'any other SMTP system: generic instructions' },
};

export function RoleScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const focus = state.role.focus;
  const role = state.fields.role || 'primary';
  const flowLines = height >= 21 ? 3 : height >= 17 ? 2 : 1;
  const out: React.JSX.Element[] = [
    <Line key="t" bold color={focus === 'role' ? tone('cyan') : undefined}>
      {`1. Zimbra's role in the split domain${focus === 'peer' ? `: ${ROLE_TEXT[role].label}` : ''}`}
    </Line>,
  ];
  const roleRows = ROLES.map((r) => ({
    id: r,
    draw: (sel: boolean) => (
      <Box flexDirection="column">
        <Line bold={sel} color={sel && focus === 'role' ? tone('cyan') : undefined}>
          {`${sel ? (focus === 'role' ? '>' : '*') : ' '} (${sel ? 'x' : ' '}) ${ROLE_TEXT[r].label}`}
        </Line>
        {wrapped(ROLE_TEXT[r].flow, width - 8, flowLines, '        ').map((l, i) => (
          <Line key={i} dim={!sel}>
            {l}
          </Line>
        ))}
      </Box>
    ),
  }));
  out.push(<Select key="roles" rows={roleRows} cursor={ROLES.indexOf(role)} />);
  out.push(<Line key="b" />);
  out.push(
    <Line key="p" bold color={focus === 'peer' ? tone('cyan') : undefined}>
      2. The other mail system (the peer)
    </Line>,
  );
  // The peer kinds that fit under the roles (at 80x24 all of them).
  const peerRoom = Math.max(1, height - 3 - out.length - (ROLES.length * (1 + flowLines) - 1));
  const kinds = PEER_KINDS.slice(0, peerRoom);
  const peerRows = kinds.map((k) => ({
    id: k,
    draw: (sel: boolean) => (
      <Line bold={sel} color={sel && focus === 'peer' ? tone('cyan') : undefined} dim={focus !== 'peer' && !sel}>
        {`${sel ? (focus === 'peer' ? '>' : '*') : ' '} (${sel ? 'x' : ' '}) ${PEER_TEXT[k].label.padEnd(14)}${PEER_TEXT[k].note}`}
      </Line>
    ),
  }));
  out.push(<Select key="peers" rows={peerRows} cursor={Math.max(0, kinds.indexOf(state.fields.peerKind))} />);
  const hint = focus === 'role' ? 'Up/Down choose the role, Enter confirms it' : 'Up/Down choose the peer, Enter continues to the hosts';
  return (
    <Box flexDirection="column">
      {out.slice(0, height - 3)}
      <Line />
      <Line dim>{hint}</Line>
      <Footer>{`Up/Down move  Enter confirm  Esc back${focus === 'peer' ? ' (to the role)' : ''}  q quit`}</Footer>
    </Box>
  );
}
