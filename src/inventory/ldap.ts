/**
 * Active Directory, or any LDAP directory: entries (as an LDAP client returns them) to
 * recipients. Pure; reading is src/inventory/ldap-read.ts.
 */
import type { RecipientClass } from '../model/types.js';
import { classOfRecipientType, smtpProxies } from './exchange.js';
import type { RawRecipient } from './model.js';

/** What the reader asks for. */
export const LDAP_ATTRIBUTES = ['mail', 'proxyAddresses', 'objectClass', 'msExchRecipientTypeDetails', 'displayName', 'cn', 'mailAlternateAddress', 'mailLocalAddress'];

/** Mail-enabled objects of AD (proxyAddresses) and of plain directories (mail). */
export const DEFAULT_LDAP_FILTER = '(|(proxyAddresses=smtp:*)(mail=*))';

/**
 * msExchRecipientTypeDetails is the RecipientTypeDetails enumeration as a bit: 2^n for the
 * n-th member (UserMailbox = 1, SharedMailbox = 4, RoomMailbox = 16, ..., GroupMailbox = 2^40).
 */
const TYPE_BITS: [bigint, string][] = (
  [
    [0, 'UserMailbox'], [1, 'LinkedMailbox'], [2, 'SharedMailbox'], [3, 'LegacyMailbox'], [4, 'RoomMailbox'], [5, 'EquipmentMailbox'],
    [6, 'MailContact'], [7, 'MailUser'], [8, 'MailUniversalDistributionGroup'], [9, 'MailNonUniversalGroup'], [10, 'MailUniversalSecurityGroup'],
    [11, 'DynamicDistributionGroup'], [12, 'PublicFolder'], [13, 'SystemAttendantMailbox'], [14, 'SystemMailbox'], [15, 'MailForestContact'],
    [22, 'MicrosoftExchange'], [23, 'ArbitrationMailbox'], [28, 'RoomList'], [29, 'DiscoveryMailbox'], [31, 'RemoteUserMailbox'],
    [33, 'RemoteRoomMailbox'], [34, 'RemoteEquipmentMailbox'], [35, 'RemoteSharedMailbox'], [36, 'PublicFolderMailbox'], [37, 'TeamMailbox'],
    [38, 'RemoteTeamMailbox'], [39, 'MonitoringMailbox'], [40, 'GroupMailbox'], [41, 'LinkedRoomMailbox'], [42, 'AuditLogMailbox'],
    [43, 'RemoteGroupMailbox'], [44, 'SchedulingMailbox'], [45, 'GuestMailUser'], [46, 'AuxAuditLogMailbox'], [47, 'SupervisoryReviewPolicyMailbox'],
  ] as [number, string][]
).map(([bit, name]) => [1n << BigInt(bit), name]);

/** `msExchRecipientTypeDetails: 4` -> SharedMailbox. */
export function recipientTypeName(value: string): string | undefined {
  if (!/^\d{1,20}$/.test(value.trim())) return undefined;
  const v = BigInt(value.trim());
  return TYPE_BITS.find(([bit]) => bit === v)?.[1];
}

export type LdapEntry = { dn: string } & Record<string, unknown>;

function values(entry: LdapEntry, attr: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/** A class from objectClass alone, for directories without Exchange attributes. */
function classFromObjectClass(classes: string[]): RecipientClass {
  const oc = new Set(classes.map((c) => c.toLowerCase()));
  if (oc.has('group') || oc.has('groupofnames') || oc.has('groupofuniquenames') || oc.has('msexchdynamicdistributionlist') || oc.has('mailgroup')) return 'list';
  if (oc.has('contact')) return 'contact';
  if (oc.has('publicfolder')) return 'public-folder';
  return 'user';
}

export function ldapRecipient(entry: LdapEntry): RawRecipient | undefined {
  const proxies = smtpProxies(values(entry, 'proxyAddresses'));
  const mail = values(entry, 'mail')[0];
  const addresses = [proxies.primary ?? mail, mail, ...proxies.secondary, ...values(entry, 'mailAlternateAddress'), ...values(entry, 'mailLocalAddress')].filter((a): a is string => Boolean(a));
  if (addresses.length === 0) return undefined;
  const typeValue = values(entry, 'msExchRecipientTypeDetails')[0];
  const typeName = typeValue === undefined ? undefined : recipientTypeName(typeValue);
  const cls = (typeName && classOfRecipientType(typeName)) || classFromObjectClass(values(entry, 'objectClass'));
  const displayName = values(entry, 'displayName')[0] ?? values(entry, 'cn')[0];
  const sourceType = typeName ?? values(entry, 'objectClass').filter((c) => c.toLowerCase() !== 'top').slice(-1)[0];
  return { addresses, class: cls, source: entry.dn, ...(sourceType ? { sourceType } : {}), ...(displayName ? { displayName } : {}) };
}

export function ldapRecipients(entries: readonly LdapEntry[]): RawRecipient[] {
  return entries.flatMap((e) => ldapRecipient(e) ?? []);
}
