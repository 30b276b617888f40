import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECONDARY, cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-plan-'));

describe('zsplit plan (headless)', () => {
  it('secondary setup on 10.1 prints every command, with the 8.7+ DNS attribute', async () => {
    const r = await cli(['plan', 'setup', ...SECONDARY, '--zimbra-version', '10.1', '--format', 'sh', '--peer-ip', '192.0.2.10']);
    expect(r.code).toBe(0);
    for (const line of [
      "zmprov md example.com zimbraMailCatchAllAddress @example.com",
      'zmprov md example.com zimbraMailCatchAllForwardingAddress @example.com',
      "zimbraMailTransport '\\''smtp:[mail.example.com]:25'\\''",
      "zmprov mcf zimbraMtaRelayHost '\\''[mail.example.com]:25'\\''",
      'zmprov mcf zimbraMtaSmtpDnsSupportLevel disabled',
      'zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32',
      "su - zimbra -c 'zmmtactl reload'",
    ])
      expect(r.out).toContain(line);
    expect(r.out).not.toContain('zimbraMtaDnsLookupsEnabled');
  });

  it('secondary setup without --peer-ip still shows the mynetworks command, as a manual template', async () => {
    const r = await cli(['plan', 'setup', ...SECONDARY, '--zimbra-version', '10.1', '--format', 'sh']);
    expect(r.out).toContain('zmprov ms zimbra.example.com +zimbraMtaMyNetworks <IP of mail.example.com>/32');
  });

  it('8.6 uses zimbraMtaDnsLookupsEnabled FALSE and postfix stop/start', async () => {
    const r = await cli(['plan', 'setup', ...SECONDARY, '--zimbra-version', '8.6', '--format', 'sh']);
    expect(r.out).toContain('zmprov mcf zimbraMtaDnsLookupsEnabled FALSE');
    expect(r.out).toContain("su - zimbra -c 'postfix stop'; su - zimbra -c 'postfix start'");
    expect(r.out).not.toContain('zimbraMtaSmtpDnsSupportLevel');
  });

  it('primary setup with a three-address file prints three locked placeholders routed to the peer', async () => {
    const f = join(dir, 'accounts.txt');
    writeFileSync(f, "# users on Exchange\nbob@example.com\ncarol@example.com\n\no'brien@example.com\n");
    const r = await cli(['plan', 'setup', '--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'exchange', '--peer-accounts', f, '--format', 'sh', '--run-as', 'current']);
    expect(r.code).toBe(0);
    expect(r.out.match(/^zmprov ca .* '' zimbraAccountStatus locked zimbraHideInGal TRUE$/gm)).toHaveLength(3);
    expect(r.out.match(/^zmprov ma .* zimbraMailTransport 'smtp:\[mail.example.com\]:25'$/gm)).toHaveLength(3);
    expect(r.out).toContain(`zmprov ca 'o'\\''brien@example.com' '' zimbraAccountStatus locked`);
  });

  it('refuses a hostile peer host with exit 2, naming --peer-host', async () => {
    const r = await cli(['plan', 'setup', ...SECONDARY.filter((x, i, a) => a[i - 1] !== '--peer-host' && x !== '--peer-host'), '--peer-host', 'mail;reboot']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--peer-host: "mail;reboot" is not a valid host name/);
    expect(r.out).toBe('');
  });

  it('exports JSON with a schema version, and reads --config', async () => {
    const cfg = join(dir, 'answers.json');
    writeFileSync(cfg, JSON.stringify({ domain: 'example.com', role: 'secondary', zimbraHost: 'zimbra.example.com', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'] }));
    const r = await cli(['plan', 'setup', '--config', cfg, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.format).toBe('zsplit.plan/1');
    expect(json.steps.length).toBeGreaterThan(5);
    expect(json.steps[0]).toMatchObject({ id: 'domain.catchall:example.com', argv: ['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com'] });
  });

  it('names the flag for unknown options, bad formats and missing jobs', async () => {
    expect((await cli(['plan', 'setup', '--bogus'])).err).toMatch(/--bogus/);
    expect((await cli(['plan', 'setup', ...SECONDARY, '--format', 'xml'])).err).toMatch(/--format/);
    expect((await cli(['plan'])).code).toBe(2);
    const missing = await cli(['plan', 'setup', '--role', 'secondary']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--domain: is required/);
    expect(missing.err).toMatch(/--peer-host: is required/);
  });

  it('prints --version and --help, and refuses the wizard without a terminal', async () => {
    expect((await cli(['--version'])).out).toMatch(/^zsplit \d+\.\d+\.\d+\n$/);
    expect((await cli(['--help'])).out).toContain('zsplit plan setup|cutover|unsplit');
    const w = await cli([]);
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/no terminal/);
  });
});

describe('zsplit sim import', () => {
  it('seeds the rehearsal state from captured zmprov output, without password hashes', async () => {
    const { SimZimbra } = await import('../../src/sim/index.js');
    const source = SimZimbra.open(join(dir, 'source.json'), { startDelayMs: 0 });
    await source.run('zmprov', ['ca', 'pat@example.com', 'Secret-Pass-123', 'displayName', 'Pat']);
    const gaa = (await source.run('zmprov', ['-l', 'gaa', '-v', 'example.com'])).stdout.replace(/^(# name pat@example.com\n)/m, '$1userPassword: {SSHA512}c2VjcmV0aGFzaA==\n');
    const gd = (await source.run('zmprov', ['gd', 'example.com'])).stdout;
    const gacf = (await source.run('zmprov', ['gacf'])).stdout;
    const files = Object.fromEntries(Object.entries({ gaa, gd, gacf }).map(([k, v]) => [k, join(dir, `${k}.txt`)]));
    for (const [k, v] of Object.entries({ gaa, gd, gacf })) writeFileSync(files[k], v);
    const target = join(dir, 'imported.json');
    const r = await cli(['sim', 'import', '--gaa', files.gaa, '--gd', files.gd, '--gacf', files.gacf, '--sim-state', target]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/imported 4 account\(s\), 1 domain\(s\)/);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(target, 'utf8');
    expect(JSON.parse(text).accounts['pat@example.com'].displayName).toEqual(['Pat']);
    expect(text).not.toContain('SSHA512');
    expect((await cli(['sim', 'import', '--gd', files.gd])).err).toMatch(/--gaa: required/);
  });
});
