/** A scripted SMTP server on loopback for the probe tests: records every command it gets. */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeSmtpOptions {
  host?: string;
  /** Accept RCPT TO for these addresses (lower-case); others get `reject`. */
  accept?: (address: string) => boolean;
  reject?: (address: string) => string;
  /** Never send the banner (a server that hangs). */
  silent?: boolean;
  banner?: string;
}

export interface FakeSmtp {
  host: string;
  port: number;
  commands: string[];
  close(): Promise<void>;
}

export function startFakeSmtp(o: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    if (o.silent) return;
    const say = (text: string) => sock.write(`${text}\r\n`);
    say(o.banner ?? '220-fake.test ESMTP fake\r\n220 ready');
    let buf = '';
    sock.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        commands.push(line);
        const verb = line.split(/[\s:]/)[0].toUpperCase();
        if (verb === 'EHLO') say('250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME');
        else if (verb === 'HELO') say('250 fake.test');
        else if (verb === 'MAIL') say('250 2.1.0 Ok');
        else if (verb === 'RCPT') {
          const addr = /<([^>]*)>/.exec(line)?.[1].toLowerCase() ?? '';
          if (o.accept ? o.accept(addr) : true) say('250 2.1.5 Ok');
          else say(o.reject ? o.reject(addr) : `550 5.1.1 <${addr}>: Recipient address rejected: User unknown in virtual mailbox table`);
        } else if (verb === 'RSET') say('250 2.0.0 Ok');
        else if (verb === 'DATA') say('354 End data with <CR><LF>.<CR><LF>');
        else if (verb === 'QUIT') {
          say('221 2.0.0 Bye');
          sock.end();
        } else say('502 5.5.2 Error: command not recognized');
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, o.host ?? '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        host: o.host ?? '127.0.0.1',
        port,
        commands,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
