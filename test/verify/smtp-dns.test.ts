/** The SMTP probe client and the DNS helpers, against servers on loopback only. */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAddress, parseDnsServer, resolveHost, resolveMx } from '../../src/verify/dns.js';
import { probeRecipients, smtpBanner, SmtpSession } from '../../src/verify/smtp.js';
import { startDnsServer, type DnsServer } from './dns-server.js';
import { startFakeSmtp, type FakeSmtp } from './fake-smtp.js';

describe('SMTP probes', () => {
  let mta: FakeSmtp;
  beforeAll(async () => {
    mta = await startFakeSmtp({ host: '127.0.0.2', accept: (a) => a === 'alice@example.com' });
  });
  afterAll(() => mta.close());

  it('EHLO, then MAIL FROM:<>, RCPT TO, RSET per address, QUIT: never DATA', async () => {
    const r = await probeRecipients(mta.host, mta.port, ['alice@example.com', 'nosuch@example.com'], { helo: 'probe.test' });
    expect(r.error).toBeUndefined();
    expect(r.banner).toMatchObject({ code: 220, lines: ['fake.test ESMTP fake', 'ready'] });
    expect(r.results.map((x) => x.reply?.code)).toEqual([250, 550]);
    expect(r.results[1].reply!.text).toBe('5.1.1 <nosuch@example.com>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(mta.commands).toEqual(['EHLO probe.test', 'MAIL FROM:<>', 'RCPT TO:<alice@example.com>', 'RSET', 'MAIL FROM:<>', 'RCPT TO:<nosuch@example.com>', 'RSET', 'QUIT']);
  });

  it('refuses to send DATA unless the caller explicitly allows it', async () => {
    const s = await SmtpSession.connect(mta.host, mta.port);
    await s.ehlo('probe.test');
    await expect(s.command('DATA')).rejects.toThrow('never send DATA');
    await expect(s.command('data')).rejects.toThrow('never send DATA');
    await s.quit();
    expect(mta.commands).not.toContain('DATA');
  });

  it('a server that never greets: a timeout, reported as an error, within the limit', async () => {
    const silent = await startFakeSmtp({ silent: true });
    const started = performance.now();
    const r = await smtpBanner(silent.host, silent.port, { timeoutMs: 300 });
    expect(r.error).toMatch(/no reply to the banner within 300 ms/);
    expect(performance.now() - started).toBeLessThan(2000);
    await silent.close();
  });

  it('nothing listening: connection refused', async () => {
    const gone = await startFakeSmtp();
    const port = gone.port;
    await gone.close();
    const r = await probeRecipients('127.0.0.1', port, ['a@example.com'], { timeoutMs: 1000 });
    expect(r.error).toMatch(/ECONNREFUSED/);
    expect(r.results).toEqual([]);
  });

  it('a banner that is not 220 stops the probe', async () => {
    const busy = await startFakeSmtp({ banner: '554 5.3.2 busy, go away' });
    const r = await probeRecipients(busy.host, busy.port, ['a@example.com']);
    expect(r.error).toBe('banner: 554 5.3.2 busy, go away');
    expect(busy.commands).not.toContain('MAIL FROM:<>');
    await busy.close();
  });
});

describe('DNS through a given server on loopback', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      a: { 'mail.example.com': ['127.0.0.3'], 'zimbra.example.com': ['127.0.0.2'] },
      mx: { 'example.com': [{ priority: 20, exchange: 'backup.example.com' }, { priority: 10, exchange: 'mail.example.com' }] },
    });
  });
  afterAll(() => dns.close());

  it('parses --dns-server values', () => {
    expect(parseDnsServer('127.0.0.1')).toBe('127.0.0.1');
    expect(parseDnsServer('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(parseDnsServer('[::1]:53')).toBe('[::1]:53');
    expect(parseDnsServer('dns.example.com')).toBeUndefined();
    expect(parseDnsServer('127.0.0.1:99999')).toBeUndefined();
  });

  it('resolves names and MX records (sorted by priority) through the server only', async () => {
    const o = { server: dns.address, timeoutMs: 2000 };
    expect(await resolveHost('mail.example.com', o)).toMatchObject({ ok: true, addresses: ['127.0.0.3'], via: `DNS server ${dns.address}` });
    expect(await resolveMx('example.com', o)).toMatchObject({ ok: true, records: [{ priority: 10, exchange: 'mail.example.com' }, { priority: 20, exchange: 'backup.example.com' }] });
    const missing = await resolveHost('nosuch.example.com', o);
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatch(/ENOTFOUND/);
    expect(await connectAddress('zimbra.example.com', o)).toEqual({ address: '127.0.0.2' });
    expect(dns.queries).toContain('example.com/15');
  });

  it('IP literals never cause a query', async () => {
    const before = dns.queries.length;
    expect(await resolveHost('127.0.0.9', { server: dns.address })).toMatchObject({ ok: true, addresses: ['127.0.0.9'], via: 'IP literal' });
    expect(await connectAddress('[127.0.0.9]', { server: dns.address })).toEqual({ address: '127.0.0.9' });
    expect(dns.queries.length).toBe(before);
  });

  it('nothing listening at the server: a reported failure, not a hang', async () => {
    // a UDP port that was just free: queries to it get ICMP port unreachable (ECONNREFUSED) or time out
    const s = createSocket('udp4');
    const port = await new Promise<number>((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
    await new Promise<void>((r) => s.close(() => r()));
    const started = performance.now();
    const mx = await resolveMx('example.com', { server: `127.0.0.1:${port}`, timeoutMs: 500 });
    expect(mx.ok).toBe(false);
    expect(mx.error).toMatch(/ECONNREFUSED|ETIMEOUT/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
