/**
 * The lab: real Postfix instances and a real slapd on loopback, started and stopped by the tests
 * (recipes: /work/shared/reference/lab.md). Everything lives in a temp folder; nothing outside
 * 127.0.0.0/8 is ever contacted (IP-literal transports, no DNS: smtp_dns_support_level = disabled,
 * default_transport and relay_transport = error).
 *
 * - Slapd: a private slapd (slapd.conf, mdb in the lab folder) with the core schema and the
 *   custom schema of src/sim/ldap.ts (the zimbra attributes the maps use).
 * - PostfixInstance: one Postfix with its own main.cf/master.cf/queue; virtual delivery into
 *   Maildirs as uid 65534.
 * - zimbraMta(): the "Zimbra MTA" reads transport, virtual-alias and virtual-mailbox maps from
 *   slapd with Zimbra's own query filters (the ldap-*.cf files, extracted from zmmtainit).
 * - labBin(): a ZSPLIT_ZIMBRA_BIN folder whose postconf/postmap are the real ones on the lab's
 *   Zimbra MTA and whose zmmtactl also does zmconfigd's job on it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labSchema } from '../../src/sim/ldap.js';
import { SPLIT_MAPS, labMap } from './zmmtainit.js';
import { SmtpSession, replyLine, type SmtpReply } from '../../src/verify/smtp.js';

export const ROOT = join(import.meta.dirname, '../..');
export const SIM_BIN = join(ROOT, 'bin/sim');

// ------------------------------------------------------------------------------------------ gate

const NEEDED: [string, string][] = [
  ['/usr/sbin/postfix', 'postfix'],
  ['/usr/sbin/postconf', 'postfix'],
  ['/usr/sbin/postmap', 'postfix'],
  ['/usr/lib/postfix/postfix-ldap.so', 'postfix-ldap'],
  ['/usr/sbin/slapd', 'slapd'],
  ['/usr/sbin/slaptest', 'slapd'],
  ['/usr/bin/ldapmodify', 'ldap-utils'],
  ['/usr/bin/ldapsearch', 'ldap-utils'],
];

/** Missing Debian packages (empty: the lab can run). */
export function missingPackages(): string[] {
  return [...new Set(NEEDED.filter(([p]) => !existsSync(p)).map(([, pkg]) => pkg))];
}

/**
 * Whether the lab tests run: always with CI=true (a missing package then fails them loudly),
 * elsewhere only when the packages are installed (else skipped, with a printed notice).
 */
export function labEnabled(file: string): boolean {
  const missing = missingPackages();
  if (missing.length === 0 || process.env.CI === 'true') return true;
  console.log(`[lab] ${file}: SKIPPED: Debian packages missing: ${missing.join(', ')} (apt-get install ${missing.join(' ')}; CI installs them)`);
  return false;
}

// ------------------------------------------------------------------------------------------ util

export function labDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `zsplit-lab-${prefix}-`));
  // Postfix's daemons (user postfix) must reach their config and the LDAP map files.
  chmodSync(dir, 0o755);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Timings printed at the end of each lab file. */
export class Timings {
  private readonly started = performance.now();
  private last = performance.now();
  readonly rows: [string, number][] = [];
  mark(what: string): void {
    const now = performance.now();
    this.rows.push([what, now - this.last]);
    this.last = now;
  }
  print(title: string): void {
    const total = performance.now() - this.started;
    console.log(`[lab] ${title} timings:\n${this.rows.map(([w, ms]) => `  ${(ms / 1000).toFixed(2).padStart(6)} s  ${w}`).join('\n')}\n  ${(total / 1000).toFixed(2).padStart(6)} s  total`);
  }
}

// ------------------------------------------------------------------------------------------ slapd

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

// ------------------------------------------------------------------------------------------ postfix

export interface InstanceOptions {
  name: string;
  ip: string;
  port: number;
  /** Extra main.cf lines (`name = value`). */
  main?: Record<string, string>;
  /** Replace or add master.cf service lines by service name. */
  master?: Record<string, string>;
}

const MASTER: Record<string, string> = {
  pickup: 'pickup    unix  n       -       n       60      1       pickup',
  cleanup: 'cleanup   unix  n       -       n       -       0       cleanup',
  qmgr: 'qmgr      unix  n       -       n       300     1       qmgr',
  rewrite: 'rewrite   unix  -       -       n       -       -       trivial-rewrite',
  bounce: 'bounce    unix  -       -       n       -       0       bounce',
  defer: 'defer     unix  -       -       n       -       0       bounce',
  trace: 'trace     unix  -       -       n       -       0       bounce',
  verify: 'verify    unix  -       -       n       -       1       verify',
  flush: 'flush     unix  n       -       n       1000?   0       flush',
  proxymap: 'proxymap  unix  -       -       n       -       -       proxymap',
  smtp: 'smtp      unix  -       -       n       -       -       smtp',
  relay: 'relay     unix  -       -       n       -       -       smtp',
  showq: 'showq     unix  n       -       n       -       -       showq',
  error: 'error     unix  -       -       n       -       -       error',
  retry: 'retry     unix  -       -       n       -       -       error',
  discard: 'discard   unix  -       -       n       -       -       discard',
  local: 'local     unix  -       n       n       -       -       local',
  virtual: 'virtual   unix  -       n       n       -       -       virtual',
  lmtp: 'lmtp      unix  -       -       n       -       -       lmtp',
  anvil: 'anvil     unix  -       -       n       -       1       anvil',
  scache: 'scache    unix  -       -       n       -       1       scache',
  postlog: 'postlog   unix-dgram n  -       n       -       1       postlogd',
};

export class PostfixInstance {
  readonly conf: string;
  readonly mailBase: string;
  readonly logFile: string;

  constructor(
    readonly dir: string,
    readonly o: InstanceOptions,
  ) {
    this.conf = join(dir, 'conf');
    this.mailBase = join(dir, 'mail');
    this.logFile = join(dir, 'maillog');
  }

  get address(): string {
    return `${this.o.ip}:${this.o.port}`;
  }

  /** Environment that points postconf/postmap/postfix at this instance (MAIL_CONFIG). */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, MAIL_CONFIG: this.conf };
  }

  write(): void {
    const d = this.dir;
    for (const sub of ['conf', 'queue', 'data', 'mail']) mkdirSync(join(d, sub), { recursive: true });
    chownSync(join(d, 'data'), uid('postfix'), gid('postfix'));
    chownSync(join(d, 'mail'), 65534, 65534);
    const main: Record<string, string> = {
      compatibility_level: '3.6',
      queue_directory: join(d, 'queue'),
      data_directory: join(d, 'data'),
      mail_owner: 'postfix',
      setgid_group: 'postdrop',
      myhostname: `${this.o.name}.zsplit-lab.invalid`,
      mydomain: 'zsplit-lab.invalid',
      myorigin: '$myhostname',
      mydestination: '',
      inet_interfaces: 'loopback-only',
      inet_protocols: 'ipv4',
      smtp_bind_address: this.o.ip,
      smtpd_peername_lookup: 'no',
      smtp_dns_support_level: 'disabled',
      smtp_host_lookup: 'native',
      // Nothing ever leaves the lab: mail for any other destination bounces at once.
      default_transport: 'error:5.7.1 zsplit lab: no delivery outside the lab',
      // Not `error:` (smtpd would then refuse unknown relay recipients with that text before
      // relay_recipient_maps is consulted); a closed loopback port: such mail waits, loudly.
      relay_transport: 'relay:[127.0.0.1]:9',
      local_transport: 'error:5.7.1 zsplit lab: no local delivery',
      local_recipient_maps: '',
      alias_maps: '',
      alias_database: '',
      biff: 'no',
      append_dot_mydomain: 'no',
      smtputf8_enable: 'no',
      mynetworks: '127.0.0.0/8',
      smtpd_banner: `$myhostname ESMTP zsplit-lab ${this.o.name}`,
      maillog_file: this.logFile,
      maillog_file_prefixes: `/var, /dev/stdout, ${d}`,
      virtual_mailbox_base: this.mailBase,
      virtual_uid_maps: 'static:65534',
      virtual_gid_maps: 'static:65534',
      virtual_minimum_uid: '100',
      delay_warning_time: '0',
      minimal_backoff_time: '30s',
      maximal_backoff_time: '60s',
      queue_run_delay: '30s',
      ...this.o.main,
    };
    writeFileSync(join(this.conf, 'main.cf'), `${Object.entries(main).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);
    const master = { ...MASTER, ...this.o.master };
    writeFileSync(
      join(this.conf, 'master.cf'),
      [`${this.o.ip}:${this.o.port} inet n - n - - smtpd`, ...Object.values(master)].join('\n') + '\n',
    );
  }

  /** Runs a Postfix command on this instance; throws with its output (through script(1) for a tty) on failure. */
  postfix(...args: string[]): string {
    const r = spawnSync('postfix', ['-c', this.conf, ...args], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return r.stdout + r.stderr;
    // Without a terminal `postfix` prints nothing: ask again through a pseudo-terminal to see why.
    const t = spawnSync('script', ['-qec', `postfix -c ${this.conf} ${args.join(' ')}`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    throw new Error(`postfix -c ${this.conf} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}${t.stdout}`);
  }

  postconf(...args: string[]): string {
    return execFileSync('postconf', ['-c', this.conf, ...args], { encoding: 'utf8' });
  }

  masterPid(): number | undefined {
    const p = join(this.dir, 'queue', 'pid', 'master.pid');
    if (!existsSync(p)) return undefined;
    const pid = Number(readFileSync(p, 'utf8').trim());
    return pid > 0 && pidAlive(pid) ? pid : undefined;
  }

  async start(): Promise<void> {
    this.write();
    this.postfix('start');
    await waitFor(`${this.o.name} SMTP on ${this.address}`, async () => {
      const s = await SmtpSession.connect(this.o.ip, this.o.port, { timeoutMs: 1000 });
      await s.quit();
      return true;
    }, 15_000, 100);
  }

  reload(): void {
    this.postfix('reload');
  }

  async stop(): Promise<void> {
    const pid = this.masterPid();
    if (!pid) return;
    try {
      this.postfix('stop');
    } catch {
      process.kill(pid, 'SIGTERM');
    }
    await waitFor(`${this.o.name} to stop`, () => (pidAlive(pid) ? undefined : true), 10_000).catch(() => process.kill(pid, 'SIGKILL'));
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  /** The messages delivered into a virtual Maildir (`<domain>/<user>/new`), as text. */
  maildir(address: string): string[] {
    const [user, domain] = address.toLowerCase().split('@');
    const dir = join(this.mailBase, domain, user, 'new');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8'));
  }

  /** Every Maildir of this instance with its message count: `example.com/carol` -> 2. */
  mailboxes(): Record<string, number> {
    const out: Record<string, number> = {};
    if (!existsSync(this.mailBase)) return out;
    for (const domain of readdirSync(this.mailBase)) {
      for (const user of readdirSync(join(this.mailBase, domain))) {
        const n = join(this.mailBase, domain, user, 'new');
        if (existsSync(n)) out[`${domain}/${user}`] = readdirSync(n).length;
      }
    }
    return out;
  }

  async waitForMail(address: string, count = 1, timeoutMs = 10_000): Promise<string[]> {
    return waitFor(`${count} message(s) for ${address} in ${this.o.name}'s Maildir`, () => {
      const m = this.maildir(address);
      return m.length >= count ? m : undefined;
    }, timeoutMs);
  }

  async waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return waitFor(`${pattern} in ${this.o.name}'s log`, () => this.log().split('\n').find((l) => pattern.test(l)), timeoutMs);
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

/**
 * The lab's "Zimbra MTA": Zimbra's main.cf routing part (zmconfigd's values, the simulator's
 * postconfValues) with the ldap-*.cf maps reading slapd.
 *
 * lmtp -> local Maildirs: Zimbra's accounts carry `zimbraMailTransport lmtp:<mailhost>:7025`
 * (the mailbox server's LMTP). The lab has no mailboxd, so its master.cf defines the service
 * named `lmtp` as Postfix's virtual(8) delivery agent: Postfix picks the service by the
 * transport's name, virtual(8) ignores the next hop and delivers to virtual_mailbox_base + the
 * virtual_mailbox_maps answer. The LDAP entries stay exactly as zmprov wrote them (so
 * `postmap -q` shows Zimbra's real values); only ldap-vmm.cf gets a lab `result_format = %d/%u/`
 * so that the answer is a Maildir path (`example.com/alice/`).
 */
export function zimbraMta(dir: string, slapd: Slapd, ip: string, port: number, main: Record<string, string> = {}): PostfixInstance {
  // Zimbra's own map files, their query lines extracted from zmmtainit (test/lab/zmmtainit.ts).
  const conf = join(dir, 'conf');
  mkdirSync(conf, { recursive: true });
  for (const file of SPLIT_MAPS) {
    const extra: Record<string, string> = file === 'ldap-vmm.cf' ? { result_format: '%d/%u/' } : {};
    writeFileSync(join(conf, file), labMap(file, { url: slapd.url, base: slapd.base }, extra), { mode: 0o644 });
  }
  const map = (f: string) => `ldap:${join(conf, f)}`;
  return new PostfixInstance(dir, {
    name: 'zimbra',
    ip,
    port,
    main: {
      transport_maps: map('ldap-transport.cf'),
      virtual_alias_maps: map('ldap-vam.cf'),
      virtual_mailbox_maps: map('ldap-vmm.cf'),
      virtual_mailbox_domains: map('ldap-vmd.cf'),
      virtual_alias_domains: map('ldap-vad.cf'),
      virtual_transport: 'error',
      smtpd_relay_restrictions: 'permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination',
      smtpd_recipient_restrictions: 'reject_non_fqdn_recipient, permit_sasl_authenticated, permit_mynetworks, reject_unlisted_recipient, permit',
      hopcount_limit: '50',
      ...main,
    },
    master: { lmtp: 'lmtp      unix  -       n       n       -       -       virtual' },
  });
}

/**
 * A ZSPLIT_ZIMBRA_BIN folder for zsplit and its tests: zmprov, zmcontrol, zmhostname are the
 * simulator's; postconf and postmap are the real ones on the lab's Zimbra MTA (postmap with
 * /opt/zimbra/conf/ rewritten to the instance's conf folder); zmmtactl runs the simulator's and
 * then does what zmconfigd does on a real Zimbra: main.cf's relayhost, mynetworks and
 * smtp_dns_support_level from the directory (the simulator's postconf computes them), then a
 * Postfix reload.
 */
export function labBin(dir: string, mta: PostfixInstance): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const write = (name: string, text: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
  for (const t of ['zmprov', 'zmcontrol', 'zmhostname', 'postfix']) write(t, `exec ${join(SIM_BIN, t)} "$@"`);
  write('postconf', `exec /usr/sbin/postconf -c ${mta.conf} "$@"`);
  write(
    'postmap',
    [
      '# Zimbra keeps its maps in /opt/zimbra/conf; the lab MTA in its own conf folder.',
      'for a do',
      '  shift',
      `  case "$a" in *"/opt/zimbra/conf/"*) a=$(printf '%s' "$a" | sed "s#/opt/zimbra/conf/#${mta.conf}/#");; esac`,
      '  set -- "$@" "$a"',
      'done',
      `exec /usr/sbin/postmap -c ${mta.conf} "$@"`,
    ].join('\n'),
  );
  write(
    'zmmtactl',
    [
      `${join(SIM_BIN, 'zmmtactl')} "$@" || exit $?`,
      'case "$1" in reload|restart|start) ;; *) exit 0;; esac',
      '# zmconfigd: main.cf from LDAP, then reload',
      `relay=$(${join(SIM_BIN, 'postconf')} -h relayhost)`,
      `nets=$(${join(SIM_BIN, 'postconf')} -h mynetworks)`,
      `dns=$(${join(SIM_BIN, 'postconf')} -h smtp_dns_support_level)`,
      `/usr/sbin/postconf -c ${mta.conf} -e "relayhost = $relay" "mynetworks = $nets" "smtp_dns_support_level = \${dns:-enabled}" || exit 1`,
      `/usr/sbin/postfix -c ${mta.conf} reload >/dev/null 2>&1 || exit 1`,
    ].join('\n'),
  );
  return bin;
}

// ------------------------------------------------------------------------------------------ mail

export interface SendResult {
  rcpt: SmtpReply;
  /** The reply to the end of DATA, when RCPT was accepted. */
  data?: SmtpReply;
}

/** Sends a real message (DATA: lab tests only, on loopback). */
export async function sendMail(host: string, port: number, from: string, to: string, subject: string): Promise<SendResult> {
  const s = await SmtpSession.connect(host, port, { timeoutMs: 10_000 });
  try {
    await s.ehlo('lab-client.zsplit-lab.invalid');
    const mail = await s.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) throw new Error(`MAIL FROM refused: ${replyLine(mail)}`);
    const rcpt = await s.command(`RCPT TO:<${to}>`);
    if (rcpt.code >= 300) return { rcpt };
    const go = await s.command('DATA', { allowData: true });
    if (go.code !== 354) throw new Error(`DATA refused: ${replyLine(go)}`);
    const body = [`From: <${from}>`, `To: <${to}>`, `Subject: ${subject}`, `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@zsplit-lab.invalid>`, '', `lab message: ${subject}`, '.', ''].join('\r\n');
    const data = await s.sendRaw(body);
    return { rcpt, data };
  } finally {
    await s.quit();
  }
}

export function cleanup(dir: string): void {
  if (process.env.ZSPLIT_LAB_KEEP) console.log(`[lab] kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------ peer

export interface PeerUser {
  address: string;
  aliases: string[];
}

/**
 * The peer Postfix before zsplit, in the shape each role's generated commands presuppose:
 * - `virtual` (a Zimbra primary: the peer becomes secondary): the domain is a virtual mailbox
 *   domain with the peer's own users; the generated commands turn it into a relay domain whose
 *   own users keep the peer's virtual_transport and everything else goes to Zimbra.
 * - `relay` (a Zimbra secondary: the peer stays authoritative): the domain is a relay domain
 *   (zimbra.md 6.3, "Postfix as the primary or front MX"), own users routed to `virtual:` and
 *   listed in relay_recipient_maps; the generated commands add Zimbra's users to both.
 */
export function peerPostfix(dir: string, ip: string, port: number, users: PeerUser[], baseline: 'virtual' | 'relay', domain = 'example.com', extra: Record<string, string> = {}): PostfixInstance {
  const conf = join(dir, 'conf');
  mkdirSync(conf, { recursive: true });
  const file = (name: string, lines: string[]) => {
    writeFileSync(join(conf, name), lines.map((l) => `${l}\n`).join(''), { mode: 0o644 });
    return `texthash:${join(conf, name)}`;
  };
  const boxes = file('vmailbox', users.map((u) => `${u.address} ${u.address.split('@')[1]}/${u.address.split('@')[0]}/`));
  const aliases = file('virtual', users.flatMap((u) => u.aliases.map((a) => `${a} ${u.address}`)));
  const main: Record<string, string> = { virtual_mailbox_maps: boxes, virtual_alias_maps: aliases };
  if (baseline === 'virtual') main.virtual_mailbox_domains = domain;
  else {
    main.relay_domains = domain;
    main.transport_maps = file('local_transport', users.map((u) => `${u.address} virtual:`));
    main.relay_recipient_maps = file('local_recipients', users.flatMap((u) => [u.address, ...u.aliases]).map((a) => `${a} OK`));
  }
  return new PostfixInstance(dir, { name: 'peer', ip, port, main: { ...main, ...extra } });
}

/**
 * Runs zsplit's peer-side commands for kind `postfix` on the lab's peer, adapted only where the
 * lab differs from a real host:
 * - /etc/postfix/ -> the instance's config folder, and MAIL_CONFIG points postconf, postmap and
 *   postfix at it (so `postconf -h`, `postmap FILE`, `postfix check && postfix reload` run as
 *   generated; `hash:` maps stay `hash:`, built by the generated `postmap`);
 * - `smtp:[<zimbra ip>]:25` -> the lab's SMTP port for Zimbra (2525);
 * - a trailing `# ...` comment is dropped.
 * Returns what ran, for the test's log.
 */
export function runPeerCommands(peer: PostfixInstance, commands: string[], zimbra: { ip: string; port: number }): string[] {
  const ran: string[] = [];
  for (const raw of commands) {
    let cmd = raw.replaceAll('/etc/postfix/', `${peer.conf}/`).replaceAll(`smtp:[${zimbra.ip}]:25`, `smtp:[${zimbra.ip}]:${zimbra.port}`);
    cmd = cmd.replace(/\s+#.*$/, '');
    ran.push(cmd);
    const r = spawnSync('sh', ['-c', cmd], { env: peer.env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`peer command failed (${r.status}): ${cmd}\n${r.stderr}${r.stdout}`);
  }
  return ran;
}

// ------------------------------------------------------------------------------------------ zsplit

export interface ProcResult {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** Runs a command as a real process (async: the test's own servers keep answering meanwhile). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ProcResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), out, err, ms: performance.now() - started });
    });
  });
}

export const ZSPLIT = join(ROOT, 'bin/zsplit.js');
