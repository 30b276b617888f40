/** Parsers for what zmprov really prints (zimbra.md §2.1, §3). Pure. */

export type Attrs = Record<string, string[]>;

export interface ParsedEntry {
  name: string;
  attrs: Attrs;
}

/**
 * Entry dumps (`ga`, `gd`, `gs`, `gaa -v`): `# name X`, then `attr: value` lines
 * (repeated for multi-valued attributes), a blank line after each entry.
 * `gacf`/`gcf` output has no header: it comes back as one entry named ''.
 */
export function parseEntries(stdout: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  let current: ParsedEntry | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const header = /^# name (.*)$/.exec(line);
    if (header) {
      current = { name: header[1].trim(), attrs: {} };
      entries.push(current);
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)(::?) ?(.*)$/.exec(line);
    if (!m) continue;
    if (!current) {
      current = { name: '', attrs: {} };
      entries.push(current);
    }
    const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
    (current.attrs[m[1]] ??= []).push(value);
  }
  return entries;
}

/** Attribute values of the single entry (or config) in `stdout`, looked up case-insensitively. */
export function attrValues(stdout: string, attr: string): string[] {
  const entry = parseEntries(stdout)[0];
  if (!entry) return [];
  const key = Object.keys(entry.attrs).find((k) => k.toLowerCase() === attr.toLowerCase());
  return key ? entry.attrs[key] : [];
}

export interface ZmprovError {
  code: string;
  message: string;
  /** The whole `ERROR: ...` line as zmprov printed it. */
  text: string;
}

/** `ERROR: account.NO_SUCH_ACCOUNT (no such account: x@example.com)` */
export function parseError(text: string): ZmprovError | undefined {
  for (const line of text.split('\n')) {
    const m = /^ERROR: ([A-Za-z0-9_.]+) \((.*)\)\s*$/.exec(line.trim());
    if (m) {
      // Strip a trailing "(cause: ...)" group that sits inside the outer parentheses.
      const message = m[2].replace(/\) \(cause: .*$/, '');
      return { code: m[1], message, text: line.trim() };
    }
  }
  const generic = /^(error: .*)$/m.exec(text);
  if (generic) return { code: 'zmprov.ERROR', message: generic[1].slice(7), text: generic[1] };
  return undefined;
}

export const NOT_FOUND_CODES = new Set(['account.NO_SUCH_ACCOUNT', 'account.NO_SUCH_DOMAIN', 'account.NO_SUCH_SERVER']);

export type LineStatus = 'ok' | 'error' | 'usage' | 'unknown-command' | 'not-run';

export interface BatchLineResult {
  index: number;
  /** The line zsplit sent. */
  line: string;
  status: LineStatus;
  /** Output of that line, prompt and echo removed. */
  output: string;
  error?: ZmprovError;
}

export interface BatchResult {
  exitCode: number;
  lines: BatchLineResult[];
  /** Something in the output that could not be tied to a line (a JVM crash, an early abort). */
  trailer: string;
}

/**
 * Splits the interleaved output (stdout and stderr on one descriptor) of
 * `zmprov -v -f FILE` into one result per line. Each line's block starts after a
 * `prov> ` prompt with the echoed command (-v). A line whose block never appeared
 * was not run (the batch aborted). Exit code 0 alone never means success.
 */
export function parseBatchOutput(combined: string, lines: string[], exitCode: number): BatchResult {
  const blocks = combined.split('prov> ');
  const preamble = blocks.shift() ?? '';
  const results: BatchLineResult[] = [];
  let b = 0;
  for (let i = 0; i < lines.length; i++) {
    const block = blocks[b];
    if (block === undefined) {
      results.push({ index: i, line: lines[i], status: 'not-run', output: '' });
      continue;
    }
    b++;
    const nl = block.indexOf('\n');
    const body = nl === -1 ? '' : block.slice(nl + 1);
    const error = parseError(body);
    let status: LineStatus = 'ok';
    if (error) status = 'error';
    else if (/^usage: /m.test(body)) status = 'usage';
    else if (/^Unknown command\. /m.test(body)) status = 'unknown-command';
    const output = body
      .split('\n')
      .filter((l) => !/^ERROR: /.test(l))
      .join('\n')
      .replace(/\n+$/, '');
    results.push({ index: i, line: lines[i], status, output, error });
  }
  // What follows the last command's block: the `exit` line and anything unexpected.
  const trailer = [preamble.trim(), ...blocks.slice(b).map((x) => x.replace(/^(exit|quit)\s*\n?/, ''))]
    .join('')
    .trim();
  return { exitCode, lines: results, trailer };
}
