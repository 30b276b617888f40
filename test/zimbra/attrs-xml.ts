/**
 * Zimbra's own attribute definitions (zimbra-attrs.xml, store/conf/attrs), read from the
 * reference copy so tests check zsplit against the real file rather than against a retyping.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ATTRS_XML = fileURLToPath(new URL('../../../shared/reference/zimbra-source/zimbra-attrs.xml', import.meta.url));

export interface XmlAttr {
  id: number;
  name: string;
  type: string;
  value?: string;
  max?: number;
  multi: boolean;
  immutable: boolean;
  /** optionalIn and requiredIn together, as written (account, domain, mailRecipient, globalConfig...). */
  classes: string[];
  required: string[];
  flags: string[];
  since: string[];
  deprecatedSince?: string;
  requiresRestart?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);
const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** Every `<attr ...>` opening tag: attrs.xml puts each on one line, its fields as plain XML attributes. */
export function readAttrsXml(file = ATTRS_XML): Map<string, XmlAttr> {
  const text = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const out = new Map<string, XmlAttr>();
  for (const m of text.matchAll(/<attr\s([^>]*)>/g)) {
    const f: Record<string, string> = {};
    for (const kv of m[1].matchAll(/([A-Za-z]+)="([^"]*)"/g)) f[kv[1]] = unescape(kv[2]);
    if (!f.name) continue;
    out.set(f.name.toLowerCase(), {
      id: Number(f.id),
      name: f.name,
      type: f.type,
      value: f.value,
      max: f.max !== undefined ? Number(f.max) : undefined,
      multi: f.cardinality === 'multi',
      immutable: f.immutable === '1' || f.immutable === 'true',
      classes: [...list(f.optionalIn), ...list(f.requiredIn)],
      required: list(f.requiredIn),
      flags: list(f.flags),
      since: list(f.since),
      deprecatedSince: f.deprecatedSince,
      requiresRestart: f.requiresRestart,
    });
  }
  return out;
}

/** AttributeClass.mailRecipient stands for the entries that receive mail: accounts and domains among them. */
const EXPANDS: Record<string, string[]> = { mailRecipient: ['account', 'domain', 'calendarResource', 'distributionList'] };

/** The entry kinds (zsplit's: account, domain, server, config) the attribute may be set on. */
export function settableOn(a: XmlAttr): Set<string> {
  const out = new Set<string>();
  for (const c of a.classes) for (const x of EXPANDS[c] ?? [c]) out.add(x === 'globalConfig' ? 'config' : x);
  return out;
}
