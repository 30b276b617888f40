/**
 * A tiny LMTP server (RFC 2033) on loopback: the mail store of a lab peer that delivers by LMTP
 * (as Postfix does to Dovecot with virtual_transport = lmtp:...). It accepts every recipient and
 * keeps each message with the recipients it was delivered to.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface LmtpMessage {
  from: string;
  rcpts: string[];
  data: string;
}

export class LmtpSink {
  readonly messages: LmtpMessage[] = [];
  private server: Server | undefined;
  private sockets = new Set<Socket>();

  constructor(
    readonly ip: string,
    readonly port: number,
  ) {}

  start(): Promise<void> {
    this.server = createServer((s) => this.session(s));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, this.ip, () => resolve());
    });
  }

  /** Messages delivered to `address`. */
  to(address: string): LmtpMessage[] {
    return this.messages.filter((m) => m.rcpts.some((r) => r.toLowerCase() === address.toLowerCase()));
  }

  private session(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    s.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let msg: LmtpMessage = { from: '', rcpts: [], data: '' };
    const say = (line: string) => s.write(`${line}\r\n`);
    say('220 lmtp-sink.zsplit-lab.invalid LMTP ready');
    s.on('data', (chunk: string) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          const atStart = buf.startsWith('.\r\n');
          if (end === -1 && !atStart) return;
          msg.data += atStart ? '' : buf.slice(0, end + 2);
          buf = buf.slice(atStart ? 3 : end + 5);
          inData = false;
          this.messages.push(msg);
          for (const r of msg.rcpts) say(`250 2.0.0 <${r}> delivered`);
          msg = { from: '', rcpts: [], data: '' };
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl === -1) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'LHLO') say('250-lmtp-sink.zsplit-lab.invalid\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES');
        else if (verb === 'MAIL') {
          msg = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', rcpts: [], data: '' };
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          msg.rcpts.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'RSET') {
          msg = { from: '', rcpts: [], data: '' };
          say('250 2.0.0 ok');
        } else if (verb === 'NOOP') say('250 2.0.0 ok');
        else if (verb === 'QUIT') {
          say('221 2.0.0 bye');
          s.end();
          return;
        } else say('500 5.5.1 unknown command');
      }
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
