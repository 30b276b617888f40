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
    if (line.startsWith('Warn: ')) continue; // deprecation notices print on stdout
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
 * `zmprov -v -f FILE` into one result per line. Each line's block is found by its
 * echo (`prov> ` + the line, thanks to -v), in order, so a value that happens to
 * contain "prov> " cannot shift the results. A line whose echo never appeared was not
 * run (the batch aborted). Exit code 0 alone never means success.
 */
export function parseBatchOutput(combined: string, lines: string[], exitCode: number): BatchResult {
  const echoAt = (line: string, from: number): number => {
    let i = combined.indexOf(`prov> ${line}\n`, from);
    if (i === -1 && combined.endsWith(`prov> ${line}`) && combined.length - line.length - 6 >= from) i = combined.length - line.length - 6;
    return i;
  };
  /** Where a block ends when the next echo is missing: the next prompt at a line start. */
  const nextPrompt = (from: number): number => {
    for (let i = combined.indexOf('prov> ', from); i !== -1; i = combined.indexOf('prov> ', i + 1)) if (i === 0 || combined[i - 1] === '\n') return i;
    return combined.length;
  };
  const results: BatchLineResult[] = [];
  let at = echoAt(lines[0] ?? 'exit', 0);
  const preamble = at === -1 ? combined.slice(0, nextPrompt(0)) : combined.slice(0, at);
  let tailFrom = at === -1 ? nextPrompt(0) : at;
  for (let i = 0; i < lines.length; i++) {
    if (at === -1) {
      results.push({ index: i, line: lines[i], status: 'not-run', output: '' });
      continue;
    }
    const bodyStart = Math.min(combined.length, at + 6 + lines[i].length + 1);
    const nextLine = i + 1 < lines.length ? lines[i + 1] : 'exit';
    const next = echoAt(nextLine, bodyStart);
    const bodyEnd = next === -1 ? nextPrompt(bodyStart) : next;
    const body = combined.slice(bodyStart, bodyEnd);
    results.push(lineResult(i, lines[i], body));
    tailFrom = bodyEnd;
    at = i + 1 < lines.length ? next : -1;
  }
  // What follows the last command's block: the `exit` line and anything unexpected.
  const after = combined.slice(tailFrom).replace(/^prov> (exit|quit)\s*\n?/, '').replace(/(^|\n)prov> $/, '');
  const trailer = [preamble.trim(), after.trim()].filter(Boolean).join('\n');
  return { exitCode, lines: results, trailer };
}

function lineResult(index: number, line: string, body: string): BatchLineResult {
  let error = parseError(body);
  let status: LineStatus = 'ok';
  const crash = /^Exception in thread .*$/m.exec(body);
  if (error) status = 'error';
  else if (crash) {
    // The JVM died on this line: nothing after it ran.
    status = 'error';
    error = { code: 'zmprov.CRASH', message: crash[0], text: crash[0] };
  } else if (/^usage: /m.test(body) || /can only be used with /m.test(body)) status = 'usage';
  else if (/^Unknown command\. /m.test(body)) status = 'unknown-command';
  const output = body
    .split('\n')
    .filter((l) => !/^ERROR: /.test(l))
    .join('\n')
    .replace(/\n+$/, '');
  return { index, line, status, output, error };
}
