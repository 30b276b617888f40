/**
 * The other commands zsplit runs on a Zimbra host: zmcontrol -v, zmhostname, zmmtactl, and the
 * read-only Postfix checks (postconf -h, postmap -q against Zimbra's LDAP maps, zimbra.md §4).
 * Postfix's view is computed from the directory the way zmconfigd and the ldap-*.cf maps would.
 */
import { isModernMta } from '../zimbra/attrs.js';
import { Output, type RunResult } from './output.js';
import { compareVersions } from './schema.js';
import { effectiveServerAttr, getAttr, type Attrs, type SimLogRecord, type SimState } from './state.js';
import { runZmprov, type ZmprovIO } from './zmprov.js';

export const SIM_TOOLS = ['zmprov', 'zmcontrol', 'zmhostname', 'zmmtactl', 'postfix', 'postconf', 'postmap'] as const;
export type SimTool = (typeof SIM_TOOLS)[number];

export type ToolIO = ZmprovIO;

export function isSimTool(t: string): t is SimTool {
  return (SIM_TOOLS as readonly string[]).includes(t);
}

export function runTool(state: SimState, tool: SimTool | string, argv: string[], io: ToolIO = {}): RunResult {
  switch (tool) {
    case 'zmprov':
      return runZmprov(state, argv, io);
    case 'zmcontrol':
      return zmcontrol(state, argv, io);
    case 'zmhostname': {
      const out = new Output(io.onOutput);
      out.println(state.hostname);
      return out.result(0);
    }
    case 'zmmtactl':
      return zmmtactl(state, argv, io);
    case 'postfix':
      return postfixWrapper(state, argv, io);
    case 'postconf':
      return postconf(state, argv, io);
    case 'postmap':
      return postmap(state, argv, io);
    default: {
      const out = new Output(io.onOutput);
      out.err(`bash: ${tool}: command not found\n`);
      return out.result(127);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Build tags of real releases, so `zmcontrol -v` looks like the real thing for common versions. */
const BUILDS: Record<string, [string, string, string]> = {
  '10.1.0': ['4655', 'RHEL8_64', '20240819064312'],
  '10.0.0': ['4200', 'RHEL8_64', '20230115034541'],
  '9.0.0': ['4178', 'RHEL8_64', '20211118033954'],
  '8.8.15': ['3869', 'RHEL7_64', '20190918004220'],
  '8.7.11': ['1854', 'RHEL7_64', '20170531151956'],
  '8.6.0': ['1153', 'RHEL7_64', '20141215151155'],
};

export function zmcontrolVersion(version: string): string {
  const [build, plat, stamp] = BUILDS[version] ?? [
    '1000',
    compareVersions(version, '9.0.0') >= 0 ? 'RHEL8_64' : 'RHEL7_64',
    '20200101000000',
  ];
  return `Release ${version}_GA_${build}.${plat}_${stamp} ${plat} FOSS edition.`;
}

function zmcontrol(state: SimState, argv: string[], io: ToolIO): RunResult {
  const out = new Output(io.onOutput);
  const cmd = argv[0];
  if (cmd === '-v') {
    out.println(zmcontrolVersion(state.version));
    return out.result(0);
  }
  if (cmd === 'status') {
    out.println(`Host ${state.hostname}`);
    const services = getAttr(state.servers[state.hostname], 'zimbraServiceEnabled') ?? [];
    for (const s of services) out.println(`\t${s.padEnd(24)}Running`);
    return out.result(0);
  }
  out.println('/opt/zimbra/bin/zmcontrol [-v -h -H <host>] command [args]');
  out.println('');
  out.println('\t-v:\tDisplay version');
  out.println('\t-h:\tPrint usage statement');
  out.println('\t-H:\tHost name (localhost)');
  return out.result(1);
}

function zmmtactl(state: SimState, argv: string[], io: ToolIO): RunResult {
  const out = new Output(io.onOutput);
  const action = argv[0];
  const log = (rec: SimLogRecord) => io.onLog?.(rec);
  switch (action) {
    case 'reload':
    case 'restart': {
      // 8.7+ rewrites the config from LDAP first; the ≤8.6 model keeps it to the Postfix reload.
      const rewrite = isModernMta(state.version) && argv[1] === undefined;
      if (rewrite) out.out('Rewriting configuration files...done.\n');
      out.err('postfix/postfix-script: refreshing the Postfix mail system\n');
      log({ type: 'reload', tool: 'zmmtactl', action, rewrite, time: (io.now?.() ?? new Date()).toISOString() });
      return out.result(0);
    }
    case 'start':
      out.out('Rewriting configuration files...done.\n');
      out.err('postfix/postfix-script: starting the Postfix mail system\n');
      return out.result(0);
    case 'stop':
      out.err('postfix/postfix-script: stopping the Postfix mail system\n');
      return out.result(0);
    case 'status':
      return out.result(0);
    default:
      out.println('/opt/zimbra/bin/zmmtactl start|stop|restart|reload|status');
      return out.result(1);
  }
}

/**
 * /opt/zimbra/bin/postfix: on 8.7+ the wrapper runs zmmtainit and `configrewrite mta` before
 * start/reload/restart unless given `norewrite` (zimbra.md §4.3).
 */
function postfixWrapper(state: SimState, argv: string[], io: ToolIO): RunResult {
  const out = new Output(io.onOutput);
  const action = argv[0];
  const rewrite = isModernMta(state.version) && argv[1] !== 'norewrite';
  const time = (io.now?.() ?? new Date()).toISOString();
  switch (action) {
    case 'reload':
    case 'restart':
      out.err('postfix/postfix-script: refreshing the Postfix mail system\n');
      io.onLog?.({ type: 'reload', tool: 'postfix', action, rewrite, time });
      return out.result(0);
    case 'start':
      out.err('postfix/postfix-script: starting the Postfix mail system\n');
      return out.result(0);
    case 'stop':
      out.err('postfix/postfix-script: stopping the Postfix mail system\n');
      return out.result(0);
    case 'status':
      out.err('postfix/postfix-script: the Postfix mail system is running: PID: 4242\n');
      return out.result(0);
    case 'check':
      return out.result(0);
    default:
      out.err('postfix: fatal: usage: postfix [-c config_dir] [-Dv] command\n');
      return out.result(1);
  }
}

// ---------------------------------------------------------------------------------------------
// postconf: main.cf as zmconfigd writes it from LDAP (server value overrides global).

const CONF = '/opt/zimbra/conf';

export function postconfValues(state: SimState): Record<string, string> {
  const host = state.servers[state.hostname] ? state.hostname : undefined;
  const eff = (attr: string) => effectiveServerAttr(state, host, attr);
  const modern = isModernMta(state.version);
  const restrictions = eff('zimbraMtaRestriction');
  const values: Record<string, string> = {
    myhostname: state.hostname,
    relayhost: eff('zimbraMtaRelayHost')[0] ?? '',
    smtp_fallback_relay: eff('zimbraMtaFallbackRelayHost')[0] ?? '',
    mynetworks: eff('zimbraMtaMyNetworks').join(' '),
    smtp_dns_support_level: modern ? (eff('zimbraMtaSmtpDnsSupportLevel')[0] ?? '') : '',
    disable_dns_lookups: !modern && eff('zimbraMtaDnsLookupsEnabled')[0] === 'FALSE' ? 'yes' : 'no',
    hopcount_limit: eff('zimbraMtaHopcountLimit')[0] ?? '50',
    unverified_recipient_defer_code: eff('zimbraMtaUnverifiedRecipientDeferCode')[0] ?? '450',
    smtpd_relay_restrictions: 'permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination',
    smtpd_recipient_restrictions: [
      'reject_non_fqdn_recipient',
      'permit_sasl_authenticated',
      'permit_mynetworks',
      'reject_unlisted_recipient',
      ...restrictions,
      'permit',
    ].join(', '),
    transport_maps: `proxy:ldap:${CONF}/ldap-transport.cf`,
    virtual_alias_maps: `proxy:ldap:${CONF}/ldap-vam.cf`,
    virtual_mailbox_maps: `proxy:ldap:${CONF}/ldap-vmm.cf`,
    virtual_mailbox_domains: `proxy:ldap:${CONF}/ldap-vmd.cf`,
    virtual_alias_domains: `proxy:ldap:${CONF}/ldap-vad.cf`,
    virtual_transport: 'error',
    relay_domains: '',
  };
  if (modern) values.canonical_maps = `proxy:ldap:${CONF}/ldap-canonical.cf`;
  return values;
}

function postconf(state: SimState, argv: string[], io: ToolIO): RunResult {
  const out = new Output(io.onOutput);
  let hideNames = false;
  const names: string[] = [];
  for (const a of argv) {
    if (a === '-h') hideNames = true;
    else if (a.startsWith('-')) {
      out.err('postconf: fatal: usage: postconf [-abcCdefhHlmMnoPtTvxX] [-c config_dir] [-o parameter=value] [parameter...]\n');
      return out.result(1);
    } else names.push(a);
  }
  const values = postconfValues(state);
  const list = names.length > 0 ? names : Object.keys(values).sort();
  for (const n of list) {
    if (!(n in values)) {
      out.err(`postconf: warning: ${n}: unknown parameter\n`);
      continue;
    }
    out.println(hideNames ? values[n] : `${n} = ${values[n]}`);
  }
  return out.result(0);
}

// ---------------------------------------------------------------------------------------------
// postmap -q: the ldap-*.cf maps zmmtainit writes, evaluated over the directory.

interface LdapMap {
  /** Attributes tested for equality with the key (the |(...) part of query_filter). */
  keys: string[];
  /** Extra equality conditions (&(...)). */
  where: [string, string][];
  resultAttrs: string[];
  resultFilter?: string;
}

const MAPS: Record<string, LdapMap> = {
  'ldap-transport.cf': { keys: ['zimbraMailDeliveryAddress', 'zimbraDomainName'], where: [['zimbraMailStatus', 'enabled']], resultAttrs: ['zimbraMailTransport'] },
  'ldap-vmm.cf': { keys: ['zimbraMailDeliveryAddress'], where: [['zimbraMailStatus', 'enabled']], resultAttrs: ['zimbraMailDeliveryAddress'] },
  'ldap-vmd.cf': { keys: ['zimbraDomainName'], where: [['zimbraDomainType', 'local'], ['zimbraMailStatus', 'enabled']], resultAttrs: ['zimbraDomainName'] },
  'ldap-vad.cf': { keys: ['zimbraDomainName'], where: [['zimbraDomainType', 'alias'], ['zimbraMailStatus', 'enabled']], resultAttrs: ['zimbraDomainName'] },
  'ldap-vam.cf': {
    keys: ['zimbraMailDeliveryAddress', 'zimbraMailAlias', 'zimbraOldMailAddress', 'zimbraMailCatchAllAddress'],
    where: [['zimbraMailStatus', 'enabled']],
    resultAttrs: ['zimbraMailDeliveryAddress', 'zimbraMailForwardingAddress', 'zimbraPrefMailForwardingAddress', 'zimbraMailCatchAllForwardingAddress'],
  },
  'ldap-canonical.cf': {
    keys: ['zimbraMailDeliveryAddress', 'zimbraMailAlias', 'zimbraMailCatchAllAddress'],
    where: [['zimbraMailStatus', 'enabled']],
    resultAttrs: ['zimbraMailCanonicalAddress', 'zimbraMailCatchAllCanonicalAddress'],
  },
  'ldap-splitdomain.cf': {
    keys: ['zimbraMailDeliveryAddress', 'zimbraMailAlias', 'zimbraMailCatchAllAddress'],
    where: [['zimbraMailStatus', 'enabled']],
    resultAttrs: ['zimbraMailDeliveryAddress', 'zimbraMailForwardingAddress', 'zimbraPrefMailForwardingAddress'],
    resultFilter: 'OK',
  },
};

/** The answer Postfix gets for `key` from one of Zimbra's LDAP maps, or undefined (not found). */
export function ldapLookup(state: SimState, mapFile: string, key: string): string | undefined {
  const map = MAPS[mapFile];
  if (!map) return undefined;
  const k = key.toLowerCase();
  const entries: Attrs[] = [...Object.values(state.accounts), ...Object.values(state.domains), ...Object.values(state.lists ?? {})];
  const results: string[] = [];
  for (const e of entries) {
    const hit = map.keys.some((a) => (getAttr(e, a) ?? []).some((v) => v.toLowerCase() === k));
    if (!hit) continue;
    if (!map.where.every(([a, v]) => (getAttr(e, a) ?? []).some((x) => x.toLowerCase() === v))) continue;
    const vals = map.resultAttrs.flatMap((a) => getAttr(e, a) ?? []);
    if (vals.length === 0) continue;
    if (map.resultFilter) results.push(map.resultFilter);
    else results.push(...vals);
  }
  return results.length > 0 ? results.join(',') : undefined;
}

function postmap(state: SimState, argv: string[], io: ToolIO): RunResult {
  const out = new Output(io.onOutput);
  const qi = argv.indexOf('-q');
  if (qi < 0 || argv[qi + 1] === undefined || argv[qi + 2] === undefined) {
    out.err('postmap: fatal: usage: postmap [-NfinoprsuUvw] [-c config_dir] [-d key] [-q key] [map_type:]file...\n');
    return out.result(1);
  }
  const key = argv[qi + 1];
  const table = argv[qi + 2].replace(/^proxy:/, '');
  const m = /^ldap:(.*)$/.exec(table);
  if (!m) {
    out.err(`postmap: fatal: unsupported dictionary type: ${table.split(':')[0]}\n`);
    return out.result(1);
  }
  const path = m[1];
  const file = path.startsWith(`${CONF}/`) ? path.slice(CONF.length + 1) : undefined;
  if (!file || !MAPS[file]) {
    out.err(`postmap: fatal: open ${path}: No such file or directory\n`);
    return out.result(1);
  }
  const found = ldapLookup(state, file, key);
  if (found === undefined) return out.result(1);
  out.println(found);
  return out.result(0);
}
