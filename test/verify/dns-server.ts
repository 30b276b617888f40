/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests: A and MX records from a table,
 * NXDOMAIN for other names, over UDP. Lets `zsplit verify --pre --dns-server 127.0.0.1:PORT`
 * resolve example.com without ever asking a real resolver.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface Zone {
  a?: Record<string, string[]>;
  mx?: Record<string, { priority: number; exchange: string }[]>;
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i] !== 0) {
    const len = msg[i];
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function rr(type: number, ttl: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

export function answer(query: Buffer, zone: Zone): Buffer {
  const id = query.readUInt16BE(0);
  const q = readName(query, 12);
  const qtype = query.readUInt16BE(q.end);
  const question = query.subarray(12, q.end + 4);
  const answers: Buffer[] = [];
  const a = zone.a?.[q.name];
  const mx = zone.mx?.[q.name];
  if (qtype === 1 && a) for (const ip of a) answers.push(rr(1, 60, Buffer.from(ip.split('.').map(Number))));
  if (qtype === 15 && mx) {
    for (const m of mx) {
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(m.priority, 0);
      answers.push(rr(15, 60, Buffer.concat([pref, encodeName(m.exchange)])));
    }
  }
  const exists = Boolean(a || mx);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (exists ? 0 : 3), 2); // QR AA [RD] rcode
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answers.length, 6);
  return Buffer.concat([head, question, ...answers]);
}

export interface DnsServer {
  port: number;
  address: string;
  queries: string[];
  close(): Promise<void>;
}

export function startDnsServer(zone: Zone): Promise<DnsServer> {
  return new Promise((resolve, reject) => {
    const sock: Socket = createSocket('udp4');
    const queries: string[] = [];
    sock.on('message', (msg, rinfo) => {
      try {
        const q = readName(msg, 12);
        queries.push(`${q.name}/${msg.readUInt16BE(q.end)}`);
        sock.send(answer(msg, zone), rinfo.port, rinfo.address);
      } catch {
        // a malformed query: no answer
      }
    });
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const port = sock.address().port;
      resolve({ port, address: `127.0.0.1:${port}`, queries, close: () => new Promise<void>((r) => sock.close(() => r())) });
    });
  });
}
