/**
 * What the plan says besides its commands: trusting the peer in zimbraMtaMyNetworks has side
 * effects (permit_mynetworks, amavis, OpenDKIM), and an Exchange on-premises cutover forwards to
 * the routing domain only where a remote domain allows auto-forwarding.
 */
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/model/types.js';
import { plan } from '../../src/plan/index.js';

function answers(role: 'primary' | 'secondary', kind: Answers['peer']['kind'], ips = ['192.0.2.10/32']): Answers {
  return {
    domains: ['example.com'],
    role,
    zimbraHosts: ['zimbra.example.com'],
    mailboxHost: 'zimbra.example.com',
    zimbraVersion: '10.1.0',
    peer: { kind, host: 'mail.example.com', port: 25, ips },
    peerAccounts: [{ address: 'bob@example.com', aliases: [] }],
    cutover: { users: ['bob@example.com'], direction: 'to-zimbra', wave: 'w1' },
  };
}

describe('zimbraMtaMyNetworks side effects', () => {
  it.each(['primary', 'secondary'] as const)('%s setup: the why line and a review warning say that amavis, the anti-spam checks and OpenDKIM treat the peer as local, and the narrower choice', (role) => {
    const p = plan('setup', answers(role, 'postfix'));
    const step = p.steps.find((s) => s.id.startsWith('mta.mynetworks'))!;
    for (const text of [step.why, p.warnings.join(' ')]) {
      expect(text).toMatch(/amavis/);
      expect(text).toMatch(/OpenDKIM/);
      expect(text).toMatch(/RBL/);
      expect(text).toMatch(/leave --peer-ip out/);
    }
  });
  it('no peer network, no warning', () => {
    expect(plan('setup', answers('secondary', 'postfix', [])).warnings.join(' ')).not.toMatch(/mynetworks/i);
  });
});

describe('Exchange on-premises cutover', () => {
  it('before forwarding to the routing domain: check it is accepted or its remote domain allows auto-forward, and create that remote domain', () => {
    const p = plan('cutover', answers('secondary', 'exchange'));
    const peer = p.steps.filter((s) => s.where === 'peer');
    const i = peer.findIndex((s) => /auto-forward/.test(s.title));
    const fwd = peer.findIndex((s) => s.manual!.commands.some((c) => c.startsWith('Set-Mailbox')));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(fwd);
    const cmds = peer[i].manual!.commands;
    expect(cmds).toContain("Get-AcceptedDomain | Where-Object { $_.DomainName -eq 'zimbra-route.example.com' }   # listed: accepted, nothing to do");
    expect(cmds).toContain("Set-RemoteDomain -Identity 'zsplit routing zimbra-route.example.com' -AutoForwardEnabled $true");
    expect(peer[i].why).toMatch(/accepted domains/);
    expect(plan('unsplit', answers('secondary', 'exchange')).steps.flatMap((s) => s.manual?.commands ?? [])).toContain("Remove-RemoteDomain -Identity 'zsplit routing zimbra-route.example.com' -Confirm:$false   # if a cutover created it");
  });
});

describe("Zimbra's split-domain recipient check (ldap-splitdomain.cf, 8.5+)", () => {
  const CHECK = 'check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf';
  it('a secondary setup switches it on (the check, then reject), before the reload', () => {
    const p = plan('setup', answers('secondary', 'postfix'));
    const ids = p.steps.map((s) => s.id);
    expect(p.steps.find((s) => s.id === 'mta.splitdomain:global:check')!.argv).toEqual(['mcf', '+zimbraMtaRestriction', CHECK]);
    expect(p.steps.find((s) => s.id === 'mta.splitdomain:global:reject')).toMatchObject({ argv: ['mcf', '+zimbraMtaRestriction', 'reject'], requires: ['mta.splitdomain:global:check'] });
    expect(ids.indexOf('mta.splitdomain:global:reject')).toBeLessThan(ids.indexOf('mta.reload'));
    expect(plan('setup', answers('primary', 'postfix')).steps.some((s) => s.id.startsWith('mta.splitdomain'))).toBe(false);
  });
  it('not for a peer that routes through zimbra-route.<domain> unless the peer is in mynetworks; the note says why', () => {
    const p = plan('setup', answers('secondary', 'exchange', []));
    expect(p.steps.some((s) => s.id.startsWith('mta.splitdomain'))).toBe(false);
    expect(p.notes.join(' ')).toMatch(/No split-domain recipient check/);
    expect(plan('setup', answers('secondary', 'exchange')).steps.some((s) => s.id.startsWith('mta.splitdomain'))).toBe(true);
  });
  it('unsplit removes the pair (reject first) only when setup\'s journal says setup added it', () => {
    const a = answers('secondary', 'postfix');
    expect(plan('unsplit', a).steps.some((s) => s.id.startsWith('mta.splitdomain'))).toBe(false);
    const prior = { runs: ['r1'], values: { 'config: zimbramtarestriction': ['reject_invalid_helo_hostname'] } };
    const steps = plan('unsplit', { ...a, prior }).steps.filter((s) => s.id.startsWith('mta.splitdomain'));
    expect(steps.map((s) => s.argv)).toEqual([['mcf', '-zimbraMtaRestriction', 'reject'], ['mcf', '-zimbraMtaRestriction', CHECK]]);
  });
});
