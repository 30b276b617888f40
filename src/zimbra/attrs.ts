/** What zsplit needs to know about the Zimbra attributes it reads and writes (attrs.xml). */

export type EntryKind = 'account' | 'domain' | 'server' | 'config';

export interface AttrInfo {
  multi: boolean;
  /** Rewritten into main.cf by zmconfigd: takes effect after `zmmtactl reload`. */
  mtaLevel: boolean;
}

export const ATTRS: Record<string, AttrInfo> = {
  zimbraMailTransport: { multi: false, mtaLevel: false },
  zimbraMailCatchAllAddress: { multi: true, mtaLevel: false },
  zimbraMailCatchAllForwardingAddress: { multi: false, mtaLevel: false },
  zimbraMailCatchAllCanonicalAddress: { multi: false, mtaLevel: false },
  zimbraMailAlias: { multi: true, mtaLevel: false },
  zimbraAccountStatus: { multi: false, mtaLevel: false },
  zimbraMailStatus: { multi: false, mtaLevel: false },
  zimbraMailHost: { multi: false, mtaLevel: false },
  zimbraHideInGal: { multi: false, mtaLevel: false },
  zimbraMtaRelayHost: { multi: true, mtaLevel: true },
  zimbraMtaMyNetworks: { multi: true, mtaLevel: true },
  zimbraMtaDnsLookupsEnabled: { multi: false, mtaLevel: true },
  zimbraMtaSmtpDnsSupportLevel: { multi: false, mtaLevel: true },
  zimbraMtaRestriction: { multi: true, mtaLevel: true },
};

export function attrInfo(attr: string): AttrInfo {
  return ATTRS[attr] ?? { multi: false, mtaLevel: false };
}

/** The LMTP transport Zimbra computes for a mailbox on `host` (Config.D_LMTP_BIND_PORT). */
export function lmtpTransport(host: string, port = 7025): string {
  return `lmtp:${host}:${port}`;
}

/** `smtp:[host]:port`: brackets turn off the MX lookup that could loop back (zimbra.md §4.2). */
export function smtpTransport(host: string, port = 25): string {
  return `smtp:[${host}]:${port}`;
}

/** Version families whose commands differ (zimbra.md §4.3). */
export function isModernMta(version: string): boolean {
  const [maj, min] = version.split('.').map((n) => Number.parseInt(n, 10));
  if (Number.isNaN(maj)) return true;
  return maj > 8 || (maj === 8 && (min ?? 0) >= 7);
}
