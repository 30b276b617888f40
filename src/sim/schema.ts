/**
 * A small slice of zimbra-attrs.xml: the attributes a split-domain setup reads or writes,
 * plus the LDAP basics every entry carries. Types, cardinality, classes, flags and versions
 * follow attrs.xml; validation messages follow AttributeInfo.checkValue (zimbra.md §1.3, §3.2).
 */
import { ServiceError } from './errors.js';
import { COS_DEFAULTS } from './cos-defaults.js';

export type EntryClass = 'account' | 'domain' | 'server' | 'config' | 'cos' | 'distributionList';

export type AttrType =
  | 'string'
  | 'astring'
  | 'cstring'
  | 'email'
  | 'boolean'
  | 'enum'
  | 'regex'
  | 'integer'
  | 'long'
  | 'port'
  | 'id'
  | 'gentime'
  | 'duration'
  | 'ostring'
  | 'cs_emailp';

export type AttrFlag = 'serverInherited' | 'domainInherited' | 'accountInherited';

export interface AttrDef {
  name: string;
  type: AttrType;
  /** Enum values (comma-separated, as in attrs.xml) or the regex. */
  value?: string;
  multi: boolean;
  classes: EntryClass[];
  immutable?: boolean;
  /** First version that knows the attribute. */
  since?: string;
  deprecatedSince?: string;
  flags?: AttrFlag[];
  callback?: string;
  requiresRestart?: string;
  id?: number;
  max?: number;
  /** Value in the default COS: what `ga` (without -e) shows when the account has none. */
  cosDefault?: string[];
  desc: string;
}

/** mailRecipient: the entries that receive mail (accounts, domains, distribution lists). */
const RECIPIENT: EntryClass[] = ['account', 'domain', 'distributionList'];
const MTA: EntryClass[] = ['config', 'server'];
const ALL: EntryClass[] = ['account', 'domain', 'server', 'config', 'cos', 'distributionList'];
const CATCH_ALL_REGEX = '^@[A-Za-z0-9-\\.]+$';

const DEFS: AttrDef[] = [
  // LDAP basics
  { name: 'objectClass', type: 'string', multi: true, classes: ALL, desc: 'LDAP object classes' },
  { name: 'cn', type: 'string', multi: false, classes: ALL, desc: 'common name' },
  { name: 'description', type: 'string', multi: true, classes: ALL, desc: 'description' },
  { name: 'sn', type: 'string', multi: false, classes: ['account'], desc: 'last name' },
  { name: 'givenName', type: 'string', multi: false, classes: ['account'], desc: 'first name' },
  { name: 'displayName', type: 'astring', multi: false, classes: ['account', 'distributionList'], desc: 'name to display in admin tool, outlook uses as well' },
  { name: 'uid', type: 'string', multi: false, classes: ['account'], desc: 'uid of the entry' },
  { name: 'mail', type: 'email', multi: true, classes: RECIPIENT, desc: 'RFC1274: RFC822 Mailbox' },
  { name: 'userPassword', type: 'string', multi: false, classes: ['account'], desc: 'password' },
  { name: 'dc', type: 'string', multi: false, classes: ['domain'], desc: 'domain component' },
  { name: 'o', type: 'string', multi: false, classes: ['domain'], desc: 'organization' },
  // every Zimbra entry
  { name: 'zimbraId', type: 'id', multi: false, classes: ['account', 'domain', 'server', 'cos', 'distributionList'], immutable: true, id: 1, desc: 'Zimbra Systems Unique ID' },
  { name: 'zimbraCreateTimestamp', type: 'gentime', multi: false, classes: ALL, immutable: true, since: '6.0.0_BETA1', id: 790, desc: 'time object was created' },
  // mail routing (mailRecipient: accounts and domains)
  { name: 'zimbraMailTransport', type: 'astring', multi: false, classes: RECIPIENT, id: 247, max: 320, desc: 'Designates the transport for delivering mail to this entry: transport:nexthop' },
  { name: 'zimbraMailCatchAllAddress', type: 'regex', value: CATCH_ALL_REGEX, multi: true, classes: RECIPIENT, id: 214, desc: 'Address to catch all messages to specified domain' },
  { name: 'zimbraMailCatchAllForwardingAddress', type: 'regex', value: CATCH_ALL_REGEX, multi: false, classes: RECIPIENT, id: 215, desc: 'Catch all address to rewrite to' },
  { name: 'zimbraMailCatchAllCanonicalAddress', type: 'regex', value: CATCH_ALL_REGEX, multi: false, classes: RECIPIENT, id: 216, desc: 'Catch all address to rewrite to (canonical)' },
  { name: 'zimbraMailAlias', type: 'email', multi: true, classes: RECIPIENT, immutable: true, max: 256, id: 20, desc: 'RFC822 email address of this recipient for accepting mail' },
  { name: 'zimbraMailDeliveryAddress', type: 'email', multi: true, classes: RECIPIENT, immutable: true, max: 256, id: 13, desc: 'Address to which this account\'s address must be rewritten' },
  { name: 'zimbraMailForwardingAddress', type: 'email', multi: true, classes: RECIPIENT, id: 12, desc: 'RFC822 forwarding address for an account' },
  { name: 'zimbraPrefMailForwardingAddress', type: 'cs_emailp', multi: false, classes: ['account'], id: 343, desc: 'RFC822 forwarding address for an account' },
  { name: 'zimbraMailCanonicalAddress', type: 'email', multi: false, classes: RECIPIENT, id: 213, desc: 'RFC822 email address for canonicalizing' },
  { name: 'zimbraOldMailAddress', type: 'email', multi: false, classes: ['account'], immutable: true, since: '8.8.10', max: 256, desc: 'old email address of this account' },
  { name: 'zimbraMailStatus', type: 'enum', value: 'enabled,disabled', multi: false, classes: RECIPIENT, id: 15, desc: 'mail delivery status (enabled/disabled)' },
  // account
  { name: 'zimbraAccountStatus', type: 'enum', value: 'active,maintenance,locked,closed,lockout,pending', multi: false, classes: ['account'], callback: 'AccountStatus', id: 2, desc: 'account status' },
  { name: 'zimbraMailHost', type: 'astring', max: 256, multi: false, classes: ['account', 'distributionList'], callback: 'MailHost', id: 4, desc: 'the server hosting the account\'s mailbox' },
  { name: 'zimbraHideInGal', type: 'boolean', multi: false, classes: ['account', 'distributionList'], id: 353, desc: 'hide entry in Global Address List' },
  { name: 'zimbraIsAdminAccount', type: 'boolean', multi: false, classes: ['account'], id: 31, desc: 'set to true for admin accounts' },
  { name: 'zimbraCOSId', type: 'id', multi: false, classes: ['account'], id: 14, desc: 'COS zimbraID' },
  { name: 'zimbraPasswordModifiedTime', type: 'gentime', multi: false, classes: ['account'], id: 39, desc: 'time password was last changed' },
  { name: 'zimbraMailQuota', type: 'long', multi: false, classes: ['account', 'cos'], flags: ['accountInherited'], cosDefault: ['0'], id: 16, desc: 'mail quota in bytes' },
  { name: 'zimbraFeatureMailEnabled', type: 'boolean', multi: false, classes: ['account', 'cos'], flags: ['accountInherited'], cosDefault: ['TRUE'], id: 489, desc: 'enable end-user email feature' },
  { name: 'zimbraPasswordMinLength', type: 'integer', multi: false, classes: ['account', 'cos'], flags: ['accountInherited'], cosDefault: ['6'], id: 33, desc: 'minimum length of a password' },
  { name: 'zimbraPasswordMaxLength', type: 'integer', multi: false, classes: ['account', 'cos'], flags: ['accountInherited'], cosDefault: ['64'], id: 34, desc: 'max length of a password' },
  { name: 'zimbraPrefMailPollingInterval', type: 'duration', multi: false, classes: ['account', 'cos'], flags: ['accountInherited'], cosDefault: ['5m'], id: 111, desc: 'interval at which the web client polls the server for new messages' },
  // domain
  { name: 'zimbraDomainName', type: 'string', multi: false, classes: ['domain'], immutable: true, id: 19, desc: 'name of the domain' },
  { name: 'zimbraDomainType', type: 'enum', value: 'local,alias', multi: false, classes: ['domain'], immutable: true, id: 212, desc: 'should be one of: local, alias' },
  { name: 'zimbraDomainStatus', type: 'enum', value: 'active,maintenance,locked,closed,suspended,shutdown', multi: false, classes: ['domain'], flags: ['domainInherited'], since: '5.0.0', id: 535, desc: 'domain status' },
  { name: 'zimbraDomainAliasTargetId', type: 'string', max: 256, multi: false, classes: ['domain'], since: '5.0.12', id: 775, desc: 'zimbraId of domain alias target' },
  { name: 'zimbraDomainDefaultCOSId', type: 'id', multi: false, classes: ['domain'], id: 299, desc: 'COS zimbraID' },
  { name: 'zimbraGalMode', type: 'enum', value: 'zimbra,both,ldap', multi: false, classes: ['domain'], id: 46, desc: 'type of GAL' },
  { name: 'zimbraGalMaxResults', type: 'integer', multi: false, classes: ['config', 'domain'], flags: ['domainInherited'], id: 53, desc: 'maximum number of gal entries to return from a search' },
  { name: 'zimbraAuthMech', type: 'string', multi: false, classes: ['domain'], id: 42, desc: 'mechanism to use for authentication' },
  { name: 'zimbraVirtualHostname', type: 'string', multi: true, classes: ['domain'], id: 352, desc: 'virtual hostname' },
  { name: 'zimbraPublicServiceHostname', type: 'string', multi: false, classes: ['config', 'domain'], flags: ['domainInherited'], id: 377, desc: 'name to be used in public API' },
  { name: 'zimbraPreAuthKey', type: 'ostring', max: 128, multi: false, classes: ['domain'], id: 307, desc: 'preauth secret key' },
  // server
  { name: 'zimbraServiceHostname', type: 'string', multi: false, classes: ['server'], id: 65, desc: 'public hostname of the host' },
  { name: 'zimbraServiceEnabled', type: 'string', multi: true, classes: ['server'], id: 220, desc: 'Zimbra services enabled on the server' },
  { name: 'zimbraServiceInstalled', type: 'string', multi: true, classes: ['server'], id: 221, desc: 'Zimbra services installed on the server' },
  { name: 'zimbraSmtpHostname', type: 'astring', max: 256, multi: true, classes: MTA, flags: ['serverInherited'], id: 97, desc: 'the SMTP server to connect to when sending mail' },
  { name: 'zimbraLmtpBindPort', type: 'port', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mailbox', id: 24, desc: 'port number on which LMTP server should listen' },
  // MTA (global config and server; a server value overrides the global one)
  { name: 'zimbraMtaRelayHost', type: 'astring', max: 256, multi: true, classes: MTA, flags: ['serverInherited'], callback: 'MtaRelayHost', requiresRestart: 'mta', id: 199, desc: 'Value for postconf relayhost' },
  { name: 'zimbraMtaFallbackRelayHost', type: 'astring', max: 256, multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', since: '8.0.4', id: 1435, desc: 'Value for postconf smtp_fallback_relay' },
  { name: 'zimbraMtaMyNetworks', type: 'astring', max: 10240, multi: true, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', id: 311, desc: 'value of postfix mynetworks' },
  { name: 'zimbraMtaRestriction', type: 'string', multi: true, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', id: 226, desc: 'restrictions to reject some suspect SMTP clients' },
  { name: 'zimbraMtaSmtpDnsSupportLevel', type: 'enum', value: 'disabled,enabled,dnssec', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', since: '8.7.0', id: 2075, desc: 'Value for postconf smtp_dns_support_level' },
  { name: 'zimbraMtaDnsLookupsEnabled', type: 'boolean', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', deprecatedSince: '8.7.0_BETA2', id: 197, desc: 'Whether to enable MX lookups (deprecated: use zimbraMtaSmtpDnsSupportLevel)' },
  { name: 'zimbraMtaHopcountLimit', type: 'integer', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', since: '8.7.0', id: 1835, desc: 'Value for postconf hopcount_limit' },
  { name: 'zimbraMtaUnverifiedRecipientDeferCode', type: 'integer', multi: false, classes: MTA, flags: ['serverInherited'], since: '8.5.0', id: 1606, desc: 'Value for postconf unverified_recipient_defer_code' },
  { name: 'zimbraMtaMaxMessageSize', type: 'long', multi: false, classes: ['config'], requiresRestart: 'mta', id: 198, desc: 'Maximum size of an entire message in bytes' },
  { name: 'zimbraMtaAuthEnabled', type: 'boolean', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', deprecatedSince: '6.0.0_BETA1', id: 194, desc: 'Whether to enable smtp auth' },
  { name: 'zimbraMtaTlsSecurityLevel', type: 'enum', value: 'may,none', multi: false, classes: MTA, flags: ['serverInherited'], requiresRestart: 'mta', since: '6.0.0_BETA1', id: 795, desc: 'Value for postconf smtpd_tls_security_level' },
  // global config only
  { name: 'zimbraDefaultDomainName', type: 'string', multi: false, classes: ['config'], id: 172, desc: 'domain to use when an address has no domain' },
];

const BY_NAME = new Map(DEFS.map((d) => [d.name.toLowerCase(), d]));

// ---------------------------------------------------------------------------------------------
// Versions: "8.7.0_BETA2" < "8.7.0_RC1" < "8.7.0" (GA).

interface ParsedVersion {
  nums: number[];
  /** 0 beta, 1 rc, 2 GA */
  stage: number;
  stageNum: number;
}

function parseVersion(v: string): ParsedVersion {
  const [main, suffix = ''] = v.split('_');
  const nums = main.split('.').map((n) => Number.parseInt(n, 10) || 0);
  while (nums.length < 3) nums.push(0);
  const m = /^(BETA|RC)(\d*)$/i.exec(suffix);
  if (!m) return { nums, stage: 2, stageNum: 0 };
  return { nums, stage: m[1].toUpperCase() === 'BETA' ? 0 : 1, stageNum: Number.parseInt(m[2] || '0', 10) };
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  if (x.stage !== y.stage) return x.stage - y.stage;
  return x.stageNum - y.stageNum;
}

/** The attribute as the given version knows it, or undefined (unknown, or introduced later). */
export function attrDef(name: string, version: string): AttrDef | undefined {
  const def = BY_NAME.get(name.toLowerCase());
  if (!def) return undefined;
  if (def.since && compareVersions(version, def.since) < 0) return undefined;
  return def;
}

export function isDeprecated(def: AttrDef, version: string): boolean {
  return def.deprecatedSince !== undefined && compareVersions(version, def.deprecatedSince) >= 0;
}

export function allAttrDefs(version: string): AttrDef[] {
  return DEFS.filter((d) => !d.since || compareVersions(version, d.since) >= 0);
}

export function hasFlag(name: string, flag: AttrFlag): boolean {
  return BY_NAME.get(name.toLowerCase())?.flags?.includes(flag) ?? false;
}

const cosByVersion = new Map<string, Record<string, string[]>>();

/**
 * Default COS values for `ga` without -e: every account-inherited attribute zimbra-attrs.xml
 * gives a default, that the version knows (a `since` list names one version per release line).
 */
export function cosDefaults(version: string): Record<string, string[]> {
  let out = cosByVersion.get(version);
  if (out) return out;
  out = {};
  for (const [name, values, since] of COS_DEFAULTS) if (!since || since.split(',').some((v) => compareVersions(version, v.trim()) >= 0)) out[name] = [...values];
  for (const d of allAttrDefs(version)) if (d.cosDefault) out[d.name] = d.cosDefault;
  cosByVersion.set(version, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value checks (AttributeInfo.checkValue).

const ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const GENTIME_PATTERN = /^\d{14}(\.\d{1,3})?[zZ]$/;
const DURATION_PATTERN = /^\d+([hmsd]|ms)?$/;
const DURATION_PATTERN_DOC =
  'Must be in valid duration format: {digits}{time-unit}.  digits: 0-9, time-unit: [hmsd]|ms.  ' +
  'h - hours, m - minutes, s - seconds, d - days, ms - milliseconds.  ' +
  'If time unit is not specified, the default is s(seconds).';
const JAVA_INT = /^[+-]?\d+$/;

export function isUuid(s: string): boolean {
  return ID_PATTERN.test(s);
}

function numberFormat(value: string): string {
  return `java.lang.NumberFormatException For input string: "${value}"`;
}

export function validEmailAddress(addr: string): void {
  if (!addr.includes('@')) throw ServiceError.invalidAttrValue(`address '${addr}' does not include domain`);
  // JavaMail's strict parse: one @, no whitespace or specials in the bare address.
  if (!/^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(addr)) {
    throw ServiceError.invalidAttrValue(`invalid email address: ${addr}`);
  }
}

export function checkValue(def: AttrDef, value: string, checkImmutable: boolean): void {
  if (checkImmutable && def.immutable) throw ServiceError.invalidRequest(`${def.name} is immutable`);
  if (value === '') return; // unsetting
  const n = def.name;
  switch (def.type) {
    case 'boolean':
      if (value === 'TRUE' || value === 'FALSE') return;
      throw ServiceError.invalidAttrValue(`${n} must be TRUE or FALSE`);
    case 'enum':
      if ((def.value ?? '').split(',').includes(value)) return;
      throw ServiceError.invalidAttrValue(`${n} must be one of: ${def.value}`);
    case 'regex':
      if (new RegExp(def.value ?? '').test(value)) return;
      throw ServiceError.invalidAttrValue(`${n} must match the regex: ${def.value}`);
    case 'integer': {
      if (!JAVA_INT.test(value)) throw ServiceError.invalidAttrValue(`${n} must be a valid integer: ${value}`, numberFormat(value));
      const v = Number.parseInt(value, 10);
      if (v < -2147483648 || v > 2147483647) throw ServiceError.invalidAttrValue(`${n} must be a valid integer: ${value}`, numberFormat(value));
      return;
    }
    case 'long':
      if (!JAVA_INT.test(value)) throw ServiceError.invalidAttrValue(`${n} must be a valid long: ${value}`, numberFormat(value));
      return;
    case 'port': {
      const v = JAVA_INT.test(value) ? Number.parseInt(value, 10) : -1;
      if (v >= 0 && v <= 65535) return;
      throw ServiceError.invalidAttrValue(`${n} must be a valid port: ${value}`);
    }
    case 'id':
      if (ID_PATTERN.test(value)) return;
      throw ServiceError.invalidAttrValue(`${n} must be a valid id`);
    case 'gentime':
      if (GENTIME_PATTERN.test(value)) return;
      throw ServiceError.invalidAttrValue(`${n} must be a valid generalized time: yyyyMMddHHmmssZ or yyyyMMddHHmmss.SSSZ`);
    case 'duration':
      if (DURATION_PATTERN.test(value)) return;
      throw ServiceError.invalidAttrValue(`${n} ${DURATION_PATTERN_DOC}`);
    case 'email':
      if (def.max !== undefined && value.length > def.max) {
        throw ServiceError.invalidAttrValue(`${n} value length(${value.length}) larger than max allowed: ${def.max}`);
      }
      validEmailAddress(value);
      return;
    default:
      if (def.max !== undefined && value.length > def.max) {
        throw ServiceError.invalidAttrValue(`${n} value length(${value.length}) larger than max allowed: ${def.max}`);
      }
  }
}
