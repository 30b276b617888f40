/**
 * The Sendmail lab: a real Sendmail 8.17 (Debian's sendmail-bin + sendmail-cf, unpacked, not
 * installed: installing it would remove Postfix) in a private network namespace.
 *
 * - Everything network runs inside `unshare --net --uts --mount`: the only interface is loopback,
 *   so nothing but 127.0.0.0/8 can ever be reached (Sendmail looks up its own host name, clients
 *   and the sender's domain). Inside, /etc/hosts and /etc/nsswitch.conf are the lab's (bind
 *   mounts, seen by nothing outside): host names come from files only. The namespace's host name
 *   is qualified (unqualified, Sendmail waits 60 s for DNS to qualify it).
 * - An agent (Node, written into the lab folder) lives in the namespace and is driven over its
 *   stdin/stdout: it runs commands there (Sendmail, makemap, the generated commands), plays the
 *   Zimbra MTA (an SMTP catcher that records every envelope) and is the SMTP client (binding the
 *   source address it is told, e.g. the Zimbra MTA's, for relay checks).
 * - Each Sendmail peer is a realistic sendmail.mc (OSTYPE linux, DOMAIN generic, use_cw_file,
 *   access_db, local + smtp mailers) plus lab lines: qualified name, hosts from files only, a
 *   loopback daemon address, interactive delivery, a local mailer that appends to a file. The
 *   compiled sendmail.cf has /etc/mail/ rewritten to the peer's folder, which must sit under
 *   directories no group or other may write: Sendmail refuses files below a world-writable
 *   directory such as /tmp.
 * - zsplit's generated commands run as generated, with only /etc/mail/ -> the peer's folder,
 *   `makemap`/`sendmail` on PATH as wrappers that add `-C <peer>/sendmail.cf`, and
 *   `make -C /etc/mail && systemctl restart sendmail` done by the lab (m4 compile + restart).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, waitFor } from './lab.js';

// ------------------------------------------------------------------------------------------ gate

/** Where .ci/run unpacks sendmail-bin and sendmail-cf; ZSPLIT_LAB_SENDMAIL overrides it. */
export const SENDMAIL_ROOT = process.env.ZSPLIT_LAB_SENDMAIL || '/opt/zsplit-lab/sendmail';
export const SENDMAIL_BIN = join(SENDMAIL_ROOT, 'usr/libexec/sendmail/sendmail');
export const MAKEMAP_BIN = join(SENDMAIL_ROOT, 'usr/libexec/sendmail/makemap');
export const CF_M4 = join(SENDMAIL_ROOT, 'usr/share/sendmail/cf/m4/cf.m4');

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** What the Sendmail lab lacks on this machine (empty: it can run), each with how to get it. */
export function missingSendmailLab(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (a network namespace and a Sendmail daemon need it)');
  if (!existsSync(SENDMAIL_BIN) || !existsSync(MAKEMAP_BIN))
    missing.push(`Sendmail binaries in ${dirname(SENDMAIL_BIN)} (apt-get download sendmail-bin; dpkg-deb -x <deb> ${SENDMAIL_ROOT}; or set ZSPLIT_LAB_SENDMAIL)`);
  if (!existsSync(CF_M4)) missing.push(`Sendmail cf macros ${CF_M4} (apt-get download sendmail-cf; dpkg-deb -x <deb> ${SENDMAIL_ROOT})`);
  for (const [cmd, pkg] of [['m4', 'm4'], ['unshare', 'util-linux'], ['mount', 'mount'], ['ip', 'iproute2'], ['hostname', 'hostname']] as const)
    if (!onPath(cmd)) missing.push(`${cmd} (apt-get install ${pkg})`);
  if (missing.length === 0) {
    const probe = spawnSync('unshare', ['--net', '--uts', '--mount', 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status !== 0) missing.push(`private namespaces (unshare --net --uts --mount: ${(probe.stderr || probe.error?.message || '').trim()}; a container needs CAP_SYS_ADMIN)`);
  }
  return missing;
}

/** As labEnabled: always with CI=true (then a missing piece fails loudly), elsewhere skipped with a notice. */
export function sendmailLabEnabled(file: string): boolean {
  const missing = missingSendmailLab();
  if (missing.length === 0 || process.env.CI === 'true') return true;
  console.log(`[lab] ${file}: SKIPPED: missing ${missing.join('; ')} (.ci/run prepares all of it)`);
  return false;
}

/** True when no directory from `dir` up to / is writable by group or others (Sendmail's safe-path rule). */
function safePath(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (!existsSync(d)) return false;
    const st = statSync(d);
    if (st.mode & 0o022 || st.uid !== 0) return false;
    if (d === dirname(d)) return true;
  }
}

/**
 * A fresh lab folder Sendmail accepts: under the repository's .lab/ (git-ignored) when its path is
 * safe, else under /var/lib/zsplit-lab.
 */
export function sendmailLabDir(prefix: string): string {
  for (const base of [join(ROOT, '.lab'), '/var/lib/zsplit-lab']) {
    if (!safePath(dirname(base))) continue;
    mkdirSync(base, { recursive: true, mode: 0o755 });
    chmodSync(base, 0o755);
    const dir = mkdtempSync(join(base, `sendmail-${prefix}-`));
    chmodSync(dir, 0o755);
    return dir;
  }
  throw new Error(`no directory for the Sendmail lab: ${join(ROOT, '.lab')} and /var/lib/zsplit-lab sit below a directory that group or others may write (Sendmail refuses that)`);
}

// ------------------------------------------------------------------------------------------ agent

/** The agent's source: runs in the namespace, one JSON request per stdin line, one JSON answer per stdout line. */
const AGENT = String.raw`
import { createServer, connect } from 'node:net';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';

const sessions = [];
const servers = [];
const out = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const addr = (s) => (/<([^>]*)>/.exec(s) ?? [, s.trim()])[1];

function catcher({ host, port }) {
  return new Promise((resolve, reject) => {
    const srv = createServer((sock) => {
      const s = { server: host + ':' + port, client: sock.remoteAddress, helo: '', from: '', rcpts: [], data: '' };
      sessions.push(s);
      sock.write('220 zimbra-catcher ESMTP\r\n');
      let buf = '';
      let inData = false;
      sock.on('data', (d) => {
        buf += d;
        for (let i; (i = buf.indexOf('\r\n')) >= 0; ) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (inData) {
            if (line === '.') { inData = false; sock.write('250 2.0.0 caught\r\n'); } else s.data += line + '\n';
            continue;
          }
          const v = line.toUpperCase();
          if (v.startsWith('EHLO') || v.startsWith('HELO')) { s.helo = line.slice(5); sock.write('250 zimbra-catcher\r\n'); }
          else if (v.startsWith('MAIL FROM:')) { s.from = addr(line.slice(10)); sock.write('250 2.1.0 ok\r\n'); }
          else if (v.startsWith('RCPT TO:')) { s.rcpts.push(addr(line.slice(8))); sock.write('250 2.1.5 ok\r\n'); }
          else if (v === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
          else if (v === 'QUIT') sock.end('221 2.0.0 bye\r\n');
          else sock.write('250 2.0.0 ok\r\n');
        }
      });
      sock.on('error', () => {});
    });
    srv.once('error', reject);
    srv.listen(port, host, () => { servers.push(srv); resolve({}); });
  });
}

function exec({ cmd, cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', cmd], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { stderr += '\n[agent] timed out after ' + timeoutMs + ' ms'; p.kill('SIGKILL'); }, timeoutMs);
    p.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? 128, signal, stdout, stderr }); });
  });
}

/** One SMTP session: EHLO, MAIL, each RCPT, DATA when a recipient was accepted and data is given. */
function smtp({ bind, host, port, helo, from, rcpts, data, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port, localAddress: bind });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('SMTP session timed out')); }, timeoutMs);
    let buf = '';
    let lines = [];
    const waiting = [];
    const replies = [];
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\r\n')) >= 0; ) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        lines.push(line);
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
          const r = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
          lines = [];
          const w = waiting.shift();
          if (w) w(r); else replies.push(r);
        }
      }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    const reply = () => new Promise((r) => { const q = replies.shift(); if (q) r(q); else waiting.push(r); });
    const cmd = (l) => { sock.write(l + '\r\n'); return reply(); };
    (async () => {
      const greeting = await reply();
      const ehlo = await cmd('EHLO ' + helo);
      const mail = await cmd('MAIL FROM:<' + from + '>');
      const rc = [];
      for (const r of rcpts) rc.push(await cmd('RCPT TO:<' + r + '>'));
      let dataReply;
      if (data !== undefined && mail.code === 250 && rc.some((r) => r.code < 300)) {
        const go = await cmd('DATA');
        if (go.code === 354) {
          const body = data.split('\n').map((l) => (l.startsWith('.') ? '.' + l : l)).join('\r\n');
          dataReply = await cmd(body + '\r\n.');
        } else dataReply = go;
      }
      await cmd('QUIT').catch(() => undefined);
      clearTimeout(timer);
      sock.destroy();
      resolve({ greeting, ehlo, mail, rcpts: rc, data: dataReply });
    })().catch((e) => { clearTimeout(timer); sock.destroy(); reject(e); });
  });
}

/** The greeting of host:port, then QUIT. */
function greeting({ host, port }) {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('no greeting')); }, 3000);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      buf += d;
      const m = /^(\d{3}) (.*)\r\n/m.exec(buf);
      if (m) { clearTimeout(timer); sock.end('QUIT\r\n'); resolve({ code: Number(m[1]), text: m[2] }); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

// Pid files of the daemons the test starts: when the test goes away (stdin closes), they go too.
const owned = new Set();

const ops = {
  own: async ({ pidFile }) => { owned.add(pidFile); },
  disown: async ({ pidFile }) => { owned.delete(pidFile); },
  interfaces: async () => Object.keys(networkInterfaces()),
  greeting,
  catcher,
  exec,
  smtp,
  sessions: async () => sessions,
};

createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, op, args } = JSON.parse(line);
  try {
    out({ id, result: await ops[op](args) });
  } catch (e) {
    out({ id, error: String(e && e.stack || e) });
  }
}).on('close', () => {
  for (const f of owned) try { process.kill(Number(readFileSync(f, 'utf8').split('\n')[0]), 'SIGTERM'); } catch {}
  for (const s of servers) s.close();
  process.exit(0);
});
out({ ready: true });
`;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}
export interface Reply {
  code: number;
  text: string;
}
export interface SmtpResult {
  greeting: Reply;
  ehlo: Reply;
  mail: Reply;
  rcpts: Reply[];
  data?: Reply;
}
/** One SMTP session the Zimbra catcher received. */
export interface Caught {
  server: string;
  /** The source address of the connection (the sending Sendmail's ClientPortOptions address). */
  client: string;
  helo: string;
  from: string;
  rcpts: string[];
  data: string;
}

/** The private network namespace and its agent. */
export class Netns {
  private child?: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';

  constructor(
    readonly dir: string,
    readonly hostName: string,
    /** The namespace's /etc/hosts: IP -> names. */
    readonly hosts: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    const agent = join(this.dir, 'agent.mjs');
    writeFileSync(agent, AGENT, { mode: 0o644 });
    // Host names from files only, and a hosts file of the lab's own: without it every reverse
    // lookup of a client is a DNS failure, which Sendmail answers with 4xx ("Relaying temporarily denied").
    writeFileSync(join(this.dir, 'hosts'), [...Object.entries({ '127.0.0.1': 'localhost', ...this.hosts }).map(([ip, name]) => `${ip}\t${name}`), ''].join('\n'), { mode: 0o644 });
    writeFileSync(join(this.dir, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files\n', { mode: 0o644 });
    const setup = [
      `hostname ${this.hostName}`,
      'ip link set lo up',
      `mount --bind ${join(this.dir, 'hosts')} /etc/hosts`,
      `mount --bind ${join(this.dir, 'nsswitch.conf')} /etc/nsswitch.conf`,
      'exec "$0" "$1"',
    ].join(' && ');
    const child = spawn('unshare', ['--net', '--uts', '--mount', 'sh', '-c', setup, process.execPath, agent], { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    let ready: (() => void) | undefined;
    const readyP = new Promise<void>((resolve) => (ready = resolve));
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0; ) {
        const msg = JSON.parse(buf.slice(0, i)) as { id?: number; ready?: boolean; result?: unknown; error?: string };
        buf = buf.slice(i + 1);
        if (msg.ready) ready?.();
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (!p) continue;
        this.pending.delete(msg.id!);
        if (msg.error !== undefined) p.reject(new Error(`[netns agent] ${msg.error}`));
        else p.resolve(msg.result);
      }
    });
    const exited = new Promise<never>((_, reject) =>
      child.on('exit', (code) => {
        const e = new Error(`the network namespace agent exited (${code}): ${this.stderr}`);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        reject(e);
      }),
    );
    exited.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the network namespace agent did not start: ${this.stderr}`)), 10_000)));
    try {
      await Promise.race([readyP, exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  request<T>(op: string, args: unknown = {}): Promise<T> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.reject(new Error(`the network namespace agent is not running: ${this.stderr}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.stdin.write(JSON.stringify({ id, op, args }) + '\n');
    });
  }

  interfaces(): Promise<string[]> {
    return this.request('interfaces');
  }

  /** `sh -c cmd` inside the namespace. */
  exec(cmd: string, opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.request('exec', { cmd, cwd: opts.cwd ?? this.dir, env: opts.env ?? {}, timeoutMs: opts.timeoutMs ?? 20_000 });
  }

  greeting(host: string, port = 25): Promise<Reply> {
    return this.request('greeting', { host, port });
  }

  /** Starts an SMTP catcher (the Zimbra MTA) on host:port inside the namespace. */
  catcher(host: string, port = 25): Promise<void> {
    return this.request('catcher', { host, port });
  }

  /** Everything the catchers received so far. */
  caught(): Promise<Caught[]> {
    return this.request('sessions');
  }

  /** A real SMTP session from `bind` to host:port. With `data`, the message is sent if a recipient was accepted. */
  smtp(o: { bind: string; host: string; port?: number; from: string; rcpts: string[]; data?: string; helo?: string }): Promise<SmtpResult> {
    return this.request('smtp', { port: 25, helo: 'client.zsplit-lab.invalid', timeoutMs: 20_000, ...o });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.stdin.end();
    await waitFor('the network namespace agent to exit', () => (child.exitCode !== null ? true : undefined), 5000).catch(() => child.kill('SIGKILL'));
  }
}

// ------------------------------------------------------------------------------------------ peer

export interface SendmailPeerOptions {
  /** Its SMTP daemon address (port 25 inside the namespace) and the source address of its own connections. */
  ip: string;
  /** $j, the host's qualified name. */
  hostName: string;
  /** local-host-names (class w): the domains this Sendmail delivers itself. */
  localHostNames: string[];
  /** The aliases file: name -> target. */
  aliases: Record<string, string>;
  /** More lines of the host's own in its sendmail.mc (after the FEATUREs, before MAILER_DEFINITIONS). */
  mc?: string[];
}

/** The line zsplit generates to rebuild sendmail.cf and restart Sendmail; the lab does that itself. */
export const REBUILD = 'make -C /etc/mail && systemctl restart sendmail   # or: m4 sendmail.mc > sendmail.cf';

/** Whether a process runs: a zombie has exited (the daemon's parent is init, which reaps it when it gets to it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** One Sendmail host, its /etc/mail being `dir`. */
export class SendmailPeer {
  readonly cf: string;
  readonly mc: string;
  readonly bin: string;
  private pid?: number;

  constructor(
    readonly ns: Netns,
    readonly dir: string,
    readonly o: SendmailPeerOptions,
  ) {
    this.cf = join(dir, 'sendmail.cf');
    this.mc = join(dir, 'sendmail.mc');
    this.bin = join(dir, 'bin');
  }

  /** The host's sendmail.mc before zsplit: a usual one, then the lab's own lines (marked). */
  baselineMc(): string {
    return [
      'divert(-1)dnl',
      'divert(0)dnl',
      `include(\`${CF_M4}')dnl`,
      "OSTYPE(`linux')dnl",
      "DOMAIN(`generic')dnl",
      'dnl --- lab: loopback only, no DNS, interactive delivery, a local mailer that writes files ---',
      `define(\`confDOMAIN_NAME', \`${this.o.hostName}')dnl`,
      "define(`confSERVICE_SWITCH_FILE', `/etc/mail/service.switch')dnl",
      "define(`confPID_FILE', `/etc/mail/sendmail.pid')dnl",
      "define(`confDELIVERY_MODE', `interactive')dnl",
      `define(\`confCLIENT_OPTIONS', \`Family=inet, Addr=${this.o.ip}')dnl`,
      "define(`LOCAL_MAILER_PATH', `/etc/mail/deliver')dnl",
      "define(`LOCAL_MAILER_ARGS', `deliver $u')dnl",
      `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Addr=${this.o.ip}, Port=smtp')dnl`,
      "FEATURE(`no_default_msa')dnl",
      "FEATURE(`accept_unresolvable_domains')dnl",
      'dnl --- end of the lab lines ---',
      "FEATURE(`use_cw_file')dnl",
      "FEATURE(`access_db')dnl",
      ...(this.o.mc ?? []),
      'MAILER_DEFINITIONS',
      "MAILER(`local')dnl",
      "MAILER(`smtp')dnl",
      '',
    ].join('\n');
  }

  write(): void {
    const d = this.dir;
    for (const sub of ['mqueue', 'mail', 'bin']) mkdirSync(join(d, sub), { recursive: true, mode: 0o755 });
    chmodSync(join(d, 'mqueue'), 0o700);
    const file = (name: string, text: string, mode = 0o644) => writeFileSync(join(d, name), text, { mode });
    file('sendmail.mc', this.baselineMc());
    file('local-host-names', this.o.localHostNames.map((n) => `${n}\n`).join(''));
    file('aliases', Object.entries({ postmaster: 'root', ...this.o.aliases }).map(([k, v]) => `${k}: ${v}\n`).join(''));
    file('access', '');
    file('service.switch', 'hosts files\naliases files\n');
    // Sendmail puts `-f sender` before $u (the local mailer's F=f): the user is the last argument.
    file('deliver', `#!/bin/sh\nfor u; do :; done\ncat >> ${join(d, 'mail')}/"$u"\n`, 0o755);
    const wrap = (name: string, text: string) => writeFileSync(join(this.bin, name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
    wrap('makemap', `exec ${MAKEMAP_BIN} -C ${this.cf} "$@"`);
    wrap('sendmail', `exec ${SENDMAIL_BIN} -C ${this.cf} "$@"`);
  }

  /** sendmail.mc -> sendmail.cf with /etc/mail/ and the queue moved into the lab folder; aliases and access rebuilt. */
  async compile(): Promise<void> {
    const m4 = spawnSync('m4', [this.mc], { encoding: 'utf8', cwd: this.dir, maxBuffer: 8 << 20 });
    if (m4.status !== 0 || /ERROR|\*\*\*/.test(m4.stderr)) throw new Error(`m4 sendmail.mc failed (${m4.status}):\n${m4.stderr}`);
    writeFileSync(this.cf, m4.stdout.replaceAll('/etc/mail/', `${this.dir}/`).replaceAll('/var/spool/mqueue', join(this.dir, 'mqueue')), { mode: 0o644 });
    await this.sh(`${SENDMAIL_BIN} -C ${this.cf} -bi`);
    if (!existsSync(join(this.dir, 'access.db'))) await this.sh(`makemap hash ${this.dir}/access < ${this.dir}/access`);
  }

  /** A shell command inside the namespace, with this host's wrappers first on PATH; throws unless it exits 0. */
  async sh(cmd: string): Promise<ExecResult> {
    const r = await this.ns.exec(cmd, { cwd: this.dir, env: { PATH: `${this.bin}:${process.env.PATH}` } });
    if (r.code !== 0) throw new Error(`command failed (${r.code}): ${cmd}\n${r.stderr}${r.stdout}`);
    return r;
  }

  async start(): Promise<void> {
    const pidFile = join(this.dir, 'sendmail.pid');
    rmSync(pidFile, { force: true });
    await this.ns.request('own', { pidFile });
    // What it says before it detaches (a refused file, a bad option) goes to sendmail.err.
    await this.sh(`${SENDMAIL_BIN} -C ${this.cf} -bd </dev/null >${this.dir}/sendmail.err 2>&1`);
    this.pid = await waitFor(`Sendmail ${this.o.ip} pid file`, () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) || undefined : undefined), 10_000).catch((e: Error) => {
      throw new Error(`${e.message}; sendmail said: ${this.read('sendmail.err')}`);
    });
    await waitFor(`Sendmail's greeting on ${this.o.ip}:25`, async () => ((await this.ns.greeting(this.o.ip).catch(() => undefined))?.code === 220 ? true : undefined), 10_000, 100);
  }

  async stop(): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    this.pid = undefined;
    await this.ns.request('disown', { pidFile: join(this.dir, 'sendmail.pid') }).catch(() => undefined);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitFor(`Sendmail ${this.o.ip} to stop`, () => (running(pid) ? undefined : true), 10_000).catch(() => process.kill(pid, 'SIGKILL'));
  }

  /** What `make -C /etc/mail && systemctl restart sendmail` does on the real host. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.compile();
    await this.start();
  }

  /**
   * Runs zsplit's generated commands for this host, as generated but for /etc/mail/ -> the lab
   * folder and the rebuild line (done by the lab). Returns what ran.
   */
  async run(commands: string[]): Promise<string[]> {
    const ran: string[] = [];
    for (const raw of commands) {
      if (raw === REBUILD) {
        ran.push('(lab) m4 sendmail.mc > sendmail.cf && restart sendmail');
        await this.rebuild();
        continue;
      }
      const cmd = raw.replaceAll('/etc/mail/', `${this.dir}/`);
      if (cmd.includes('/etc/mail')) throw new Error(`a generated command the lab does not know how to run here: ${raw}`);
      ran.push(cmd);
      await this.sh(cmd);
    }
    return ran;
  }

  read(name: string): string {
    const p = join(this.dir, name);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** Messages the local mailer delivered to a local user (`root` for aliases to root). */
  mailbox(user: string): string {
    return this.read(join('mail', user));
  }
}
