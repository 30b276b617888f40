/**
 * Name resolution for the checks: host names and the domain's MX records, through a given DNS
 * server (`--dns-server IP[:PORT]`, which is what tests point at loopback) or, without one, the
 * system's resolver. IP literals never cause a query.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export interface DnsOptions {
  /** `IP` or `IP:PORT` (`[v6]:PORT`); undefined: the system resolver. */
  server?: string;
  timeoutMs?: number;
}

/** Accepts `127.0.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`; returns the form Resolver.setServers wants. */
export function parseDnsServer(text: string): string | undefined {
  const t = text.trim();
  if (isIP(t)) return t;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(t);
  if (v6 && isIP(v6[1]) === 6 && Number(v6[2]) <= 65535) return t;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(t);
  if (v4 && isIP(v4[1]) === 4 && Number(v4[2]) <= 65535) return t;
  return undefined;
}

function resolver(o: DnsOptions): dns.Resolver {
  const r = new dns.Resolver({ timeout: o.timeoutMs ?? 3000, tries: 1 });
  if (o.server) r.setServers([o.server]);
  return r;
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { hostname?: string };
  const code = err.code ?? '';
  const text: Record<string, string> = {
    ENOTFOUND: 'no such name',
    ENODATA: 'no record of that type',
    ETIMEOUT: 'timed out',
    ECONNREFUSED: 'connection refused',
    ESERVFAIL: 'server failure',
    EREFUSED: 'query refused',
  };
  return text[code] ? `${code} (${text[code]})` : err.message;
}

export interface HostResolution {
  host: string;
  ok: boolean;
  addresses: string[];
  /** How: an IP literal, the given server, or the system resolver. */
  via: string;
  error?: string;
}

export async function resolveHost(host: string, o: DnsOptions = {}): Promise<HostResolution> {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h)) return { host, ok: true, addresses: [h], via: 'IP literal' };
  if (!o.server) {
    try {
      const list = await dns.lookup(h, { all: true });
      return { host, ok: true, addresses: list.map((a) => a.address), via: 'system resolver' };
    } catch (e) {
      return { host, ok: false, addresses: [], via: 'system resolver', error: describe(e) };
    }
  }
  const r = resolver(o);
  const via = `DNS server ${o.server}`;
  const [v4, v6] = await Promise.allSettled([r.resolve4(h), r.resolve6(h)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length) return { host, ok: true, addresses, via };
  const err = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : new Error('no address');
  return { host, ok: false, addresses: [], via, error: describe(err) };
}

export interface MxResult {
  domain: string;
  ok: boolean;
  records: { exchange: string; priority: number }[];
  via: string;
  error?: string;
}

export async function resolveMx(domain: string, o: DnsOptions = {}): Promise<MxResult> {
  const via = o.server ? `DNS server ${o.server}` : 'system resolver';
  try {
    const records = await (o.server ? resolver(o).resolveMx(domain) : dns.resolveMx(domain));
    records.sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
    return { domain, ok: records.length > 0, records: records.map((r) => ({ exchange: r.exchange.toLowerCase().replace(/\.$/, ''), priority: r.priority })), via, error: records.length ? undefined : 'no MX records' };
  } catch (e) {
    return { domain, ok: false, records: [], via, error: describe(e) };
  }
}

/** The address to connect to: an IP literal as is, a name through the given server (system lookup without one). */
export async function connectAddress(host: string, o: DnsOptions = {}): Promise<{ address?: string; error?: string }> {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) || !o.server) return { address: h };
  const r = await resolveHost(h, o);
  return r.ok ? { address: r.addresses[0] } : { error: `${host} does not resolve via ${r.via}: ${r.error}` };
}
