/**
 * Postfix peer commands by address class (ADDRESS_CLASS_README): relay_recipient_maps counts for
 * relay_domains only, so an authoritative peer that hosts the domain in virtual_mailbox_domains or
 * mydestination must learn Zimbra's users through virtual_alias_maps; a secondary peer keeps its
 * other relay domains and delivers its own users with its own transport.
 */
import { describe, expect, it } from 'vitest';
import type { Answers, PostfixAddressClass } from '../../src/model/types.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';

function answers(role: 'primary' | 'secondary', peer: Partial<Answers['peer']> = {}): Answers {
  return {
    domains: ['example.com'],
    role,
    zimbraHosts: ['192.0.2.1'],
    mailboxHost: '192.0.2.1',
    zimbraVersion: '10.1.0',
    peer: { kind: 'postfix', host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'], ...peer },
    peerAccounts: [{ address: 'carol@example.com', aliases: ['caroline@example.com'] }],
  };
}
const withAlice: Observed = { entries: {}, accounts: [{ name: 'alice@example.com', attrs: { zimbraMailTransport: ['lmtp:192.0.2.1:7025'] } }] };
const peerCommands = (a: Answers, observed?: Observed) => plan('setup', a, observed).steps.filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands);
const peerSteps = (a: Answers, observed?: Observed) => plan('setup', a, observed).steps.filter((s) => s.where === 'peer');

describe('Postfix peer that stays authoritative (Zimbra secondary)', () => {
  it.each(['virtual', 'local'] as PostfixAddressClass[])('%s class: Zimbra users go to virtual_alias_maps (mapped to themselves) and transport_maps, not relay_recipient_maps', (cls) => {
    const cmds = peerCommands(answers('secondary', { addressClass: cls }), withAlice).join('\n');
    expect(cmds).toContain("'alice@example.com alice@example.com'");
    expect(cmds).toContain('postconf -e "virtual_alias_maps = hash:/etc/postfix/zsplit_virtual $(postconf -h virtual_alias_maps)"');
    expect(cmds).toContain("'alice@example.com smtp:[192.0.2.1]:25'");
    expect(cmds).not.toContain('relay_recipient_maps');
    expect(cmds).toContain(`postconf -h ${cls === 'virtual' ? 'virtual_mailbox_domains' : 'mydestination'} | tr ', ' '\\n\\n' | grep -qixF example.com ||`);
  });

  it('relay class: relay_recipient_maps, as before', () => {
    const cmds = peerCommands(answers('secondary', { addressClass: 'relay' }), withAlice).join('\n');
    expect(cmds).toContain('relay_recipient_maps = hash:/etc/postfix/zsplit_relay_recipients');
    expect(cmds).not.toContain('zsplit_virtual');
  });

  it('no Zimbra users known: no empty map is written, and the step says so', () => {
    const steps = peerSteps(answers('secondary', { addressClass: 'virtual' }));
    const main = steps.find((s) => /NO Zimbra users/.test(s.title))!;
    expect(main).toBeDefined();
    expect(main.manual!.commands.join('\n')).not.toMatch(/zsplit_virtual|zsplit_transport|relay_recipient_maps/);
    expect(main.manual!.commands.join('\n')).toContain('mynetworks');
  });

  it('the peer step starts with the probe that shows the class', () => {
    const [step] = peerSteps(answers('secondary'), withAlice);
    expect(step.why).toMatch(/address class/);
    expect(step.manual!.commands[0]).toMatch(/^postconf mydestination relay_domains virtual_mailbox_domains/);
  });
});

describe('Postfix peer that becomes secondary (Zimbra primary)', () => {
  it('prepends relay_domains instead of overwriting it, and takes the domain out of its class by command', () => {
    const cmds = peerCommands(answers('primary', { addressClass: 'virtual' }));
    expect(cmds).toContain('postconf -e "relay_domains = example.com $(postconf -h relay_domains)"');
    expect(cmds.join('\n')).not.toMatch(/postconf -e 'relay_domains = example\.com'/);
    expect(cmds).toContain(`postconf -e "virtual_mailbox_domains = $(postconf -h virtual_mailbox_domains | tr ', ' '\\n\\n' | grep -vixF example.com | paste -sd ' ' -)"`);
  });

  it('own users keep the peer\'s own transport: --peer-transport, else virtual_transport read on the peer (not a fixed virtual:)', () => {
    const lmtp = peerCommands(answers('primary', { addressClass: 'virtual', transport: 'lmtp:unix:private/dovecot-lmtp' })).join('\n');
    expect(lmtp).toContain("t=lmtp:unix:private/dovecot-lmtp && printf '%s %s\\n' carol@example.com \"$t\" caroline@example.com \"$t\" example.com 'smtp:[192.0.2.1]:25' > /etc/postfix/zsplit_transport");
    expect(lmtp).not.toContain('virtual:');
    const read = peerCommands(answers('primary', { addressClass: 'virtual' })).join('\n');
    expect(read).toContain('t=$(postconf -h virtual_transport); case "$t" in *:*) ;; *) t="$t:" ;; esac && printf');
  });

  it('a relay-class peer without --peer-transport stops instead of relaying its own users by MX (which may be Zimbra: a loop)', () => {
    const cmds = peerCommands(answers('primary', { addressClass: 'relay' })).join('\n');
    expect(cmds).toMatch(/give the transport of its own users with --peer-transport.*false; \} && printf/);
  });
});

describe('flags', () => {
  const raw = { domain: 'example.com', role: 'secondary', zimbraHost: 'zimbra.example.com', peerHost: 'mail.example.com', peerKind: 'postfix' };
  it('--peer-address-class and --peer-transport are checked before anything runs', () => {
    expect(validateAnswers({ ...raw, peerAddressClass: 'virtual', peerTransport: 'lmtp:unix:private/dovecot-lmtp' }, 'setup').answers!.peer).toMatchObject({ addressClass: 'virtual', transport: 'lmtp:unix:private/dovecot-lmtp' });
    expect(validateAnswers({ ...raw, peerAddressClass: 'mailbox' }, 'setup').errors[0]).toMatchObject({ flag: '--peer-address-class' });
    expect(validateAnswers({ ...raw, peerTransport: "lmtp:x'; rm -rf /" }, 'setup').errors[0]).toMatchObject({ flag: '--peer-transport' });
    expect(validateAnswers({ ...raw, peerKind: 'exchange', peerAddressClass: 'virtual' }, 'setup').errors[0]).toMatchObject({ flag: '--peer-address-class' });
  });
});

describe('Postfix peer cutover', () => {
  it('to Zimbra: each user\'s own-delivery line goes before the Zimbra line is added (postmap keeps the first of two keys)', () => {
    const a: Answers = { ...answers('primary', { addressClass: 'virtual' }), cutover: { users: ['carol@example.com'], direction: 'to-zimbra', wave: 'w1' } };
    const cmds = plan('cutover', a).steps.filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands);
    const del = cmds.findIndex((c) => c.startsWith("sed -i '/^carol@example\\.com /d' /etc/postfix/zsplit_transport"));
    const add = cmds.findIndex((c) => c.includes("'carol@example.com smtp:[192.0.2.1]:25' >> /etc/postfix/zsplit_transport"));
    expect(del).toBeGreaterThanOrEqual(0);
    expect(add).toBeGreaterThan(del);
  });
});
