/**
 * A small SMTP client for probes: banner, EHLO, `MAIL FROM:<>`, `RCPT TO`, `RSET`, `QUIT`.
 * zsplit's checks never send DATA (no message is ever queued); the session refuses it unless
 * the caller passes `allowData` (the lab tests do, on loopback, to deliver real test mail).
 */
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';

export interface SmtpReply {
  code: number;
  /** The text of every line without the code, joined by a space. */
  text: string;
  lines: string[];
}

export class SmtpError extends Error {
  constructor(
    message: string,
    /** What failed: connecting, waiting for a reply (timeout), or the server closing. */
    readonly stage: 'connect' | 'timeout' | 'closed' | 'protocol',
  ) {
    super(message);
  }
}

export interface SmtpOptions {
  /** Per connect and per reply (default 10 s). */
  timeoutMs?: number;
  /** The EHLO name (default: this host's name). */
  helo?: string;
}

export function replyLine(r: SmtpReply): string {
  return `${r.code} ${r.text}`.trim();
}

/** One SMTP conversation; replies are read in order, multi-line replies joined. */
export class SmtpSession {
  private buffer = '';
  private lines: string[] = [];
  private waiter?: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
  private failure?: SmtpError;
  banner!: SmtpReply;
  /** The EHLO reply's keywords (after the first line). */
  extensions: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, i).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(i + 1);
      }
      this.pump();
    });
    socket.on('error', (e) => this.fail(new SmtpError(`${host}:${port}: ${e.message}`, 'closed')));
    socket.on('close', () => this.fail(new SmtpError(`${host}:${port} closed the connection`, 'closed')));
  }

  /** Connects and reads the 220 banner (an SmtpError when it does not come in time). */
  static async connect(host: string, port: number, opts: SmtpOptions = {}): Promise<SmtpSession> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new SmtpError(`${host}:${port}: no connection within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new SmtpError(`${host}:${port}: ${e.message}`, 'connect'));
      });
    });
    const session = new SmtpSession(socket, host, port, timeoutMs);
    session.banner = await session.read('the banner');
    return session;
  }

  private fail(e: SmtpError): void {
    this.failure ??= e;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(this.failure);
    }
  }

  /** Hands a complete reply to the waiting reader. */
  private pump(): void {
    if (!this.waiter) return;
    const end = this.lines.findIndex((l) => /^\d{3}(?: |$)/.test(l) || !/^\d{3}-/.test(l));
    if (end < 0) return;
    const block = this.lines.splice(0, end + 1);
    const last = block[block.length - 1];
    const code = Number.parseInt(last.slice(0, 3), 10);
    const w = this.waiter;
    this.waiter = undefined;
    clearTimeout(w.timer);
    if (!/^\d{3}/.test(last)) {
      w.reject(new SmtpError(`${this.host}:${this.port}: not an SMTP reply: ${last.slice(0, 80)}`, 'protocol'));
      return;
    }
    const lines = block.map((l) => l.slice(4));
    w.resolve({ code, lines, text: lines.join(' ').trim() });
  }

  private read(what: string): Promise<SmtpReply> {
    if (this.failure && this.lines.length === 0) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.socket.destroy();
        reject(new SmtpError(`${this.host}:${this.port}: no reply to ${what} within ${this.timeoutMs} ms`, 'timeout'));
      }, this.timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.pump();
    });
  }

  /** Sends one command line and reads its reply. DATA only with `allowData` (tests). */
  async command(line: string, opts: { allowData?: boolean } = {}): Promise<SmtpReply> {
    if (/[\r\n]/.test(line)) throw new SmtpError('an SMTP command is one line', 'protocol');
    if (/^\s*(DATA|BDAT)\b/i.test(line) && !opts.allowData) throw new SmtpError('zsplit probes never send DATA', 'protocol');
    this.socket.write(`${line}\r\n`);
    return this.read(line.split(' ')[0]);
  }

  /** EHLO, falling back to HELO when EHLO is refused. */
  async ehlo(name = hostname()): Promise<SmtpReply> {
    const r = await this.command(`EHLO ${name}`);
    if (r.code === 250) {
      this.extensions = r.lines.slice(1);
      return r;
    }
    return this.command(`HELO ${name}`);
  }

  /** Raw text (a message body after DATA, with its final `.` line), then one reply. Tests only. */
  async sendRaw(text: string): Promise<SmtpReply> {
    this.socket.write(text);
    return this.read('the message');
  }

  /** QUIT (best effort) and close. */
  async quit(): Promise<void> {
    if (!this.failure) await this.command('QUIT').catch(() => undefined);
    this.close();
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RcptResult {
  address: string;
  /** The RCPT TO reply (undefined when the session failed before it). */
  reply?: SmtpReply;
  /** The MAIL FROM reply, when it was not 250. */
  mailFrom?: SmtpReply;
  error?: string;
}

export interface ProbeResult {
  host: string;
  port: number;
  banner?: SmtpReply;
  ehlo?: SmtpReply;
  results: RcptResult[];
  /** Connecting, the banner or EHLO failed: no address was probed. */
  error?: string;
  durationMs: number;
}

/**
 * For each address: `MAIL FROM:<>`, `RCPT TO:<address>`, `RSET`, all in one session that ends
 * with QUIT. Nothing is ever queued: there is no DATA.
 */
export async function probeRecipients(host: string, port: number, addresses: string[], opts: SmtpOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  const out: ProbeResult = { host, port, results: [], durationMs: 0 };
  let s: SmtpSession | undefined;
  try {
    s = await SmtpSession.connect(host, port, opts);
    out.banner = s.banner;
    if (s.banner.code !== 220) throw new SmtpError(`banner: ${replyLine(s.banner)}`, 'protocol');
    out.ehlo = await s.ehlo(opts.helo);
    if (out.ehlo.code !== 250) throw new SmtpError(`EHLO/HELO refused: ${replyLine(out.ehlo)}`, 'protocol');
    for (const address of addresses) {
      const r: RcptResult = { address };
      out.results.push(r);
      try {
        const mail = await s.command('MAIL FROM:<>');
        if (mail.code !== 250) {
          r.mailFrom = mail;
          r.error = `MAIL FROM:<> refused: ${replyLine(mail)}`;
        } else r.reply = await s.command(`RCPT TO:<${address}>`);
        await s.command('RSET');
      } catch (e) {
        r.error = (e as Error).message;
        break;
      }
    }
    await s.quit();
  } catch (e) {
    out.error = (e as Error).message;
    s?.close();
  }
  out.durationMs = performance.now() - started;
  return out;
}

/** Reads the banner only (and says QUIT): does the peer answer SMTP on its port? */
export async function smtpBanner(host: string, port: number, opts: SmtpOptions = {}): Promise<{ banner?: SmtpReply; error?: string; durationMs: number }> {
  const started = performance.now();
  try {
    const s = await SmtpSession.connect(host, port, opts);
    const banner = s.banner;
    await s.quit();
    return { banner, durationMs: performance.now() - started };
  } catch (e) {
    return { error: (e as Error).message, durationMs: performance.now() - started };
  }
}
