/**
 * Postfix: the source files of virtual_mailbox_maps, virtual_alias_maps and
 * relay_recipient_maps (`key value`, `#` comments, continuation lines starting with
 * whitespace). One parser for all three: a value that is a path is a mailbox, a value of
 * addresses is an alias, anything else (relay_recipient_maps' `OK`) a recipient. Pure.
 */
import type { RawRecipient } from './model.js';

export interface MapLine {
  key: string;
  value: string;
  lineNo: number;
  file: string;
}

/** Logical lines of a Postfix lookup-table source file (postmap(1) INPUT FILE FORMAT). */
export function mapLines(text: string, file: string): MapLine[] {
  const out: MapLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^\s/.test(line) && out.length) {
      out[out.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ key: m[1], value: m[2].trim(), lineNo: i + 1, file });
  }
  return out;
}

const ADDRESS = /^[^\s@,]+@[^\s@,]+$/;

/**
 * 'map': `address value` lines, some value a path or a word such as OK (a mailbox or relay
 * recipient map). 'aliases': every value is addresses: a virtual_alias_maps file, or an
 * address file with aliases (`bob@x b.smith@x` means opposite things in the two). undefined: neither.
 */
export function postfixMapShape(text: string): 'map' | 'aliases' | undefined {
  const lines = mapLines(text, '').slice(0, 200);
  if (lines.length === 0 || !lines.every((l) => l.key.includes('@') && !/\s/.test(l.key) && l.value !== '')) return undefined;
  const addressesOnly = lines.every((l) => l.value.split(/[\s,]+/).filter(Boolean).every((t) => ADDRESS.test(t)));
  return addressesOnly ? 'aliases' : 'map';
}

export interface PostfixParsed {
  recipients: RawRecipient[];
  notes: string[];
}

/**
 * Recipients of one or more map files together: an alias whose one target is a mailbox of the
 * maps becomes an alias of it (through chains of aliases); one with several targets is a list;
 * one with a single outside target forwards (a contact).
 */
export function parsePostfixMaps(files: { text: string; file: string }[]): PostfixParsed {
  const notes: string[] = [];
  const mailboxes = new Map<string, RawRecipient>();
  const aliases: MapLine[] = [];
  const recipients: RawRecipient[] = [];
  for (const f of files) {
    for (const l of mapLines(f.text, f.file)) {
      const source = `${l.file} line ${l.lineNo}`;
      if (l.key.startsWith('@')) {
        notes.push(`${source}: ${l.key} is a catch-all: it accepts every address, so it names no recipient; left out (zsplit plans no catch-all on a primary: it loops)`);
        continue;
      }
      if (!l.key.includes('@')) {
        notes.push(`${source}: "${l.key}" is not an address (a domain line or a local name); left out`);
        continue;
      }
      const targets = l.value.split(/[\s,]+/).filter(Boolean);
      const isAlias = targets.length > 0 && targets.every((t) => ADDRESS.test(t) || /^[a-z0-9._-]+$/i.test(t)) && targets.some((t) => t.includes('@'));
      if (isAlias) aliases.push(l);
      else {
        const r: RawRecipient = { addresses: [l.key], class: 'user', source, sourceType: l.value.includes('/') ? 'virtual_mailbox' : 'relay_recipient' };
        if (!mailboxes.has(l.key.toLowerCase())) {
          mailboxes.set(l.key.toLowerCase(), r);
          recipients.push(r);
        }
      }
    }
  }
  const aliasTargets = new Map(aliases.map((l) => [l.key.toLowerCase(), l.value.split(/[\s,]+/).filter(Boolean)]));
  /** The mailbox an alias ends at through single-target aliases, if any. */
  const mailboxOf = (address: string, depth = 0): RawRecipient | undefined => {
    const m = mailboxes.get(address.toLowerCase());
    if (m) return m;
    const t = aliasTargets.get(address.toLowerCase());
    if (!t || t.length !== 1 || depth > 10) return undefined;
    return mailboxOf(t[0], depth + 1);
  };
  for (const l of aliases) {
    const source = `${l.file} line ${l.lineNo}`;
    const targets = aliasTargets.get(l.key.toLowerCase())!;
    if (mailboxes.has(l.key.toLowerCase())) continue; // `bob@x bob@x`: the mailbox keeps itself
    const owner = targets.length === 1 ? mailboxOf(targets[0]) : undefined;
    if (owner) owner.addresses.push(l.key);
    else if (targets.length > 1) recipients.push({ addresses: [l.key], class: 'list', source, sourceType: 'virtual_alias (several targets)' });
    else recipients.push({ addresses: [l.key], class: 'alias', source, sourceType: `virtual_alias -> ${targets[0]}` });
  }
  return { recipients, notes };
}
