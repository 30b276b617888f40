/**
 * node:crypto, loaded on first use. A static import is evaluated when the program loads, and
 * compiling node:crypto was the largest part of what the wizard's first frame cost beyond Ink's.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

let loaded: typeof Crypto | undefined;

export function crypto(): typeof Crypto {
  // A program loaded from memory (data: URL) resolves builtins from anywhere: node's own path will do.
  loaded ??= createRequire(import.meta.url.startsWith('file:') ? import.meta.url : process.execPath)('node:crypto') as typeof Crypto;
  return loaded;
}
