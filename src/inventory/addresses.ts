/** The plain address file (`address [alias ...]` per line, `#` comments): the --peer-accounts format, as users. Pure. */
import { parseAccountLines } from '../model/validate.js';
import type { RawRecipient } from './model.js';

export function parseAddressFile(text: string, file = 'addresses'): RawRecipient[] {
  return parseAccountLines(text).map(({ lineNo, words }) => ({ addresses: words, class: 'user' as const, source: `${file} line ${lineNo}` }));
}
