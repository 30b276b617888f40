/** Role: Zimbra primary or secondary (one line each on mail flow), and the peer's kind. */
import React from 'react';
import { Box } from 'ink';
import type { PeerKind, Role } from '../src/model/types.js';
import { PEER_KINDS, ROLES } from '../src/model/types.js';
import { Footer, Line, useTone, wrapped } from './ui.js';
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
  for (const r of ROLES) {
    const sel = r === role;
    const mark = sel ? (focus === 'role' ? '>' : '*') : ' ';
    out.push(
      <Line key={r} bold={sel} color={sel && focus === 'role' ? tone('cyan') : undefined}>
        {`${mark} (${sel ? 'x' : ' '}) ${ROLE_TEXT[r].label}`}
      </Line>,
    );
    wrapped(ROLE_TEXT[r].flow, width - 8, flowLines, '        ').forEach((l, i) => out.push(<Line key={`${r}${i}`} dim={!sel}>{l}</Line>));
  }
  out.push(<Line key="b" />);
  out.push(
    <Line key="p" bold color={focus === 'peer' ? tone('cyan') : undefined}>
      2. The other mail system (the peer)
    </Line>,
  );
  for (const k of PEER_KINDS) {
    const sel = k === state.fields.peerKind;
    const mark = sel ? (focus === 'peer' ? '>' : '*') : ' ';
    out.push(
      <Line key={k} bold={sel} color={sel && focus === 'peer' ? tone('cyan') : undefined} dim={focus !== 'peer' && !sel}>
        {`${mark} (${sel ? 'x' : ' '}) ${PEER_TEXT[k].label.padEnd(14)}${PEER_TEXT[k].note}`}
      </Line>,
    );
  }
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
