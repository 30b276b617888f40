/**
 * One lab Postfix: its own main.cf/master.cf/queue under the lab folder, listening on one
 * loopback address, virtual delivery into Maildirs as uid 65534; and sendMail(), a real message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replyLine, SmtpSession, type SmtpReply } from '../../src/verify/smtp.js';
import { pidAlive, waitFor } from './lab.js';

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
