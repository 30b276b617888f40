/**
 * The LDAP source against a REAL slapd: an AD-shaped LDIF (proxyAddresses,
 * msExchRecipientTypeDetails, displayName) loaded with slapadd into a private slapd on
 * 127.0.0.77, read back by zsplit through ldapts over loopback, plain and with StartTLS
 * (certificate checked: refused without the lab CA, accepted with it). Skipped with a notice
 * when slapd is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, labDir, waitFor } from '../lab/lab.js';
import { cli } from '../helpers/cli.js';
import { KEY, startWizard, throughHosts } from '../screens/helpers.js';
import { ROOT } from '../helpers/sim.js';

const IP = '127.0.0.77';
const BASE = 'DC=example,DC=com';
const ADMIN = 'CN=admin,DC=example,DC=com';
const PASSWORD = 'lab-ad-secret';
const NEEDED = ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapsearch', '/usr/bin/openssl'];
const missing = NEEDED.filter((p) => !existsSync(p));
if (missing.length) console.log(`[lab] inventory/ldap-lab.test.ts: SKIPPED: missing ${missing.join(', ')} (apt-get install slapd ldap-utils openssl)`);

/** The AD attributes and classes the LDIF uses, under a private OID arc (no AD schema ships with slapd). */
const AD_SCHEMA = `
attributetype ( 1.3.6.1.4.1.99999.77.1.1 NAME 'proxyAddresses' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.3.6.1.4.1.99999.77.1.2 NAME 'msExchRecipientTypeDetails' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.77.2.1 NAME 'adUser' SUP top STRUCTURAL MUST cn MAY ( mail $ displayName $ proxyAddresses $ msExchRecipientTypeDetails ) )
objectclass ( 1.3.6.1.4.1.99999.77.2.2 NAME 'adGroup' SUP top STRUCTURAL MUST cn MAY ( mail $ displayName $ proxyAddresses $ msExchRecipientTypeDetails ) )
objectclass ( 1.3.6.1.4.1.99999.77.2.3 NAME 'adContact' SUP top STRUCTURAL MUST cn MAY ( mail $ displayName $ proxyAddresses $ msExchRecipientTypeDetails ) )
`;

function freePortOn(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, ip, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(missing.length === 0)('lab: recipients read from an AD-shaped directory in a real slapd', () => {
  let dir: string;
  let url: string;
  let pid: number | undefined;
  let pwFile: string;
  let caFile: string;

  beforeAll(async () => {
    dir = labDir('inventory-ldap');
    const d = (f: string) => join(dir, f);
    mkdirSync(d('db'));
    // A lab CA and a server certificate for 127.0.0.77 (IP SAN), for StartTLS.
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=zsplit lab CA']);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${IP}`]);
    writeFileSync(d('san.ext'), `subjectAltName=IP:${IP}\n`);
    ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
    caFile = d('ca.pem');
    writeFileSync(d('ad.schema'), AD_SCHEMA);
    writeFileSync(
      d('slapd.conf'),
      [
        'include /etc/ldap/schema/core.schema',
        'include /etc/ldap/schema/cosine.schema',
        'include /etc/ldap/schema/inetorgperson.schema',
        `include ${d('ad.schema')}`,
        `pidfile ${d('slapd.pid')}`,
        `argsfile ${d('slapd.args')}`,
        `TLSCACertificateFile ${d('ca.pem')}`,
        `TLSCertificateFile ${d('server.pem')}`,
        `TLSCertificateKeyFile ${d('server.key')}`,
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'database mdb',
        'maxsize 16777216',
        `suffix "${BASE}"`,
        `rootdn "${ADMIN}"`,
        `rootpw ${PASSWORD}`,
        `directory ${d('db')}`,
        // Like AD: nothing for anonymous readers.
        'access to * by users read by * auth',
        '',
      ].join('\n'),
    );
    execFileSync('slapadd', ['-f', d('slapd.conf'), '-l', join(import.meta.dirname, 'fixtures/ad-recipients.ldif')], { stdio: 'pipe' });
    const port = await freePortOn(IP);
    url = `ldap://${IP}:${port}`;
    execFileSync('slapd', ['-f', d('slapd.conf'), '-h', `${url}/`], { stdio: 'pipe', timeout: 10_000 });
    pid = await waitFor('slapd pid file', () => (existsSync(d('slapd.pid')) ? Number(readFileSync(d('slapd.pid'), 'utf8').trim()) || undefined : undefined), 10_000);
    await waitFor('slapd to answer', () => (spawnSync('ldapsearch', ['-x', '-H', url, '-D', ADMIN, '-w', PASSWORD, '-b', BASE, '-s', 'base', '-LLL', 'dn'], { timeout: 2000 }).status === 0 ? true : undefined), 10_000);
    pwFile = d('bind-password');
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    if (pid !== undefined && pidAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      await waitFor('slapd to exit', () => (pidAlive(pid!) ? undefined : true), 10_000).catch(() => process.kill(pid!, 'SIGKILL'));
    }
    if (dir) cleanup(dir);
  });

  const ldapFlags = () => ['--domain', 'example.com', '--peer-ldap-url', url, '--peer-ldap-bind-dn', ADMIN, '--peer-ldap-password-file', pwFile, '--peer-ldap-base', BASE];

  it('reads every recipient with its class, display name and smtp proxy addresses', async () => {
    const r = await cli(['inventory', '--json', ...ldapFlags()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const by = Object.fromEntries(j.recipients.map((x: { address: string }) => [x.address, x]));
    expect(by['bob@example.com']).toMatchObject({ class: 'user', aliases: ['robert@example.com'], displayName: 'Bob Smith', sourceType: 'UserMailbox' });
    expect(by['bob@example.com'].source.toLowerCase()).toBe('cn=bob smith,ou=staff,dc=example,dc=com');
    expect(by['jmuller@example.com']).toMatchObject({ class: 'user', displayName: 'Müller, Jürgen', sourceType: 'RemoteUserMailbox' });
    expect(by['sales@example.com']).toMatchObject({ class: 'shared', aliases: ['verkauf@example.com'] });
    expect(by['room1@example.com'].class).toBe('room');
    expect(by['allstaff@example.com']).toMatchObject({ class: 'list', aliases: ['everyone@example.com'] });
    expect(by['projectx@example.com'].class).toBe('group');
    expect(by['partner@example.com'].class).toBe('contact');
    expect(j.counts).toEqual({ user: 2, shared: 1, room: 1, list: 1, group: 1, contact: 1 });
    expect(j.outside.map((o: { address: string }) => o.address).sort()).toEqual(['bob@example.mail.onmicrosoft.com', 'partner@other.org']);
    expect(r.out).not.toContain(PASSWORD);
  });

  it('a wrong password is refused by the directory, and the password is printed nowhere', async () => {
    const bad = join(dir, 'bad-password');
    writeFileSync(bad, 'not-the-password\n', { mode: 0o600 });
    const r = await cli(['inventory', ...ldapFlags().slice(0, -4), '--peer-ldap-password-file', bad, '--peer-ldap-base', BASE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--peer-ldap-url: reading .* failed: .*(InvalidCredentials|LDAP result 49)/i);
    expect(r.err).not.toContain('not-the-password');
  });

  it('StartTLS checks the certificate: refused without the lab CA, read with it', async () => {
    const refused = await cli(['inventory', ...ldapFlags(), '--peer-ldap-starttls']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/self[- ]signed|unable to (get|verify)|certificate/i);
    const ok = await cli(['inventory', '--json', ...ldapFlags(), '--peer-ldap-starttls', '--peer-ldap-ca', caFile]);
    expect(ok.err).toBe('');
    expect(JSON.parse(ok.out).recipients).toHaveLength(7);
  });

  it('plans a primary setup from the directory: a placeholder per recipient with all its addresses', async () => {
    const r = await cli(['plan', 'setup', '--role', 'primary', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'exchange', '--format', 'json', ...ldapFlags()]);
    expect(r.code).toBe(0);
    const steps = JSON.parse(r.out).steps as { argv?: string[] }[];
    const argv = steps.map((s) => s.argv?.join(' ')).filter(Boolean);
    expect(argv).toContain("ca sales@example.com  zimbraAccountStatus locked zimbraHideInGal TRUE displayName Sales team mailbox");
    expect(argv).toContain('aaa allstaff@example.com everyone@example.com');
    expect(argv.filter((a) => a!.startsWith('ca '))).toHaveLength(7);
    expect(r.out).not.toContain(PASSWORD);
  });

  it('applied in rehearsal: every placeholder exists, and the password is in no journal, state or plan file', async () => {
    const state = join(dir, 'rehearsal');
    // The simulated Zimbra ships bob as a live mailbox; in this directory bob lives on the peer, so
    // the rehearsal's bob goes first (a live mailbox in the peer list is refused, never rerouted).
    mkdirSync(state, { recursive: true });
    const da = spawnSync(join(ROOT, 'bin/sim/zmprov'), ['da', 'bob@example.com'], { env: { ...process.env, ZSPLIT_SIM_STATE: join(state, 'sim.json') }, encoding: 'utf8' });
    expect(da.status, da.stderr).toBe(0);
    const r = await cli(['apply', 'setup', '--role', 'primary', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'exchange', '--peer-ip', '192.0.2.10', ...ldapFlags(), '--rehearsal', '--sim-state', join(state, 'sim.json'), '--state-dir', join(state, 'zsplit'), '--yes']);
    expect(r.out + r.err).toContain('COMPLETED');
    expect(r.code).toBe(0);
    const sim = JSON.parse(readFileSync(join(state, 'sim.json'), 'utf8'));
    expect(sim.accounts['allstaff@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraHideInGal: ['TRUE'], displayName: ['All staff'], zimbraMailAlias: ['everyone@example.com'] });
    const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
    for (const f of files(state)) expect(readFileSync(f, 'utf8'), f).not.toContain(PASSWORD);
    expect(r.out + r.err).not.toContain(PASSWORD);
  });
  it('the wizard reads the directory too (password from a file named on the Accounts screen) and shows it by class', async () => {
    const t = startWizard();
    try {
      await throughHosts(t);
      await t.waitFor('Accounts that live on mail.example.com');
      await t.choose('Read recipients live from LDAP / AD');
      await t.press(KEY.enter);
      await t.waitFor('Directory URL');
      for (const v of [url, BASE, ADMIN, pwFile]) {
        await t.type(v);
        await t.press(KEY.down);
      }
      await t.press(KEY.enter);
      const f = await t.waitFor('Recipients of the peer by class', 15_000);
      expect(f).toMatch(/User mailboxes\s+2$/m);
      expect(f).toMatch(/Shared mailboxes\s+1$/m);
      expect(f).toMatch(/Mail contacts \(forward elsewhere\)\s+1$/m);
      expect(f).toContain('2 address(es) outside example.com left out');
      expect(JSON.stringify(t.state())).not.toContain(PASSWORD);
      expect(t.state().fields.ldapSource).toMatchObject({ url, base: BASE, bindDn: ADMIN, passwordFrom: pwFile });
    } finally {
      t.unmount();
    }
  });
});
