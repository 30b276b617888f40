// Issue 14: the Accounts screen loads the peer's recipient sources and shows them by class before the plan.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { classRows, inventoryLine, inventoryOf } from '../../src/wizard/recipients.js';
import { KEY, flat, startWizard, throughHosts } from './helpers.js';

afterEach(() => cleanup());

const FIX = join(import.meta.dirname, '..', 'inventory', 'fixtures');
const fixture = (name: string) => ({ source: { path: join(FIX, name), format: 'auto' as const }, text: readFileSync(join(FIX, name), 'utf8') });

describe('recipient sources (pure)', () => {
  it('the Exchange export by class, with the addresses of other domains counted', () => {
    const inv = inventoryOf([fixture('exchange-recipients.csv')], ['example.com']);
    const rows = Object.fromEntries(classRows(inv).map((r) => [r.label, r.count]));
    expect(rows['User mailboxes']).toBe(5);
    expect(rows['Room mailboxes']).toBe(3);
    expect(rows['Distribution lists']).toBe(5);
    expect(inventoryLine(inv, ['example.com'])).toMatch(/^User mailboxes 5, Shared mailboxes 5, Room mailboxes 3, .*; 39 address\(es\) outside example\.com left out; 0 duplicate\(s\)$/);
  });

  it('Postfix maps named together are read together; an address in two sources is an error naming both', () => {
    const maps = ['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].map(fixture);
    const inv = inventoryOf(maps, ['example.com']);
    expect(inv.errors).toEqual([]);
    expect(Object.fromEntries(classRows(inv).map((r) => [r.label, r.count]))).toEqual({ 'User mailboxes': 5, 'Distribution lists': 1, 'Forwarding aliases': 1 });
    const both = inventoryOf([...maps, { source: { path: 'extra.txt', format: 'addresses' }, text: 'alice@example.com\n' }], ['example.com']);
    expect(both.errors.join('\n')).toMatch(/alice@example\.com belongs to two recipients: .*postfix-virtual_mailbox.* and .*extra\.txt line 1/);
    expect(inventoryLine(both, ['example.com'])).toMatch(/; 1 duplicate\(s\)$/);
  });

  it('an alias map alone cannot be told from a plain list: the error says to choose the format', () => {
    const inv = inventoryOf([fixture('postfix-virtual')], ['example.com']);
    expect(inv.errors.join('\n')).toContain('the format postfix-maps|addresses (Tab on "Load recipients")');
  });
});

/** Role and Hosts filled, then "Load recipients from the peer": the path field. */
async function toSource(t: ReturnType<typeof startWizard>): Promise<void> {
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.choose('Load recipients from the peer');
    await t.press(KEY.enter);
    await t.waitFor('format: auto');
}

describe('Accounts: load recipients from the peer', () => {
  it('shows the Exchange export by class with counts before the plan; the plan has its placeholders; the answers keep only the path', async () => {
    const t = startWizard();
    await toSource(t);
    await t.type(join(FIX, 'exchange-recipients.csv'));
    await t.press(KEY.enter);
    const f = await t.waitFor('Recipients of the peer by class');
    expect(f).toMatch(/User mailboxes\s+5$/m);
    expect(f).toMatch(/Room mailboxes\s+3$/m);
    expect(f).toMatch(/Distribution lists\s+5$/m);
    expect(flat(f)).toContain('39 address(es) outside example.com left out (example.mail.onmicrosoft.com: 37, other.org: 2)');
    expect(f).toContain('0 duplicate(s)');
    expect(flat(f)).toContain('(recognised: exchange-csv)');
    await t.press(KEY.esc);
    const menu = await t.waitFor('From the peer: User mailboxes 5');
    expect(menu).toMatch(/^> Continue with 39 account\(s\)/m);
    expect(t.state().fields.recipientSources).toEqual([{ path: join(FIX, 'exchange-recipients.csv'), format: 'auto' }]);
    await t.press(KEY.enter);
    await t.waitFor((s) => s.screen === 'review' && !s.review.busy, 15000);
    // the answers name the source, not the addresses it holds
    const saved = readdirSync(t.stateDir).filter((n) => n.endsWith('.json')).map((n) => readFileSync(join(t.stateDir, n), 'utf8')).join('\n');
    expect(saved).toContain('exchange-recipients.csv');
    expect(saved).not.toContain('usermailbox@example.com');
    const lines = JSON.stringify(t.state().review.plan?.steps ?? []);
    expect(t.state().review.refused).toEqual([]);
    expect(lines).toContain('room');
    expect(lines).toContain("Müller, Jürgen");
  });

  it('Tab picks the format; problems are listed and Continue waits until they are gone', async () => {
    const t = startWizard();
    const dup = t.file('dup.csv', 'PrimarySmtpAddress,RecipientTypeDetails,DisplayName,EmailAddresses\r\nsales@example.com,SharedMailbox,Sales,SMTP:sales@example.com\r\nbob@example.com,UserMailbox,Bob,SMTP:bob@example.com;smtp:sales@example.com\r\n');
    await toSource(t);
    await t.press(KEY.tab);
    await t.waitFor('format: exchange-csv');
    await t.type(dup);
    await t.press(KEY.enter);
    const f = await t.waitFor('Recipients of the peer by class');
    expect(f).toContain('1 duplicate(s)');
    expect(f).toContain('Problems (1)');
    expect(f).toMatch(/sales@example\.com belongs to two recipients/);
    await t.press(KEY.enter);
    const menu = await t.waitFor('From the peer:');
    expect(menu).toContain('1 problem(s)');
    expect(t.state().accounts.loaded?.inventory.errors[0]).toMatch(/dup\.csv line 2.*dup\.csv line 3/);
    // Continue is disabled: the cursor never lands on it
    expect(menu).not.toMatch(/^> Continue/m);
    await t.choose('Clear the list and the recipient sources');
    await t.press(KEY.enter);
    await t.waitFor('The list is empty.');
    expect(t.state().fields.recipientSources).toEqual([]);
    expect(t.state().accounts.loaded).toBeUndefined();
  });

  it('--peer-recipients on the command line: the wizard starts with the source and shows its counts', async () => {
    const t = startWizard({ flags: ['--peer-recipients', join(FIX, 'exchange-recipients.csv')] });
    await throughHosts(t);
    const f = await t.waitFor('From the peer: User mailboxes 5');
    expect(f).toMatch(/^> Continue with 39 account\(s\)/m);
  });

  it('the by-class view scrolls to its last line and no further', async () => {
    const t = startWizard();
    await toSource(t);
    await t.type(join(FIX, 'exchange-recipients.csv'));
    await t.press(KEY.enter);
    const first = /lines 1-(\d+) of (\d+)/.exec(await t.waitFor(/lines 1-\d+ of \d+/))!;
    const [rows, total] = [Number(first[1]), Number(first[2])];
    expect(total).toBeGreaterThan(rows);
    for (let i = 0; i < total + 5; i++) await t.press(KEY.down);
    await t.waitFor(`lines ${total - rows + 1}-${total} of ${total}`);
    await t.press(KEY.up);
    await t.waitFor(`lines ${total - rows}-${total - 1} of ${total}`);
  });

  it('a path that cannot be read says so and keeps the path for a correction', async () => {
    const t = startWizard();
    await toSource(t);
    await t.type('nope.csv');
    await t.press(KEY.enter);
    await t.waitFor('cannot read');
    expect(t.state().accounts.mode).toBe('source');
    expect(t.state().fields.recipientSources ?? []).toEqual([]);
  });
});

describe('Accounts: recipients live from LDAP / AD', () => {
  it('asks where the password is, never for it; says what is missing or unreadable without repeating a mistyped password', async () => {
    process.env.ZSPLIT_TEST_LDAP_PW = 'lab-secret';
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.choose('Read recipients live from LDAP / AD');
    await t.press(KEY.enter);
    await t.waitFor('Directory URL');
    await t.type('ldap://127.0.0.1:1');
    await t.press(KEY.enter);
    await t.waitFor('Base DN: required.');
    await t.press(KEY.down);
    await t.type('DC=example,DC=com');
    await t.press(KEY.down);
    await t.type('CN=reader,DC=example,DC=com');
    await t.press(KEY.enter);
    await t.waitFor((_s, fr) => flat(fr).includes('Password from: name a file holding the bind password'));
    await t.press(KEY.down);
    await t.type('hunter2');
    await t.press(KEY.enter);
    let f = await t.waitFor((_s, fr) => flat(fr).includes('the password file of "Password from" cannot be read (ENOENT)'));
    expect(f.split('\n').filter((l) => l.includes('hunter2'))).toHaveLength(1); // the field, not the message
    for (let i = 0; i < 7; i++) await t.press(KEY.backspace);
    await t.type('$ZSPLIT_TEST_NO_SUCH_VAR');
    await t.press(KEY.enter);
    await t.waitFor((_s, fr) => flat(fr).includes('environment variable ZSPLIT_TEST_NO_SUCH_VAR (Password from) is not set'));
    for (let i = 0; i < 24; i++) await t.press(KEY.backspace);
    await t.type('$ZSPLIT_TEST_LDAP_PW');
    await t.press(KEY.enter);
    f = await t.waitFor(/LDAP: reading ldap:\/\/127\.0\.0\.1:1 failed/, 15000);
    expect(f).not.toContain('lab-secret');
    expect(t.state().accounts.ldap).toMatchObject({ url: 'ldap://127.0.0.1:1', passwordFrom: '$ZSPLIT_TEST_LDAP_PW' });
    expect(JSON.stringify(t.state())).not.toContain('lab-secret');
    // nothing read: no source recorded
    expect(t.state().fields.ldapSource).toBeUndefined();
  });
});
