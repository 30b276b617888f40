/**
 * Lab: STARTTLS between the two systems, as verify --pre checks it (src/verify/tls.ts, Node's own
 * TLS on real sockets) against a real Postfix on loopback serving a test certificate made here
 * with openssl (a private CA, the server certificate for mail.zsplit-lab.test and its address).
 * Address .15 of the run's loopback block (lab.ts labNet), apart from the other lab files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsCheck } from '../../src/verify/pre.js';
import { probeStartTls } from '../../src/verify/tls.js';
import { cleanup, labDir, labEnabled, labNet } from './lab.js';
import { PostfixInstance } from './postfix.js';

const IP = labNet()(15);
const PORT = 2525;
const NAME = 'mail.zsplit-lab.test';

describe.runIf(labEnabled('tls.test.ts'))('lab: STARTTLS and the certificate of a real Postfix (verify --pre)', () => {
  let dir: string;
  let mta: PostfixInstance;
  let ca: string;

  beforeAll(async () => {
    dir = labDir('tls');
    const f = (n: string) => join(dir, n);
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zsplit lab CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${NAME}`, '-keyout', f('server.key'), '-out', f('server.csr'));
    writeFileSync(f('ext.cnf'), `subjectAltName = DNS:${NAME}, IP:${IP}\n`);
    ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.pem'));
    ca = readFileSync(f('ca.pem'), 'utf8');
    mta = new PostfixInstance(join(dir, 'mta'), {
      name: 'tls',
      ip: IP,
      port: PORT,
      main: { smtpd_tls_cert_file: f('server.pem'), smtpd_tls_key_file: f('server.key'), smtpd_tls_security_level: 'may' },
      // smtpd asks tlsmgr for its entropy and session cache: without it, TLS is switched off
      master: { tlsmgr: 'tlsmgr    unix  -       -       n       1000?   1       tlsmgr' },
    });
    await mta.start();
  }, 60_000);

  afterAll(async () => {
    await mta?.stop();
    if (dir) cleanup(dir);
  }, 60_000);

  it('offered, trusted and valid for the connector\'s name: pass', async () => {
    const p = await probeStartTls(IP, PORT, [NAME], { ca });
    expect(p, p.error).toMatchObject({ offered: true, handshake: true, trusted: true, names: { [NAME]: undefined } });
    expect(p.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tlsCheck(`${NAME}:${PORT}`, p, true, 'x')).toMatchObject({ status: 'pass' });
  });

  it('a name the certificate does not carry (a connector\'s -TlsDomain, a relay host): fail when required, warn otherwise', async () => {
    const p = await probeStartTls(IP, PORT, ['zimbra.example.com'], { ca });
    expect(p.handshake).toBe(true);
    expect(p.names['zimbra.example.com']).toMatch(/does not match|not in the cert/i);
    expect(tlsCheck('zimbra.example.com:25', p, true, "Microsoft 365's connector validates it")).toMatchObject({ status: 'fail', reason: expect.stringContaining('not valid for zimbra.example.com') });
    expect(tlsCheck('zimbra.example.com:25', p, false, 'x').status).toBe('warn');
  });

  it('a chain nobody trusts (no CA given): reported as untrusted, with the reason', async () => {
    const p = await probeStartTls(IP, PORT, [NAME]);
    expect(p).toMatchObject({ handshake: true, trusted: false });
    expect(tlsCheck(NAME, p, false, 'x')).toMatchObject({ status: 'warn', reason: expect.stringMatching(/not trusted \(.*(SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/i) });
  });

  it('without TLS on the MTA: STARTTLS not offered', async () => {
    mta.postconf('-e', 'smtpd_tls_security_level = none');
    mta.reload();
    let p = await probeStartTls(IP, PORT, [NAME], { ca });
    for (let i = 0; i < 100 && p.offered; i++) p = await probeStartTls(IP, PORT, [NAME], { ca });
    expect(p).toMatchObject({ offered: false, handshake: false });
    expect(tlsCheck(NAME, p, true, 'x')).toMatchObject({ status: 'fail', detail: 'STARTTLS not offered' });
  });
});
