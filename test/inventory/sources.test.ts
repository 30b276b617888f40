import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory, byClass, accountLines, withRecipientInfo } from '../../src/inventory/model.js';
import type { RawRecipient } from '../../src/inventory/model.js';
import { EXCHANGE_EXPORT, RECIPIENT_TYPE_CLASS, parseExchangeCsv, smtpProxies } from '../../src/inventory/exchange.js';
import { parsePostfixMaps } from '../../src/inventory/postfix.js';
import { parseZimbraDump } from '../../src/inventory/zimbra.js';
import { ldapRecipient, recipientTypeName } from '../../src/inventory/ldap.js';
import { detectFormat, parseSources } from '../../src/inventory/read.js';
import { validateAnswers } from '../../src/model/validate.js';

const FIX = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');
const raw = (addresses: string[], cls: RawRecipient['class'] = 'user', source = 's'): RawRecipient => ({ addresses, class: cls, source });

describe('inventory model', () => {
  it('keeps addresses of the domain, reports the others, promotes the first address of the domain', () => {
    const inv = buildInventory([raw(['Bob@Example.COM', 'bob@other.org', 'b@example.com']), raw(['x@other.org', 'x@example.com'], 'contact')], ['example.com']);
    expect(inv.errors).toEqual([]);
    expect(inv.recipients).toEqual([
      { address: 'Bob@example.com', aliases: ['b@example.com'], class: 'user', source: 's' },
      { address: 'x@example.com', aliases: [], class: 'contact', source: 's' },
    ]);
    expect(inv.outside.map((o) => o.address)).toEqual(['bob@other.org', 'x@other.org']);
  });

  it('an address claimed by two recipients is an error naming both', () => {
    const inv = buildInventory(
      [
        { addresses: ['sales@example.com'], class: 'shared', displayName: 'Sales', source: 'a.csv line 2' },
        { addresses: ['bob@example.com', 'SALES@example.com'], class: 'user', displayName: 'Bob', source: 'a.csv line 9' },
      ],
      ['example.com'],
    );
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toContain('SALES@example.com');
    expect(inv.errors[0]).toContain('a.csv line 2');
    expect(inv.errors[0]).toContain('a.csv line 9');
    expect(inv.errors[0]).toContain('"Sales"');
    expect(inv.errors[0]).toContain('"Bob"');
  });

  it('an invalid address is an error naming its source; a repeat within one recipient is dropped', () => {
    const inv = buildInventory([raw(['bad address@example.com'], 'user', 'f line 3'), raw(['a@example.com', 'A@EXAMPLE.com'])], ['example.com']);
    expect(inv.errors).toEqual([expect.stringContaining('f line 3')]);
    expect(inv.recipients[0]).toMatchObject({ address: 'a@example.com', aliases: [] });
  });

  it('a display name with a line break or control character is an error naming its source (it would split a zmprov batch line)', () => {
    const inv = buildInventory([{ addresses: ['a@example.com'], class: 'user', displayName: 'Evil\nca root@example.com', source: 'x.csv line 5' }], ['example.com']);
    expect(inv.errors).toEqual([expect.stringContaining('x.csv line 5')]);
    expect(inv.errors[0]).toContain('display name');
    const csv = parseExchangeCsv('PrimarySmtpAddress,RecipientTypeDetails,DisplayName\r\nb@example.com,UserMailbox,"two\r\nlines"\r\n', 'y.csv');
    expect(buildInventory(csv.recipients, ['example.com']).errors[0]).toContain('y.csv line 2');
  });

  it('groups by class; lines validate as --peer-accounts and keep class and display name', () => {
    const inv = buildInventory([raw(['l@example.com'], 'list'), { ...raw(['u@example.com', 'u2@example.com']), displayName: 'U' }], ['example.com']);
    expect(byClass(inv).map((g) => [g.class, g.recipients.length])).toEqual([['user', 1], ['list', 1]]);
    const v = validateAnswers({ domain: 'example.com', role: 'primary', zimbraHost: 'z.example.com', peerHost: 'p.example.com', peerAccounts: accountLines(inv) });
    expect(v.errors).toEqual([]);
    expect(withRecipientInfo(v.answers!.peerAccounts, inv)).toEqual([
      { address: 'l@example.com', aliases: [], class: 'list', source: 's' },
      { address: 'u@example.com', aliases: ['u2@example.com'], class: 'user', displayName: 'U', source: 's' },
    ]);
  });
});

describe('Exchange CSV', () => {
  const text = fixture('exchange-recipients.csv');
  it('reads a UTF-8 CSV with BOM and CRLF: every documented RecipientTypeDetails value has its class', () => {
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\r\n');
    const p = parseExchangeCsv(text, 'r.csv');
    expect(p.errors).toEqual([]);
    expect(p.notes).toEqual([]);
    for (const [type, cls] of Object.entries(RECIPIENT_TYPE_CLASS)) {
      const r = p.recipients.find((x) => x.sourceType === type);
      expect(r, type).toBeDefined();
      expect(r!.class, type).toBe(cls);
    }
    const inv = buildInventory(p.recipients, ['example.com']);
    expect(inv.errors).toEqual([]);
    const room = inv.recipients.find((r) => r.address === 'roommailbox@example.com')!;
    // SMTP: primary, smtp: secondary; X500 and SIP ignored; onmicrosoft.com reported as outside.
    expect(room).toMatchObject({ class: 'room', aliases: ['roommailbox.alt@example.com'], displayName: 'RoomMailbox 9' });
    expect(inv.outside.some((o) => o.address === 'roommailbox@example.mail.onmicrosoft.com')).toBe(true);
    expect(inv.recipients.find((r) => r.address === 'jmuller@example.com')).toMatchObject({ displayName: 'Müller, Jürgen "JM"', aliases: ['juergen.mueller@example.com', 'j.mueller@example.com'] });
    // A contact whose primary is elsewhere keeps its address of the domain; one with none is left out with a note.
    expect(inv.recipients.find((r) => r.address === 'partner@example.com')?.class).toBe('contact');
    expect(inv.notes.join('\n')).toContain('Only outside');
  });

  it('is the same without BOM and with LF', () => {
    const plain = parseExchangeCsv(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'), 'r.csv');
    expect(plain.recipients).toEqual(parseExchangeCsv(text, 'r.csv').recipients);
  });

  it('EmailAddresses exported without -join is refused with the right command', () => {
    const p = parseExchangeCsv('PrimarySmtpAddress,RecipientTypeDetails,EmailAddresses\r\na@example.com,UserMailbox,Microsoft.Exchange.Data.ProxyAddressCollection\r\n', 'x.csv');
    expect(p.errors[0]).toContain("-join ';'");
    expect(p.recipients).toEqual([]);
  });

  it('a #TYPE line (Export-Csv without -NoTypeInformation) is skipped', () => {
    const typed = `\uFEFF#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.ReducedRecipient\r\n${text.replace(/^\uFEFF/, '')}`;
    expect(parseExchangeCsv(typed, 'r.csv').recipients).toEqual(parseExchangeCsv(text, 'r.csv').recipients);
  });

  it('proxy addresses: SMTP: primary, smtp: secondary, others ignored', () => {
    expect(smtpProxies(['smtp:b@x.com', 'SMTP:a@x.com', 'X500:/o=x', 'SIP:a@x.com', 'EUM:123;phone-context=x', 'x400:c=US;'])).toEqual({ primary: 'a@x.com', secondary: ['b@x.com'] });
  });

  it('names the export command when the columns are wrong; unknown types are users with a note', () => {
    expect(parseExchangeCsv('Name,Mail\r\nx,y\r\n', 'w.csv').errors[0]).toContain(EXCHANGE_EXPORT);
    const p = parseExchangeCsv('PrimarySmtpAddress,RecipientTypeDetails\nn@example.com,FancyNewMailbox\n', 'n.csv');
    expect(p.recipients[0].class).toBe('user');
    expect(p.notes[0]).toContain('FancyNewMailbox');
  });
});

describe('Postfix maps', () => {
  const files = ['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].map((f) => ({ file: f, text: fixture(f) }));
  it('mailboxes, aliases (through chains), lists, forwards and relay recipients', () => {
    const p = parsePostfixMaps(files);
    const inv = buildInventory(p.recipients, ['example.com']);
    expect(inv.errors).toEqual([]);
    const by = Object.fromEntries(inv.recipients.map((r) => [r.address, r]));
    expect(by['alice@example.com']).toMatchObject({ class: 'user', aliases: ['a.smith@example.com', 'alice.smith@example.com'] });
    expect(by['bob@example.com'].aliases).toEqual([]);
    expect(by['team@example.com'].class).toBe('list');
    expect(by['fwd@example.com'].class).toBe('alias');
    expect(by['carol@example.com'].class).toBe('user');
    expect(by['dave@example.com'].class).toBe('user');
    expect(p.notes.join('\n')).toContain('@example.org is a catch-all');
  });

  it('detection: maps by content; an alias-only file is ambiguous alone, a map among maps', () => {
    expect(detectFormat(fixture('postfix-virtual_mailbox'))).toBe('postfix-maps');
    expect(detectFormat('bob@example.com b.smith@example.com\n')).toBe('aliases');
    expect(parseSources([{ file: 'v', text: fixture('postfix-virtual') }]).errors[0]).toContain('--peer-recipients-format postfix-maps|addresses');
    expect(parseSources(files).errors).toEqual([]);
    expect(detectFormat('# users\nbob@example.com\ncarol@example.com\n')).toBe('addresses');
    expect(detectFormat(fixture('exchange-recipients.csv'))).toBe('exchange-csv');
    expect(detectFormat(fixture('zimbra-gaa.txt'))).toBe('zimbra');
  });
});

describe('Zimbra peer output', () => {
  it('accounts, calendar resources, system accounts and distribution lists', () => {
    const inv = buildInventory([...parseZimbraDump(fixture('zimbra-gaa.txt'), 'gaa'), ...parseZimbraDump(fixture('zimbra-gadl.txt'), 'gadl')], ['example.com']);
    expect(inv.errors).toEqual([]);
    expect(inv.recipients.map((r) => [r.address, r.class, r.displayName, r.aliases])).toEqual([
      ['zoe@example.com', 'user', 'Zoe Zimmer', ['zz@example.com']],
      ['conf-a@example.com', 'room', 'Conference A', []],
      ['beamer@example.com', 'equipment', 'Beamer', []],
      ['galsync@example.com', 'system', undefined, []],
      ['staff@example.com', 'list', 'All staff', ['everyone@example.com']],
    ]);
    expect(inv.outside).toEqual([{ address: 'zoe@old.example.net', source: 'gaa entry 1 (zoe@example.com)' }]);
  });
});

describe('LDAP entries', () => {
  it('msExchRecipientTypeDetails bits and proxyAddresses; objectClass where Exchange attributes are absent', () => {
    expect(recipientTypeName('4')).toBe('SharedMailbox');
    expect(recipientTypeName('1099511627776')).toBe('GroupMailbox');
    expect(recipientTypeName('2147483648')).toBe('RemoteUserMailbox');
    expect(ldapRecipient({ dn: 'CN=Sales,DC=x', mail: 'sales@example.com', proxyAddresses: ['SMTP:sales@example.com', 'smtp:verkauf@example.com', 'X500:/o=x'], msExchRecipientTypeDetails: '4', displayName: 'Sales' })).toEqual({
      addresses: ['sales@example.com', 'sales@example.com', 'verkauf@example.com'],
      class: 'shared',
      source: 'CN=Sales,DC=x',
      sourceType: 'SharedMailbox',
      displayName: 'Sales',
    });
    expect(ldapRecipient({ dn: 'cn=g', objectClass: ['top', 'groupOfNames'], mail: 'g@example.com' })?.class).toBe('list');
    expect(ldapRecipient({ dn: 'cn=n', objectClass: ['top', 'person'] })).toBeUndefined();
  });
});

describe('recipient sources at the size of a large organisation', () => {
  // 150,000 recipients handed on as spread arguments overflowed the call stack.
  const N = 150_000;
  const addrs = Array.from({ length: N }, (_, i) => `u${i}@example.com`);
  it.each([
    ['exchange-csv', `PrimarySmtpAddress,RecipientTypeDetails\r\n${addrs.map((a) => `${a},UserMailbox`).join('\r\n')}\r\n`],
    ['addresses', `${addrs.join('\n')}\n`],
    ['zimbra', addrs.map((a) => `# name ${a}\nzimbraMailDeliveryAddress: ${a}\n`).join('\n')],
  ] as const)('%s: every one of 150,000 recipients is read', (format, text) => {
    const p = parseSources([{ text, file: `big.${format}` }], format);
    expect(p.errors).toEqual([]);
    expect(p.recipients).toHaveLength(N);
    expect(p.recipients[N - 1].addresses).toContain(`u${N - 1}@example.com`);
  });
});

describe("the wizard's recipient source at the size of a large Exchange organisation", () => {
  it('reads an export of 250,000 recipients with their proxy addresses (over 64 MB)', async () => {
    const { readRecipientSources } = await import('../../src/wizard/sources.js');
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-sources-'));
    const n = 250_000;
    const rows = ['"PrimarySmtpAddress","RecipientTypeDetails","DisplayName","EmailAddresses"'];
    for (let i = 0; i < n; i++) {
      const a = `user${i}`;
      rows.push(`"${a}@example.com","UserMailbox","User ${i}","SMTP:${a}@example.com;smtp:${a}.alt@example.com;smtp:${a}@example.mail.onmicrosoft.com;X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${a}-5f3c2a;SIP:${a}@example.com"`);
    }
    const path = join(dir, 'recipients.csv');
    writeFileSync(path, rows.join('\r\n') + '\r\n');
    expect(statSync(path).size).toBeGreaterThan(64 * 2 ** 20);
    const loaded = await readRecipientSources([{ path, format: 'exchange-csv' }], undefined, dir, ['example.com'], {});
    expect(loaded.inventory.errors).toEqual([]);
    expect(loaded.inventory.recipients).toHaveLength(n);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
