/**
 * Postfix `transport:nexthop` values as Zimbra stores them in `zimbraMailTransport`, and the
 * `relayhost` forms of `zimbraMtaRelayHost`. Pure.
 */

export type TransportKind = 'lmtp' | 'smtp' | 'error' | 'discard' | 'unknown';

export interface ParsedTransport {
  raw: string;
  kind: TransportKind;
  /** The Postfix service name as written (`smtp`, `relay`, `lmtp`, `error`, a typo...). */
  service: string;
  /** Next-hop host, lower-case, without brackets; '' when the value has none. */
  host: string;
  port?: number;
  /** `[host]`: no MX lookup (transport(5)). */
  bracketed: boolean;
  /** For `error:`/`discard:` the text after the colon; for `unknown` why it is not understood. */
  text?: string;
}

/** Postfix services Zimbra's master.cf defines that deliver over SMTP. */
const SMTP_SERVICES = new Set(['smtp', 'relay', 'esmtp']);

/** Splits `host`, `host:port`, `[host]:port`, `[ip]` into parts. */
export function parseNexthop(nexthop: string): { host: string; port?: number; bracketed: boolean } {
  let s = nexthop.trim();
  let bracketed = false;
  let host: string;
  let rest = '';
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return { host: s.slice(1).toLowerCase(), bracketed: true };
    bracketed = true;
    host = s.slice(1, end);
    rest = s.slice(end + 1);
  } else {
    const colon = s.indexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
  }
  s = rest.startsWith(':') ? rest.slice(1) : '';
  const port = s !== '' && /^\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
  return { host: host.toLowerCase(), port, bracketed };
}

export function parseTransport(raw: string): ParsedTransport {
  const value = raw.trim();
  const colon = value.indexOf(':');
  const service = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
  const nexthop = colon < 0 ? '' : value.slice(colon + 1);
  if (service === 'error') return { raw, kind: 'error', service, host: '', bracketed: false, text: nexthop };
  if (service === 'discard') return { raw, kind: 'discard', service, host: '', bracketed: false, text: nexthop };
  if (service === 'lmtp' || SMTP_SERVICES.has(service)) {
    const hop = parseNexthop(nexthop);
    if (hop.host === '') {
      return { raw, kind: 'unknown', service, host: '', bracketed: false, text: `${service}: without a next-hop host` };
    }
    if (!/^[a-z0-9.:_-]+$/.test(hop.host)) {
      return { raw, kind: 'unknown', service, host: hop.host, bracketed: hop.bracketed, text: `next-hop host "${hop.host}" is not a host name or IP` };
    }
    return { raw, kind: service === 'lmtp' ? 'lmtp' : 'smtp', service, ...hop };
  }
  return {
    raw,
    kind: 'unknown',
    service,
    host: '',
    bracketed: false,
    text: service === '' ? 'empty transport' : `no Postfix service "${service}" in master.cf`,
  };
}
