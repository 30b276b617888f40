import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'zsplit-inventory-'));
const PRIMARY = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'exchange', '--run-as', 'current'];

describe('zsplit inventory', () => {
  it('prints the Exchange recipients grouped by class with counts', async () => {
    const r = await cli(['inventory', '--domain', 'example.com', '--peer-recipients', join(FIX, 'exchange-recipients.csv')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+5\s+user\s+user mailboxes$/m);
    expect(r.out).toMatch(/^\s+5\s+list\s+distribution lists$/m);
    expect(r.out).toMatch(/^\s+3\s+room\s+room mailboxes$/m);
    expect(r.out).toContain('Left out:');
    expect(r.out).toContain('other.org: 2');
  });

  it('--json lists every recipient and the counts; several Postfix maps read together', async () => {
    const r = await cli(['inventory', '--json', '--domain', 'example.com', ...['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].flatMap((f) => ['--peer-recipients', join(FIX, f)])]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.format).toBe('zsplit.inventory/1');
    expect(j.counts).toEqual({ user: 5, list: 1, alias: 1 });
  });

  it('without a source names the export command for each peer', async () => {
    const r = await cli(['inventory', '--domain', 'example.com']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Get-Recipient -ResultSize Unlimited | Select-Object PrimarySmtpAddress,RecipientTypeDetails,DisplayName,@{n='EmailAddresses';e={$_.EmailAddresses -join ';'}} | Export-Csv");
    expect(r.err).toContain('zmprov gadl -v');
  });

  it('an address of two recipients refuses the plan with exit 2, naming both', async () => {
    const f = join(dir, 'dup.csv');
    writeFileSync(f, 'PrimarySmtpAddress,RecipientTypeDetails,DisplayName,EmailAddresses\r\nsales@example.com,SharedMailbox,Sales,SMTP:sales@example.com\r\nbob@example.com,UserMailbox,Bob,SMTP:bob@example.com;smtp:sales@example.com\r\n');
    const r = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('sales@example.com belongs to two recipients');
    expect(r.err).toContain('dup.csv line 2');
    expect(r.err).toContain('dup.csv line 3');
    expect(r.out).toBe('');
  });
});

describe('plan setup --role primary from a recipient source', () => {
  it('every class gets a locked, GAL-hidden placeholder with its display name and all its addresses', async () => {
    const r = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', join(FIX, 'exchange-recipients.csv'), '--format', 'sh', '--no-flow-check']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ca sharedmailbox@example.com '' zimbraAccountStatus locked zimbraHideInGal TRUE displayName 'SharedMailbox 4'");
    expect(r.out).toContain("ca jmuller@example.com '' zimbraAccountStatus locked zimbraHideInGal TRUE displayName 'Müller, Jürgen \"JM\"'");
    expect(r.out).toContain('aaa jmuller@example.com juergen.mueller@example.com');
    const text = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', join(FIX, 'exchange-recipients.csv'), '--no-flow-check']);
    // the preview folds the placeholders into their one zmprov batch: the list's line is in it
    expect(text.out).toMatch(/^\s+ca mailuniversaldistributiongroup@example\.com '' zimbraAccountStatus locked zimbraHideInGal TRUE/m);
    expect(text.out).toContain('the peer expands the list to its members');
    expect(r.out).not.toContain('onmicrosoft.com');
  });

  it('--placeholders-in-gal leaves them visible and says so', async () => {
    const f = join(dir, 'users.txt');
    writeFileSync(f, 'bob@example.com\n');
    const r = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', f, '--placeholders-in-gal', '--format', 'sh']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^(zmprov )?ca bob@example.com '' zimbraAccountStatus locked$/m);
    expect(r.out).toContain('Shown in the GAL (--placeholders-in-gal)');
  });

  it('--placeholder-host is checked before anything is planned', async () => {
    const f = join(dir, 'one.txt');
    writeFileSync(f, 'bob@example.com\n');
    const bad = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', f, '--placeholder-host', 'mbox;reboot']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--placeholder-host: "mbox;reboot" is not a host name');
    const ok = await cli(['plan', 'setup', ...PRIMARY, '--peer-recipients', f, '--placeholder-host', 'mbox2.example.com', '--format', 'json']);
    expect(JSON.parse(ok.out).steps.find((s: { id: string }) => s.id === 'placeholder.create:bob@example.com').argv).toContain('mbox2.example.com');
  });

  it('the LDAP password is read from a file or the environment and printed nowhere', async () => {
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'S3cret-pass\n', { mode: 0o600 });
    const args = ['inventory', '--domain', 'example.com', '--peer-ldap-url', 'ldap://127.0.0.1:1', '--peer-ldap-bind-dn', 'cn=reader,dc=example,dc=com', '--peer-ldap-base', 'dc=example,dc=com'];
    const a = await cli([...args, '--peer-ldap-password-file', pw]);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--peer-ldap-url: reading ldap://127.0.0.1:1 failed');
    const b = await cli(args, { ZSPLIT_PEER_LDAP_PASSWORD: 'S3cret-pass' });
    expect(b.code).toBe(2);
    for (const r of [a, b]) expect(r.out + r.err).not.toContain('S3cret-pass');
    const c = await cli(args, { ZSPLIT_PEER_LDAP_PASSWORD: '' });
    expect(c.err).toContain('needs a password');
    // Never unencrypted to a remote directory.
    const d = await cli(['inventory', '--domain', 'example.com', '--peer-ldap-url', 'ldap://dc.example.com', '--peer-ldap-bind-dn', 'cn=r', '--peer-ldap-base', 'dc=x', '--peer-ldap-password-file', pw]);
    expect(d.err).toContain('ldaps:// or --peer-ldap-starttls');
  });
});
