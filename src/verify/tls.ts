/**
 * STARTTLS between the two systems: does the MTA offer it after EHLO, and is the certificate it
 * then shows valid (trusted chain, in date) for the names the other side's connectors use
 * (Microsoft 365's -TlsDomain, Exchange's smart host, Zimbra's relay host)? Node's own TLS on a
 * real socket; no mail is sent (QUIT right after the handshake).
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { hostname } from 'node:os';
import { crypto } from '../model/crypto.js';

export interface TlsProbe {
  /** STARTTLS in the EHLO reply. */
  offered: boolean;
  /** The handshake completed. */
  handshake: boolean;
  protocol?: string;
  /** The chain verifies against the trusted CAs (Node's, plus NODE_EXTRA_CA_CERTS or `ca`). */
  trusted?: boolean;
  trustError?: string;
  subject?: string;
  altNames?: string;
  validTo?: string;
  /** Per name: undefined when the certificate is valid for it, else why not. */
  names: Record<string, string | undefined>;
  error?: string;
  durationMs: number;
}

export interface TlsOptions {
  timeoutMs?: number;
  helo?: string;
  /** Extra trusted CA certificates (PEM; verify --ca), trusted besides Node's own. */
  ca?: string | string[];
}

/**
 * Node's `ca` replaces its trusted list: extra CAs are added to Node's own (Mozilla's), so a
 * private CA given with --ca does not untrust the public ones.
 */
function trusted(ca: string | string[] | undefined, rootCertificates: readonly string[]): string[] | undefined {
  if (ca === undefined) return undefined;
  return [...rootCertificates, ...(Array.isArray(ca) ? ca : [ca])];
}

/** PEM certificate blocks of `text`, each parsed (X509Certificate throws on a broken one). */
export function pemCertificates(text: string): string[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) new (crypto().X509Certificate)(b);
  return blocks;
}

/** Reads SMTP replies (multi-line joined) from a plain socket, one at a time. */
function replies(socket: Socket): (what: string, timeoutMs: number) => Promise<{ code: number; lines: string[] }> {
  let buf = '';
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  const onData = (d: Buffer) => {
    buf += d.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i).replace(/\r$/, ''));
      buf = buf.slice(i + 1);
    }
    wake?.();
  };
  socket.on('data', onData);
  return (what, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${what} within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const end = lines.findIndex((l) => !/^\d{3}-/.test(l));
        if (end < 0) return;
        const block = lines.splice(0, end + 1);
        clearTimeout(timer);
        wake = undefined;
        // The TLS layer takes the socket over after STARTTLS's 220: no plain reader may remain.
        if (what === 'STARTTLS') socket.off('data', onData);
        resolve({ code: Number.parseInt(block[block.length - 1].slice(0, 3), 10), lines: block.map((l) => l.slice(4)) });
      };
      wake = check;
      socket.once('close', () => reject(new Error(`the connection closed before the reply to ${what}`)));
      check();
    });
}

export async function probeStartTls(host: string, port: number, names: string[], opts: TlsOptions = {}): Promise<TlsProbe> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const started = performance.now();
  // Loaded here, not with the program (a static import is loaded at every start, the wizard's too).
  const tls = await import('node:tls');
  const out: TlsProbe = { offered: false, handshake: false, names: {}, durationMs: 0 };
  let socket: Socket | undefined;
  let secure: TLSSocket | undefined;
  try {
    socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    socket.on('error', () => undefined);
    const read = replies(socket);
    const banner = await read('the banner', timeoutMs);
    if (banner.code !== 220) throw new Error(`banner ${banner.code} ${banner.lines.join(' ')}`);
    socket.write(`EHLO ${opts.helo ?? hostname()}\r\n`);
    const ehlo = await read('EHLO', timeoutMs);
    out.offered = ehlo.code === 250 && ehlo.lines.slice(1).some((l) => /^STARTTLS\b/i.test(l));
    if (!out.offered) {
      socket.write('QUIT\r\n');
      return out;
    }
    socket.write('STARTTLS\r\n');
    const go = await read('STARTTLS', timeoutMs);
    if (go.code !== 220) throw new Error(`STARTTLS refused: ${go.code} ${go.lines.join(' ')}`);
    const plain = socket;
    secure = await new Promise<TLSSocket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
      // Verify ourselves (rejectUnauthorized false) so that an untrusted chain is reported, not a bare failure.
      const t = tls.connect({ socket: plain, servername: names[0], rejectUnauthorized: false, ca: trusted(opts.ca, tls.rootCertificates) }, () => {
        clearTimeout(timer);
        resolve(t);
      });
      t.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    out.handshake = true;
    out.protocol = secure.getProtocol() ?? undefined;
    out.trusted = secure.authorized;
    out.trustError = secure.authorizationError ? String(secure.authorizationError) : undefined;
    const cert = secure.getPeerCertificate() as PeerCertificate;
    const cn = cert.subject?.CN;
    out.subject = Array.isArray(cn) ? cn.join(', ') : cn;
    out.altNames = cert.subjectaltname;
    out.validTo = String(cert.valid_to);
    for (const n of names) out.names[n] = tls.checkServerIdentity(n, cert)?.message;
    secure.write('QUIT\r\n');
  } catch (e) {
    out.error = (e as Error).message;
  } finally {
    secure?.destroy();
    socket?.destroy();
    out.durationMs = performance.now() - started;
  }
  return out;
}
