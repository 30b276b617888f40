import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '..', 'inventory', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'zsplit-config-sources-'));

function config(name: string, body: Record<string, unknown>): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(body));
  return f;
}

describe('--config takes the recipient sources', () => {
  it('peerRecipients (a list) with peerRecipientsFormat: the inventory reads them as the flags would', async () => {
    const f = config('maps.json', {
      domain: 'example.com',
      peerRecipients: ['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].map((x) => join(FIX, x)),
      peerRecipientsFormat: 'postfix-maps',
    });
    const r = await cli(['inventory', '--json', '--config', f]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).counts).toEqual({ user: 5, list: 1, alias: 1 });
  });

  it('peerRecipients as one string, a relative path read from the config file\'s directory; a plan is made from it', async () => {
    writeFileSync(join(dir, 'recipients.csv'), 'PrimarySmtpAddress,RecipientTypeDetails,DisplayName,EmailAddresses\r\nroom1@example.com,RoomMailbox,Room 1,SMTP:room1@example.com\r\n');
    const f = config('plan.json', { role: 'primary', domain: 'example.com', zimbraHost: 'zimbra.example.com', peerHost: 'mail.example.com', peerKind: 'exchange', peerIp: '192.0.2.10', peerRecipients: 'recipients.csv' });
    const r = await cli(['plan', 'setup', '--config', f, '--format', 'sh', '--run-as', 'current', '--no-flow-check']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain("ca room1@example.com '' zimbraAccountStatus locked zimbraHideInGal TRUE displayName 'Room 1'");
  });

  it('a --peer-recipients flag overrides the config\'s peerRecipients', async () => {
    const f = config('override.json', { domain: 'example.com', peerRecipients: join(dir, 'does-not-exist.csv') });
    const r = await cli(['inventory', '--json', '--config', f, '--peer-recipients', join(FIX, 'exchange-recipients.csv')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).counts.room).toBe(3);
  });

  it('the LDAP keys mirror the flags: peerLdapUrl with a plain ldap:// to a remote host is refused like the flag', async () => {
    const f = config('ldap.json', { domain: 'example.com', peerLdapUrl: 'ldap://dc.example.com', peerLdapBase: 'DC=example,DC=com', peerLdapBindDn: 'CN=r,DC=example,DC=com', peerLdapPasswordFile: join(dir, 'nope'), peerLdapStarttls: false });
    const r = await cli(['inventory', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--peer-ldap-password-file: cannot read ${join(dir, 'nope')}`);
  });

  it.each(['peerLdapPassword', 'password', 'ldapBindPassword'])('a key holding a password (%s) is refused, naming the key', async (key) => {
    const f = config(`pw-${key}.json`, { domain: 'example.com', peerLdapUrl: 'ldaps://dc.example.com', [key]: 'hunter2' });
    const r = await cli(['inventory', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`"${key}"`);
    expect(r.err).toContain('peerLdapPasswordFile');
    expect(r.err).not.toContain('hunter2');
  });

  it('peerLdapPasswordEnv is refused: the variable is always ZSPLIT_PEER_LDAP_PASSWORD', async () => {
    const f = config('pw-env.json', { domain: 'example.com', peerLdapUrl: 'ldaps://dc.example.com', peerLdapPasswordEnv: 'MY_PW' });
    const r = await cli(['inventory', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('"peerLdapPasswordEnv": the bind password is read from the environment variable ZSPLIT_PEER_LDAP_PASSWORD only');
  });

  it('a wrongly typed source key is refused', async () => {
    const f = config('bad.json', { domain: 'example.com', peerLdapStarttls: 'yes' });
    const r = await cli(['inventory', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('"peerLdapStarttls" must be true or false');
  });
});
