import { describe, expect, it } from 'vitest';
import { defaultState } from '../../src/sim/state.js';
import { runTool } from '../../src/sim/tools.js';
import { sim } from './helpers.js';

describe('zmcontrol, zmhostname', () => {
  it('zmcontrol -v prints the release line built from the version', () => {
    expect(runTool(defaultState(), 'zmcontrol', ['-v'])).toMatchObject({
      exitCode: 0,
      stdout: 'Release 10.1.0_GA_4655.RHEL8_64_20240819064312 RHEL8_64 FOSS edition.\n',
    });
    expect(runTool(defaultState({ version: '8.8.15' }), 'zmcontrol', ['-v']).stdout).toBe(
      'Release 8.8.15_GA_3869.RHEL7_64_20190918004220 RHEL7_64 FOSS edition.\n',
    );
    expect(runTool(defaultState({ version: '9.0.0' }), 'zmcontrol', ['-v']).stdout).toMatch(/^Release 9\.0\.0_GA_\d+\.RHEL8_64_\d{14} RHEL8_64 FOSS edition\.\n$/);
  });

  it('zmhostname prints the local server', () => {
    expect(runTool(defaultState({ hostname: 'mta1.corp.test' }), 'zmhostname', []).stdout).toBe('mta1.corp.test\n');
  });
});

describe('zmmtactl', () => {
  it('reload rewrites (8.7+), reloads Postfix and records the reload', () => {
    const log: unknown[] = [];
    const r = runTool(defaultState(), 'zmmtactl', ['reload'], { onLog: (x) => log.push(x) });
    expect(r).toMatchObject({
      exitCode: 0,
      stdout: 'Rewriting configuration files...done.\n',
      stderr: 'postfix/postfix-script: refreshing the Postfix mail system\n',
    });
    expect(log).toMatchObject([{ type: 'reload', tool: 'zmmtactl', action: 'reload', rewrite: true }]);
    const old: unknown[] = [];
    expect(runTool(defaultState({ version: '8.6.0' }), 'zmmtactl', ['restart'], { onLog: (x) => old.push(x) }).stdout).toBe('');
    expect(old).toMatchObject([{ type: 'reload', rewrite: false }]);
    expect(runTool(defaultState(), 'zmmtactl', ['bogus']).exitCode).toBe(1);
  });
});

describe('postconf: main.cf as zmconfigd writes it', () => {
  const pc = (s: ReturnType<typeof sim>) => runTool(s.state, 'postconf', ['-h', 'relayhost', 'mynetworks', 'smtp_dns_support_level']).stdout;

  it('defaults: server-level mynetworks, DNS enabled', () => {
    expect(pc(sim())).toBe('\n127.0.0.0/8 [::1]/128 10.0.0.10/32\nenabled\n');
    expect(runTool(defaultState(), 'postconf', ['relayhost']).stdout).toBe('relayhost = \n');
  });

  it('a server value overrides the global one (§7.7)', () => {
    const s = sim();
    s.zm(['mcf', 'zimbraMtaMyNetworks', '127.0.0.0/8 192.0.2.0/24']);
    expect(pc(s)).toBe('\n127.0.0.0/8 [::1]/128 10.0.0.10/32\nenabled\n');
    s.zm(['ms', 'zimbra.example.com', 'zimbraMtaMyNetworks', '127.0.0.0/8', 'zimbraMtaMyNetworks', '192.0.2.10/32']);
    expect(pc(s)).toBe('\n127.0.0.0/8 192.0.2.10/32\nenabled\n');
    s.zm(['mcf', 'zimbraMtaRelayHost', '[mail.example.com]:25', 'zimbraMtaSmtpDnsSupportLevel', 'disabled']);
    expect(pc(s)).toBe('[mail.example.com]:25\n127.0.0.0/8 192.0.2.10/32\ndisabled\n');
    s.zm(['ms', 'zimbra.example.com', 'zimbraMtaMyNetworks', '']);
    expect(pc(s)).toBe('[mail.example.com]:25\n127.0.0.0/8 192.0.2.0/24\ndisabled\n');
  });

  it('DNS switch: zimbraMtaDnsLookupsEnabled maps to disable_dns_lookups only up to 8.6', () => {
    const old = sim('8.6.0');
    old.zm(['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE']);
    expect(runTool(old.state, 'postconf', ['-h', 'disable_dns_lookups']).stdout).toBe('yes\n');
    const cur = sim('10.1.0');
    cur.zm(['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE']);
    expect(runTool(cur.state, 'postconf', ['-h', 'disable_dns_lookups', 'smtp_dns_support_level']).stdout).toBe('no\nenabled\n');
  });

  it('warns about unknown parameters on stderr', () => {
    const r = runTool(defaultState(), 'postconf', ['-h', 'no_such_param', 'relayhost']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '\n', stderr: 'postconf: warning: no_such_param: unknown parameter\n' });
  });
});

describe('postmap -q over the LDAP maps (§4.1)', () => {
  const q = (s: ReturnType<typeof sim>, key: string, map: string) => runTool(s.state, 'postmap', ['-q', key, `ldap:/opt/zimbra/conf/${map}`]);

  it('transport: by delivery address or domain name, only with zimbraMailStatus=enabled', () => {
    const s = sim();
    expect(q(s, 'alice@example.com', 'ldap-transport.cf')).toMatchObject({ exitCode: 0, stdout: 'lmtp:zimbra.example.com:7025\n' });
    expect(q(s, 'Alice@EXAMPLE.com', 'ldap-transport.cf').stdout).toBe('lmtp:zimbra.example.com:7025\n');
    expect(q(s, 'example.com', 'ldap-transport.cf')).toMatchObject({ exitCode: 1, stdout: '', stderr: '' });
    expect(q(s, 'nobody@example.com', 'ldap-transport.cf').exitCode).toBe(1);
    s.zm(['md', 'example.com', 'zimbraMailTransport', 'smtp:mail.example.com:25']);
    expect(q(s, 'example.com', 'ldap-transport.cf').stdout).toBe('smtp:mail.example.com:25\n');
    s.zm(['ma', 'alice@example.com', 'zimbraAccountStatus', 'closed']);
    expect(q(s, 'alice@example.com', 'ldap-transport.cf').exitCode).toBe(1);
  });

  it('vam: address, alias or catch-all key; returns the delivery or forwarding address', () => {
    const s = sim();
    s.zm(['aaa', 'bob@example.com', 'robert@example.com']);
    expect(q(s, 'robert@example.com', 'ldap-vam.cf').stdout).toBe('bob@example.com\n');
    expect(q(s, '@example.com', 'ldap-vam.cf').exitCode).toBe(1);
    s.zm(['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com', 'zimbraMailCatchAllForwardingAddress', '@example.com']);
    expect(q(s, '@example.com', 'ldap-vam.cf').stdout).toBe('@example.com\n');
    // postmap -q does one lookup: an unknown user is not the catch-all key.
    expect(q(s, 'nobody@example.com', 'ldap-vam.cf').exitCode).toBe(1);
    expect(q(s, 'bob@example.com', 'ldap-vmm.cf').stdout).toBe('bob@example.com\n');
    expect(q(s, 'robert@example.com', 'ldap-splitdomain.cf').stdout).toBe('OK\n');
    expect(q(s, 'example.com', 'ldap-vmd.cf').stdout).toBe('example.com\n');
  });

  it('an alias domain is in virtual_alias_domains (ldap-vad.cf), not virtual_mailbox_domains, and its catch-all rewrites to the target', () => {
    const s = sim();
    const route = 'zimbra-route.example.com';
    expect(q(s, route, 'ldap-vad.cf').exitCode).toBe(1);
    s.zm(['cd', route, 'zimbraDomainType', 'alias', 'zimbraMailCatchAllAddress', `@${route}`, 'zimbraMailCatchAllForwardingAddress', '@example.com']);
    expect(q(s, route, 'ldap-vad.cf').stdout).toBe(`${route}\n`);
    expect(q(s, route, 'ldap-vmd.cf').exitCode).toBe(1);
    expect(q(s, `@${route}`, 'ldap-vam.cf').stdout).toBe('@example.com\n');
  });

  it('an unknown map file is fatal', () => {
    const s = sim();
    expect(q(s, 'x', 'ldap-nope.cf')).toMatchObject({ exitCode: 1, stderr: 'postmap: fatal: open /opt/zimbra/conf/ldap-nope.cf: No such file or directory\n' });
  });
});
