/**
 * `zsplit verify --pre --ca FILE`: the STARTTLS check trusts a private CA given on the command line
 * (besides Node's own), against an SMTP server on loopback whose certificate that CA signed (made
 * here with openssl). Without --ca the same certificate is reported as not trusted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultState, saveState } from '../../src/sim/index.js';
import type { VerifyReport } from '../../src/verify/report.js';
import { cli } from '../helpers/cli.js';
import { startDnsServer, type DnsServer } from './dns-server.js';

const IP = '127.0.0.3';

/** An SMTP server that offers STARTTLS and then speaks over TLS with `key`/`cert`. */
function startTlsSmtp(key: string, cert: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((plain) => {
    sockets.add(plain);
    plain.on('close', () => sockets.delete(plain));
    plain.on('error', () => undefined);
    const serve = (sock: Socket, secure: boolean) => {
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d.toString('latin1');
        let i: number;
        while ((i = buf.indexOf('\r\n')) >= 0) {
          const verb = buf.slice(0, i).split(' ')[0].toUpperCase();
          buf = buf.slice(i + 2);
          if (verb === 'EHLO') sock.write(secure ? '250-tls.test\r\n250 8BITMIME\r\n' : '250-tls.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n');
          else if (verb === 'STARTTLS' && !secure) {
            sock.off('data', onData);
            sock.write('220 2.0.0 Ready to start TLS\r\n');
            const t = new TLSSocket(sock, { isServer: true, key, cert });
            t.on('error', () => undefined);
            serve(t, true);
            return;
          } else if (verb === 'QUIT') {
            sock.end('221 2.0.0 Bye\r\n');
          } else sock.write('502 5.5.2 Error: command not recognized\r\n');
        }
      };
      sock.on('data', onData);
    };
    plain.write('220 tls.test ESMTP\r\n');
    serve(plain, false);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, IP, () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}

describe('zsplit verify --pre --ca FILE', () => {
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startTlsSmtp>>;
  let dns: DnsServer;
  let answers: string[];
  const f = (n: string) => join(dir, n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zsplit-verify-ca-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zsplit test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${IP}`, '-keyout', f('server.key'), '-out', f('server.csr'));
    writeFileSync(f('ext.cnf'), `subjectAltName = IP:${IP}\n`);
    ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.pem'));
    smtp = await startTlsSmtp(readFileSync(f('server.key'), 'utf8'), readFileSync(f('server.pem'), 'utf8'));
    dns = await startDnsServer({ mx: { 'example.com': [{ priority: 10, exchange: 'mx.example.com' }] }, a: { 'mx.example.com': [IP] } });
    saveState(f('sim.json'), defaultState({ hostname: '127.0.0.2', ip: '127.0.0.2' }));
    writeFileSync(f('peer.txt'), 'carol@example.com\n');
    answers = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', '127.0.0.2', '--zimbra-version', '10.1.0', '--peer-kind', 'postfix', '--peer-host', IP, '--peer-port', String(smtp.port), '--peer-ip', IP, '--peer-accounts', f('peer.txt')];
  }, 60_000);

  afterAll(async () => {
    await Promise.all([smtp?.close(), dns?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const pre = (...extra: string[]) => cli(['verify', '--pre', '--json', '--dns-server', dns.address, '--timeout', '5', ...answers, ...extra, '--rehearsal', '--sim-state', f('sim.json'), '--state-dir', f('st')], { ZSPLIT_SIM_START_MS: '0' });
  const tls = (out: string) => (JSON.parse(out) as VerifyReport).checks.find((c) => c.check === 'tls' && c.target === `${IP}:${smtp.port}`);

  it('without --ca the private CA is not trusted; with it the chain is trusted and the check passes', async () => {
    const without = await pre();
    expect(tls(without.out), without.err).toMatchObject({ status: 'warn', reason: expect.stringMatching(/not trusted/) });
    const withCa = await pre('--ca', f('ca.pem'));
    expect(tls(withCa.out), withCa.err).toMatchObject({ status: 'pass' });
  });

  it('--ca must name a readable file of PEM certificates: else exit 2 naming the flag, nothing checked', async () => {
    const missing = await pre('--ca', f('nope.pem'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--ca: cannot read .*nope\.pem/);
    writeFileSync(f('junk.pem'), 'not a certificate\n');
    const junk = await pre('--ca', f('junk.pem'));
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/--ca: .*junk\.pem.*no PEM certificate/);
    writeFileSync(f('broken.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const broken = await pre('--ca', f('broken.pem'));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/--ca: .*broken\.pem/);
    expect(junk.out + missing.out + broken.out).toBe('');
  });
});
