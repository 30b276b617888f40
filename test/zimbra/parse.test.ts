/**
 * zmprov output as ProvUtil prints it (ProvUtil.java): printAttr writes `name: value` with the
 * value as it is (embedded newlines included) and a binary value as `name:: ` followed by
 * Base64.encodeBase64Chunked (76-character lines, CRLF between them); errors are
 * `ERROR: code (message)` plus ` (cause: class message)`, where message and cause may span lines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryStream, parseBatchOutput, parseEntries, parseError } from '../../src/zimbra/parse.js';

/** commons-codec Base64.encodeBase64Chunked: 76 characters a line, each line ended by CRLF; ProvUtil strips the last \n. */
function chunked(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines = b64.match(/.{1,76}/g) ?? [];
  return lines.map((l) => `${l}\r\n`).join('').replace(/\n$/, '');
}

describe('parseEntries', () => {
  it('reads a base64 value wrapped at 76 characters', () => {
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\n' + 'MIIB'.repeat(60) + '\n-----END CERTIFICATE-----\n');
    const out = `# name example.com\nzimbraDomainName: example.com\nzimbraSSLCertificate:: ${chunked(cert)}\nzimbraDomainType: local\n\n`;
    expect(out.split('\n').length).toBeGreaterThan(6);
    const [e] = parseEntries(out);
    expect(e.attrs.zimbraSSLCertificate).toEqual([cert.toString('utf8')]);
    expect(e.attrs.zimbraDomainType).toEqual(['local']);
  });

  it('reads a value with embedded newlines (printed as it is), also one with an empty line inside', () => {
    const notes = 'first line\nsecond line\n\nafter a blank: still the value';
    const out = `# name bob@example.com\nzimbraNotes: ${notes}\nzimbraAccountStatus: locked\n\n# name carol@example.com\nzimbraAccountStatus: active\n\n`;
    const entries = parseEntries(out);
    expect(entries.map((e) => e.name)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(entries[0].attrs.zimbraNotes).toEqual([notes]);
    expect(entries[0].attrs.zimbraAccountStatus).toEqual(['locked']);
    expect(entries[1].attrs).toEqual({ zimbraAccountStatus: ['active'] });
  });

  it('a multi-line value of the global config (no header) and a last entry without a blank line', () => {
    expect(parseEntries('zimbraMtaRestriction: a\nb\nzimbraMtaMyNetworks: 127.0.0.0/8\n')[0].attrs).toEqual({ zimbraMtaRestriction: ['a\nb'], zimbraMtaMyNetworks: ['127.0.0.0/8'] });
  });
});

describe('parseError', () => {
  it('a single-line error', () => {
    expect(parseError('ERROR: account.NO_SUCH_ACCOUNT (no such account: x@example.com)\n')).toEqual({ code: 'account.NO_SUCH_ACCOUNT', message: 'no such account: x@example.com', text: 'ERROR: account.NO_SUCH_ACCOUNT (no such account: x@example.com)' });
  });

  it('a message and a cause that span lines', () => {
    const text = 'ERROR: service.FAILURE (system failure: unable to modify attrs\nLDAP said: (obj) not allowed) (cause: javax.naming.NamingException [LDAP: error code 65\n - attribute not allowed])';
    const e = parseError(`${text}\n`)!;
    expect(e.code).toBe('service.FAILURE');
    expect(e.message).toBe('system failure: unable to modify attrs\nLDAP said: (obj) not allowed');
    expect(e.text).toBe(text);
  });

  it('stops before a stack trace that verbose mode prints after it', () => {
    const err = 'ERROR: account.NO_SUCH_DOMAIN (no such domain: a.example\nsecond line)';
    const trace = 'com.zimbra.cs.account.AccountServiceException: no such domain: a.example\n\tat com.zimbra.cs.account.ProvUtil.lookupDomain(ProvUtil.java:3550)';
    const e = parseError(`${err}\n${trace}\n`)!;
    expect(e).toMatchObject({ code: 'account.NO_SUCH_DOMAIN', message: 'no such domain: a.example\nsecond line', text: err });
  });

  it('in a batch, the whole multi-line error is the line\'s error and not its output', () => {
    const err = 'ERROR: service.INVALID_REQUEST (invalid request: line one\nline two)';
    const combined = `prov> ma a@example.com zimbraNotes x\n${err}\nprov> gacf zimbraMtaMyNetworks\nzimbraMtaMyNetworks: 127.0.0.0/8\nprov> exit\n`;
    const r = parseBatchOutput(combined, ['ma a@example.com zimbraNotes x', 'gacf zimbraMtaMyNetworks'], 0);
    expect(r.lines[0]).toMatchObject({ status: 'error', output: '', error: { message: 'invalid request: line one\nline two' } });
    expect(r.lines[1]).toMatchObject({ status: 'ok', output: 'zimbraMtaMyNetworks: 127.0.0.0/8' });
  });
});

describe('EntryStream', () => {
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a\n\nb', 'x\n# nam', 'ERROR: not an error', 'v:: ', '', 'prov> ', 'line\r'));
  const entry = fc.tuple(
    fc.constantFrom('a@example.com', 'b@example.com', 'c d'),
    fc.array(fc.tuple(fc.constantFrom('mail', 'zimbraMailAlias', 'description', 'cn'), value), { maxLength: 5 }),
  );
  const dump = fc.array(entry, { maxLength: 6 }).map((es) => es.map(([name, attrs]) => `# name ${name}\n${attrs.map(([k, v]) => `${k}: ${v}\n`).join('')}\n`).join(''));

  it('parses a listing pushed in any pieces as parseEntries parses it whole', () => {
    fc.assert(
      fc.property(dump, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), (text, cuts) => {
        const s = new EntryStream();
        let at = 0;
        for (let i = 0; at < text.length; i++) {
          const n = cuts[i % cuts.length];
          s.push(text.slice(at, at + n));
          at += n;
        }
        expect(s.end()).toEqual(parseEntries(text));
        expect(s.other).toEqual(text.split('\n').some((l) => l.startsWith('ERROR: ')) ? expect.stringContaining('ERROR: ') : '');
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps what is not an entry: an error before any entry, or from an ERROR line on', () => {
    const s = new EntryStream();
    s.push('ERROR: account.NO_SUCH_DOMAIN (no such domain: x.example)\n');
    expect(s.end()).toEqual([]);
    expect(s.other).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: x.example)\n');
    const t = new EntryStream();
    t.push('# name a@example.com\nmail: a@example.com\n\nERROR: service.FAILURE (system failure: ldap)\n\tat com.zimbra.X\n');
    t.end();
    expect(t.other).toBe('ERROR: service.FAILURE (system failure: ldap)\n\tat com.zimbra.X\n');
  });
});
