/**
 * The configuration scan of the flow check: transports that are not well-formed, catch-all
 * conflicts, missing shared domains, addresses claimed twice, DNS settings. Flagged during the
 * grouping's pass over the accounts (groups.ts), then turned into findings with a trace of the
 * first example. Pure.
 */
import type { FlowModel } from './model.js';
import { routeWith, type EntryPoint, type Trace } from './route.js';
import { parseTransport, type ParsedTransport } from './transport.js';
import type { Finding, FindingCode, Severity } from './findings.js';

export const MAX_EXAMPLES = 5;

/** A name no directory entry, alias or peer address uses. Deterministic, so checks are repeatable. */
export function unknownAddress(m: FlowModel, domain: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 0x01000193) >>> 0;
  for (let n = 0; ; n++) {
    const token = ((h + n * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').slice(0, 6);
    const a = `no-such-user-${token}@${domain}`;
    if (m.ownerOf(a) === undefined && !m.peerLocal.has(a) && !m.peerRoutes.has(a)) return a;
  }
}

export interface ScanGroup {
  severity: Severity;
  count: number;
  examples: string[];
  /** The offending value of the first example. */
  value: string;
}

function scanMessage(m: FlowModel, code: FindingCode, first: string, value: string): { message: string; hint?: string } {
  const owner = first.startsWith('@') ? `domain ${first.slice(1)}` : `account ${first}`;
  const t = parseTransport(value);
  switch (code) {
    case 'transport-invalid':
      return { message: `${owner}: zimbraMailTransport "${value}" is not a usable transport (${t.text})`, hint: 'use smtp:[host]:25 or lmtp:<mailbox host>:7025' };
    case 'transport-mx-lookup':
      return {
        message: `${owner}: zimbraMailTransport "${value}" has no brackets: Postfix looks up an MX first, which can loop back (§7.8)`,
        hint: `write smtp:[${t.host}]:${t.port ?? 25}`,
      };
    case 'transport-port':
      return { message: `${owner}: zimbraMailTransport "${value}" uses port ${t.port ?? 25}, the peer listens on ${m.peerPort}` };
    case 'lmtp-unknown-host':
      return {
        message: `${owner}: zimbraMailTransport "${value}" names ${t.host}, which is not a known mailbox server`,
        hint: `lmtp:${m.answers.mailboxHost}:7025`,
      };
    case 'catchall-conflict':
      return { message: `${owner} is a catch-all mailbox for ${value} while another catch-all for ${value} exists: mail goes to all of them (§7.4)` };
    case 'domain-missing':
      return { message: `shared domain ${value} does not exist on Zimbra: the Zimbra MTA treats its mail as relay traffic`, hint: `zmprov cd ${value}` };
    case 'duplicate-address':
      return { message: `${first} is claimed by ${value}: ldap-vam.cf returns all of them and each gets a copy` };
    case 'dns-no-relay':
      return { message: value, hint: 'zmprov ms <mta> zimbraMtaRelayHost [host]:25' };
    case 'dns-setting-ignored':
      return { message: value, hint: 'zmprov ms <mta> zimbraMtaSmtpDnsSupportLevel disabled' };
    default:
      return { message: `${first}: ${value}` };
  }
}

export interface ConfigScan {
  scan: Map<FindingCode, ScanGroup>;
  flag(code: FindingCode, severity: Severity, address: string, value: string): void;
  checkTransport(owner: string, raw: string): void;
}

export function configScan(m: FlowModel, parsed: (raw: string) => ParsedTransport): ConfigScan {
  const scan = new Map<FindingCode, ScanGroup>();
  const flag = (code: FindingCode, severity: Severity, address: string, value: string): void => {
    const g = scan.get(code);
    if (g) {
      g.count++;
      if (g.examples.length < MAX_EXAMPLES) g.examples.push(address);
    } else {
      scan.set(code, { severity, count: 1, examples: [address], value });
    }
  };
  const checkTransport = (owner: string, raw: string): void => {
    const t = parsed(raw);
    if (t.kind === 'unknown') flag('transport-invalid', 'error', owner, raw);
    else if (t.kind === 'smtp') {
      if (!t.bracketed) flag('transport-mx-lookup', 'warning', owner, raw);
      if ((t.port ?? 25) !== m.peerPort && m.isPeerHost(t.host)) flag('transport-port', 'warning', owner, raw);
    } else if (t.kind === 'lmtp' && !m.isMailboxHost(t.host)) flag('lmtp-unknown-host', 'warning', owner, raw);
  };
  return { scan, flag, checkTransport };
}

/** The model-wide checks: addresses claimed twice, DNS settings. */
export function scanModel(m: FlowModel, s: ConfigScan, sharedIndex: (address: string) => number): void {
  const { flag } = s;
  for (const [addr, owners] of m.duplicates) {
    if (sharedIndex(addr) >= 0) flag('duplicate-address', 'warning', addr, owners.join(', '));
  }
  if (m.dnsDisabled && !m.relayHost) {
    flag('dns-no-relay', 'warning', 'postmaster@example.net', m.dnsNote ?? 'DNS lookups disabled without a relay host (§7.6)');
  } else if (m.dnsNote && !m.dnsDisabled) {
    flag('dns-setting-ignored', 'warning', 'postmaster@example.net', m.dnsNote);
  }

}

/** The scan's findings, each with a trace of its first example (pushed to `traces`). */
export function scanFindings(m: FlowModel, scan: Map<FindingCode, ScanGroup>, traces: Trace[]): Finding[] {
  const out: Finding[] = [];
  for (const [code, s] of scan) {
    const first = s.examples[0];
    const probe = first.startsWith('@') ? unknownAddress(m, first.slice(1)) : first;
    const from: EntryPoint = code === 'dns-no-relay' || code === 'dns-setting-ignored' ? 'zimbra' : 'internet';
    const trace = routeWith(m, probe, from);
    traces.push(trace);
    const { message, hint } = scanMessage(m, code, first, s.value);
    out.push({
      severity: s.severity,
      code,
      message: s.count > 1 ? `${message} (and ${s.count - 1} more)` : message,
      hint,
      addressClass: 'config',
      address: probe,
      from: [from],
      count: s.count,
      examples: s.examples,
      trace,
    });
  }
  return out;
}
