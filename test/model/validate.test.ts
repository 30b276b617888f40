import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawAnswers } from '../../src/model/validate.js';
import { addressError, isDnsName, parseAccountLines, parseNetwork, parseTransport, validateAnswers } from '../../src/model/validate.js';

const good: RawAnswers = {
  domain: 'example.com',
  role: 'primary',
  zimbraHost: 'zimbra.example.com',
  peerKind: 'postfix',
  peerHost: 'mail.example.com',
  peerIp: ['192.0.2.10'],
  peerAccounts: "bob@example.com b.smith@example.com\n# a comment\n\no'brien@example.com\n",
};

function fieldsOf(raw: RawAnswers, job: 'setup' | 'cutover' | 'unsplit' = 'setup') {
  return validateAnswers(raw, job).errors.map((e) => e.field);
}

describe('validateAnswers', () => {
  it('accepts a good primary setup and normalises it', () => {
    const v = validateAnswers(good);
    expect(v.errors).toEqual([]);
    expect(v.answers!.peer).toEqual({ kind: 'postfix', host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] });
    expect(v.answers!.peerAccounts).toEqual([
      { address: 'bob@example.com', aliases: ['b.smith@example.com'] },
      { address: "o'brien@example.com", aliases: [] },
    ]);
    expect(v.answers!.mailboxHost).toBe('zimbra.example.com');
  });

  it.each([
    ['peerHost', { peerHost: 'mail;reboot' }],
    ['peerHost', { peerHost: 'mail.example.com && rm -rf /' }],
    ['peerHost', { peerHost: '$(reboot)' }],
    ['peerHost', { peerHost: 'zimbra.example.com' }],
    ['zimbraHost', { zimbraHost: 'zimbra..example.com' }],
    ['zimbraHost', { zimbraHost: '-zimbra.example.com' }],
    ['domain', { domain: 'example' }],
    ['domain', { domain: 'exa mple.com' }],
    ['domain', { domain: "example.com'" }],
    ['role', { role: 'master' }],
    ['peerKind', { peerKind: 'lotus' }],
    ['peerPort', { peerPort: '0' }],
    ['peerPort', { peerPort: '65536' }],
    ['peerPort', { peerPort: '25;ls' }],
    ['peerIp', { peerIp: ['0.0.0.0/0'] }],
    ['peerIp', { peerIp: ['10.0.0.0/8'] }],
    ['peerIp', { peerIp: ['2001:db8::/32'] }],
    ['peerIp', { peerIp: ['10.0.0.5/24'] }],
    ['peerIp', { peerIp: ['300.1.1.1'] }],
    ['peerIp', { peerIp: ['192.0.2.1', '192.0.2.1/32'] }],
    ['zimbraVersion', { zimbraVersion: 'ten' }],
    ['mailboxHost', { mailboxHost: 'mbox example.com' }],
    ['peerAccounts', { peerAccounts: 'bob@other.org' }],
    ['peerAccounts', { peerAccounts: 'bob@example.com\nBOB@example.com' }],
    ['peerAccounts', { peerAccounts: 'not-an-address' }],
    ['peerAccounts', { peerAccounts: '"quoted"@example.com' }],
    ['peerAccounts', { peerAccounts: 'a..b@example.com' }],
    ['peerAccounts', { peerAccounts: 'bob@example.com bob@example.com' }],
    ['peerAccounts', { peerAccounts: `${'x'.repeat(65)}@example.com` }],
    ['peerHost', { peerHost: 'mail.example.com\nzmprov da admin@example.com' }],
    ['domain', { domain: 'example.com\u0000' }],
  ])('refuses bad %s: %j', (field, patch) => {
    const v = validateAnswers({ ...good, ...patch } as RawAnswers);
    expect(v.answers).toBeUndefined();
    expect(v.errors.map((e) => e.field)).toContain(field);
    const e = v.errors.find((x) => x.field === field)!;
    expect(e.flag).toMatch(/^--/);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('refuses the routing subdomain zimbra-route.<domain> as a Zimbra, mailbox or peer host, naming the field', () => {
    for (const [field, patch] of [
      ['zimbraHost', { zimbraHost: 'zimbra-route.example.com' }],
      ['zimbraHost', { domain: ['example.org', 'example.com'], zimbraHost: ['zimbra.example.com', 'ZIMBRA-ROUTE.example.org'] }],
      ['mailboxHost', { mailboxHost: 'zimbra-route.example.com' }],
      ['peerHost', { peerHost: 'zimbra-route.example.com' }],
    ] as [string, RawAnswers][]) {
      const v = validateAnswers({ ...good, ...patch });
      expect(v.answers).toBeUndefined();
      expect(v.errors.map((e) => e.field)).toEqual([field]);
      expect(v.errors[0].message).toMatch(/is the routing subdomain of example\.(com|org)/);
    }
    expect(validateAnswers({ ...good, zimbraHost: 'zimbra-route.example.net' }).errors).toEqual([]);
  });

  it('accepts wide networks only with the override, and never /0', () => {
    expect(fieldsOf({ ...good, peerIp: ['10.0.0.0/16'], allowWideNetwork: true })).toEqual([]);
    expect(fieldsOf({ ...good, peerIp: ['0.0.0.0/0'], allowWideNetwork: true })).toEqual(['peerIp']);
    expect(fieldsOf({ ...good, peerIp: ['::/0'], allowWideNetwork: true })).toEqual(['peerIp']);
  });

  it('keeps hostile-looking but valid addresses intact', () => {
    const v = validateAnswers({ ...good, peerAccounts: "o'brien@example.com\nx&y@example.com\n$dollar@example.com\na/b@example.com" });
    expect(v.errors).toEqual([]);
    expect(v.answers!.peerAccounts.map((p) => p.address)).toEqual(["o'brien@example.com", 'x&y@example.com', '$dollar@example.com', 'a/b@example.com']);
  });

  it('requires users for a cutover and checks them', () => {
    expect(fieldsOf({ ...good, users: '' }, 'cutover')).toEqual(['users']);
    expect(fieldsOf({ ...good, users: 'bob@example.com\nbob@example.com' }, 'cutover')).toEqual(['users']);
    expect(fieldsOf({ ...good, users: 'bob@example.com', direction: 'sideways' }, 'cutover')).toEqual(['direction']);
    expect(fieldsOf({ ...good, users: 'bob@example.com', wave: 'wave 1' }, 'cutover')).toEqual(['wave']);
  });
});

describe('value checks', () => {
  it('DNS names', () => {
    expect(isDnsName('mail.example.com')).toBe(true);
    expect(isDnsName('a-b.c-d.example')).toBe(true);
    expect(isDnsName('mail_1.example.com')).toBe(false);
    expect(isDnsName('1.2.3.4')).toBe(false);
    expect(isDnsName(`${'a'.repeat(64)}.com`)).toBe(false);
  });
  it('networks', () => {
    expect(parseNetwork('192.0.2.10', false)).toMatchObject({ text: '192.0.2.10/32' });
    expect(parseNetwork('2001:db8::1', false)).toMatchObject({ text: '[2001:db8::1]/128' });
    expect(parseNetwork('[2001:db8::]/64', false)).toMatchObject({ text: '[2001:db8::]/64' });
    expect(typeof parseNetwork('2001:db8::1/64', false)).toBe('string');
    expect(typeof parseNetwork('192.0.2.0/23', false)).toBe('string');
  });
  it('transports', () => {
    expect(parseTransport('smtp:[mail.example.com]:25')).toEqual({ transport: 'smtp', host: 'mail.example.com', port: 25, bracketed: true });
    expect(parseTransport('lmtp:zimbra.example.com:7025')).toMatchObject({ transport: 'lmtp', port: 7025, bracketed: false });
    expect(parseTransport('smtp:[192.0.2.1]:25')).toMatchObject({ host: '192.0.2.1' });
    for (const bad of ['smtp:[mail.example.com:25', 'esmtp:mail.example.com', 'smtp:mail.example.com:99999', 'smtp:', 'smtp:[a;b]:25']) expect(parseTransport(bad)).toBeUndefined();
  });
  it('addresses', () => {
    expect(addressError('bob@example.com', ['example.com'])).toBeUndefined();
    expect(addressError('bob@EXAMPLE.com', ['example.com'])).toBeUndefined();
    expect(addressError('.bob@example.com', ['example.com'])).toMatch(/characters/);
    expect(addressError('bob@example.org', ['example.com'])).toMatch(/not in example.com/);
  });
});

describe('accounts files, parsed without regexes on the usual lines', () => {
  // The regex formulation the char scans stand in for (they are faster on 100,000 lines).
  const byRegex = (text: string) =>
    text.split(/\r?\n/).flatMap((line, i) => {
      const body = line.replace(/(^|\s)#.*$/, '').trim();
      return body ? [{ lineNo: i + 1, words: body.split(/[\s,;]+/).filter(Boolean) }] : [];
    });
  const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
  const localByRegex = (local: string) => local.split('.').every((atom) => atom.length > 0 && ATEXT.test(atom));
  const chars = fc.constantFrom(...'aZ09.@#,; \t\r\n\u00a0\u0001\u007f\u2028é-_\'+'.split(''));

  it('splits lines and words as the regexes do', () => {
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (cs) => {
        expect(parseAccountLines(cs.join(''))).toEqual(byRegex(cs.join('')));
      }),
      { numRuns: 2000 },
    );
  });

  it('checks the local part as the atext regex does', () => {
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 12 }), (cs) => {
        const local = cs.join('').replace(/@/g, '');
        fc.pre(local.length > 0);
        expect(addressError(`${local}@example.com`, []) === undefined).toBe(localByRegex(local));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('issue 10: internationalised names and versions', () => {
  const messages = (raw: RawAnswers) => validateAnswers(raw, 'setup').errors.map((e) => `${e.flag}: ${e.message}`);
  it('a non-ASCII domain gets a hint with its xn-- form', () => {
    expect(messages({ ...good, domain: 'bücher.example' }).join('\n')).toContain('--domain: "bücher.example" is not a valid domain name');
    expect(messages({ ...good, domain: 'bücher.example' }).join('\n')).toContain('xn--bcher-kva.example');
    expect(messages({ ...good, peerHost: 'mail.bücher.example' }).join('\n')).toContain('mail.xn--bcher-kva.example');
    expect(messages({ ...good, zimbraHost: 'zimbra.bücher.example' }).join('\n')).toContain('zimbra.xn--bcher-kva.example');
    expect(messages({ ...good, peerAccounts: 'bob@bücher.example\n' }).join('\n')).toContain('use xn--bcher-kva.example');
    // the xn-- form itself is accepted
    expect(messages({ ...good, domain: 'xn--bcher-kva.example', peerAccounts: 'bob@xn--bcher-kva.example\n' })).toEqual([]);
  });
  it('10.1.0.x is not a version; 8.8.15, 10.1.0, 8.8.15_GA_4179 are', () => {
    for (const v of ['10.1.0.x', '10.1.0.5', '10.1.', '10', 'x.1.0']) expect(messages({ ...good, zimbraVersion: v }).join('\n')).toContain('--zimbra-version');
    for (const v of ['8.8.15', '10.1.0', '8.6', '8.8.15_GA_4179', '9.0.0_P41']) expect(messages({ ...good, zimbraVersion: v })).toEqual([]);
  });
});
