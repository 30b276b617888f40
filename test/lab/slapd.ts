/** The lab's slapd: a private slapd (slapd.conf, mdb in the lab folder) on a free loopback port. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labSchema } from '../../src/sim/ldap.js';
import { freePort, pidAlive, waitFor } from './lab.js';

export class Slapd {
  readonly base = 'o=zsplit-lab';
  readonly bindDn = 'cn=admin,o=zsplit-lab';
  readonly password = 'lab-secret';
  url = '';
  private pid?: number;

  constructor(readonly dir: string) {}

  get env(): NodeJS.ProcessEnv {
    return { ZSPLIT_SIM_LDAP: this.url, ZSPLIT_SIM_LDAP_BIND_DN: this.bindDn, ZSPLIT_SIM_LDAP_PASSWORD: this.password, ZSPLIT_SIM_LDAP_BASE: this.base };
  }

  async start(): Promise<void> {
    const d = this.dir;
    mkdirSync(join(d, 'db'), { recursive: true });
    writeFileSync(join(d, 'zsplit-lab.schema'), labSchema());
    writeFileSync(
      join(d, 'slapd.conf'),
      [
        'include /etc/ldap/schema/core.schema',
        `include ${join(d, 'zsplit-lab.schema')}`,
        `pidfile ${join(d, 'slapd.pid')}`,
        `argsfile ${join(d, 'slapd.args')}`,
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'database mdb',
        'maxsize 67108864',
        `suffix "${this.base}"`,
        `rootdn "${this.bindDn}"`,
        `rootpw ${this.password}`,
        `directory ${join(d, 'db')}`,
        'index objectClass eq',
        // Postfix's maps bind anonymously, as read-only lookups.
        'access to * by * read',
        '',
      ].join('\n'),
    );
    execFileSync('slaptest', ['-f', join(d, 'slapd.conf'), '-u'], { stdio: 'pipe' });
    const port = await freePort();
    this.url = `ldap://127.0.0.1:${port}`;
    execFileSync('slapd', ['-f', join(d, 'slapd.conf'), '-h', `${this.url}/`], { stdio: 'pipe', timeout: 10_000 });
    this.pid = await waitFor('slapd pid', () => (existsSync(join(d, 'slapd.pid')) ? Number(readFileSync(join(d, 'slapd.pid'), 'utf8').trim()) || undefined : undefined), 5000);
    await waitFor('slapd to answer', () => (spawnSync('ldapsearch', ['-x', '-H', this.url, '-b', '', '-s', 'base', '-LLL', 'dn'], { timeout: 2000 }).status === 0 ? true : undefined), 5000);
    this.modify(`dn: ${this.base}\nchangetype: add\nobjectClass: organization\no: zsplit-lab\n`);
  }

  modify(ldif: string): void {
    const r = spawnSync('ldapmodify', ['-x', '-H', this.url, '-D', this.bindDn, '-w', this.password], { input: ldif, encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`ldapmodify failed: ${r.stderr}${r.stdout}`);
  }

  /** `ldapsearch` of the routing attributes: DN -> attribute -> values. */
  search(filter = '(objectClass=zsplitLabEntry)'): Record<string, Record<string, string[]>> {
    const r = spawnSync('ldapsearch', ['-x', '-H', this.url, '-b', this.base, '-LLL', '-o', 'ldif-wrap=no', filter], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`ldapsearch failed: ${r.stderr}`);
    const out: Record<string, Record<string, string[]>> = {};
    for (const block of r.stdout.split(/\n\n+/).filter((b) => b.trim())) {
      let dn = '';
      const attrs: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
        if (!m) continue;
        const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
        if (m[1] === 'dn') dn = value;
        else (attrs[m[1]] ??= []).push(value);
      }
      out[dn] = attrs;
    }
    return out;
  }

  async stop(): Promise<void> {
    if (!this.pid) return;
    const pid = this.pid;
    this.pid = undefined;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitFor('slapd to exit', () => (pidAlive(pid) ? undefined : true), 5000).catch(() => process.kill(pid, 'SIGKILL'));
  }
}
