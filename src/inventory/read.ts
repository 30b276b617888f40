/** Picks the format of each recipient source file and parses it (pure: src/cli/inventory.ts reads the files). */
import { parseAddressFile } from './addresses.js';
import { looksLikeExchangeCsv, parseExchangeCsv } from './exchange.js';
import type { RawRecipient, SourceFormat } from './model.js';
import { parsePostfixMaps, postfixMapShape } from './postfix.js';
import { looksLikeZimbra, parseZimbraDump } from './zimbra.js';
import { pushAll } from '../model/arrays.js';

export type FileFormat = Exclude<SourceFormat, 'ldap'>;
export const FILE_FORMATS: readonly FileFormat[] = ['exchange-csv', 'postfix-maps', 'zimbra', 'addresses'];

/**
 * The format of a file by its content, or undefined when it is not clear. 'aliases': a file of
 * `address address...` lines, a Postfix alias map only when other files are Postfix maps.
 */
export function detectFormat(text: string): FileFormat | 'aliases' | undefined {
  if (looksLikeExchangeCsv(text)) return 'exchange-csv';
  if (looksLikeZimbra(text)) return 'zimbra';
  const shape = postfixMapShape(text);
  if (shape === 'map') return 'postfix-maps';
  if (shape === 'aliases') return 'aliases';
  // One address per line (comments allowed): the plain address file.
  const words = text.split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
  if (words.length && words.every((w) => /^[^\s@]+@[^\s@]+$/.test(w))) return 'addresses';
  return undefined;
}

export interface ParsedSources {
  recipients: RawRecipient[];
  notes: string[];
  errors: string[];
}

/** Parses texts already read; `format` undefined: detected per file (an error names the file when unclear). */
export function parseSources(files: { text: string; file: string }[], format?: FileFormat): ParsedSources {
  const out: ParsedSources = { recipients: [], notes: [], errors: [] };
  const postfix: { text: string; file: string }[] = [];
  const detected = files.map((f) => format ?? detectFormat(f.text));
  const withMaps = detected.includes('postfix-maps');
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const d = detected[i];
    const fmt = d === 'aliases' ? (withMaps ? 'postfix-maps' : undefined) : d;
    if (!fmt) {
      out.errors.push(
        d === 'aliases'
          ? `${f.file}: "address address" lines: a Postfix virtual alias map (the first is an alias of the second) or a plain address file (the first is the primary); say which with --peer-recipients-format postfix-maps|addresses`
          : `${f.file}: cannot tell its format; give --peer-recipients-format ${FILE_FORMATS.join('|')}`,
      );
      continue;
    }
    if (fmt === 'exchange-csv') {
      const p = parseExchangeCsv(f.text, f.file);
      pushAll(out.recipients, p.recipients);
      pushAll(out.notes, p.notes);
      pushAll(out.errors, p.errors);
    } else if (fmt === 'zimbra') pushAll(out.recipients, parseZimbraDump(f.text, f.file));
    else if (fmt === 'addresses') pushAll(out.recipients, parseAddressFile(f.text, f.file));
    else postfix.push(f); // aliases of one map point at mailboxes of another: parsed together
  }
  if (postfix.length) {
    const p = parsePostfixMaps(postfix);
    pushAll(out.recipients, p.recipients);
    pushAll(out.notes, p.notes);
  }
  return out;
}
