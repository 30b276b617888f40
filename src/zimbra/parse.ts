/** Parsers for what zmprov really prints (zimbra.md §2.1, §3). Pure. */

export type Attrs = Record<string, string[]>;

export interface ParsedEntry {
  name: string;
  attrs: Attrs;
}

/** An attribute line as ProvUtil.printAttr writes it: `name: value`, or `name:: base64` for binary values. */
const ATTR_LINE = /^([A-Za-z][A-Za-z0-9-]*)(::?) (.*)$/;
const HEADER = /^# name (.*)$/;

/**
 * Entry dumps (`ga`, `gd`, `gs`, `gaa -v`): `# name X`, then `attr: value` lines
 * (repeated for multi-valued attributes), a blank line after each entry.
 * `gacf`/`gcf` output has no header: it comes back as one entry named ''.
 * As ProvUtil.printAttr prints them: a value with newlines goes out as it is, so a line that is
 * no attribute line continues the value before it (a blank line too, when the value goes on
 * after it); a binary value is `name:: ` and base64 in 76-character lines (encodeBase64Chunked).
 */
export function parseEntries(stdout: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  let current: ParsedEntry | undefined;
  let attr: string | undefined;
  let base64 = false;
  let parts: string[] = [];
  const flush = () => {
    if (attr === undefined || !current) return;
    const value = base64 ? Buffer.from(parts.join(''), 'base64').toString('utf8') : parts.join('\n');
    (current.attrs[attr] ??= []).push(value);
    attr = undefined;
    parts = [];
  };
  const lines = stdout.split('\n');
  const startsSomething = (l: string) => HEADER.test(l) || ATTR_LINE.test(l);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.startsWith('Warn: ')) continue; // deprecation notices print on stdout
    const header = HEADER.exec(line);
    if (header) {
      flush();
      current = { name: header[1].trim(), attrs: {} };
      entries.push(current);
      continue;
    }
    const m = ATTR_LINE.exec(line);
    if (m) {
      flush();
      if (!current) {
        current = { name: '', attrs: {} };
        entries.push(current);
      }
      attr = m[1];
      base64 = m[2] === '::';
      parts = [m[3]];
      continue;
    }
    if (attr === undefined) continue;
    if (line === '') {
      // The entry's end, unless the value goes on after the blank line(s).
      let j = i + 1;
      while (j < lines.length && lines[j].replace(/\r$/, '') === '') j++;
      if (j >= lines.length || startsSomething(lines[j].replace(/\r$/, ''))) {
        flush();
        i = j - 1;
        continue;
      }
    }
    parts.push(line);
  }
  flush();
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

/** Where verbose mode's stack trace (printed after the error) or the next prompt begins. */
const AFTER_ERROR = /^(\tat |Caused by: |prov> |[a-z][\w$]*(\.[\w$]+)+(Exception|Error)(: |$))/;

const count = (s: string, c: string) => s.split(c).length - 1;

/**
 * `ERROR: account.NO_SUCH_ACCOUNT (no such account: x@example.com)`, as ProvUtil prints it:
 * `ERROR: ` + code + ` (` + message + `)`, then ` (cause: ` + class + ` ` + message + `)` when
 * there is a cause. Message and cause are printed as they are and may span lines: the error
 * ends at the first line end where its parentheses balance (or, failing that, the first one
 * that closes a parenthesis), before any stack trace.
 */
export function parseError(text: string): ZmprovError | undefined {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (!/^ERROR: [A-Za-z0-9_.]+ \(/.test(first)) continue;
    let acc = first;
    let closes: string | undefined;
    for (let j = i; j < lines.length; j++) {
      if (j > i) {
        if (AFTER_ERROR.test(lines[j])) break;
        acc += `\n${lines[j]}`;
      }
      const t = acc.trimEnd();
      if (!t.endsWith(')')) continue;
      closes ??= t;
      if (count(t, '(') === count(t, ')')) {
        closes = t;
        break;
      }
    }
    const whole = closes ?? first;
    const m = /^ERROR: ([A-Za-z0-9_.]+) \(([\s\S]*)\)$/.exec(whole);
    if (m) {
      // Strip a trailing "(cause: ...)" group that sits inside the outer parentheses.
      const message = m[2].replace(/\) \(cause: [\s\S]*$/, '');
      return { code: m[1], message, text: whole };
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
  const output = (error ? body.replace(error.text, '') : body)
    .split('\n')
    .filter((l) => !/^ERROR: /.test(l))
    .join('\n')
    .replace(/\n+$/, '');
  return { index, line, status, output, error };
}

/** What a streamed listing held besides its entries, kept to judge the line: at most this much. */
const OTHER_MAX = 64 * 1024;

/**
 * Entry dumps read as they arrive (a `gaa -v -e` listing of a domain too large to hold as one
 * string): the text is cut before each `# name` line and each entry parsed alone, which gives what
 * parseEntries gives for the whole text (a `# name` line always starts an entry, and an entry's
 * end is judged within it). `other` keeps the text before the first entry and from the first line
 * that starts with `ERROR: ` on (bounded): what tells an error or a usage text from a listing.
 */
export class EntryStream {
  readonly entries: ParsedEntry[] = [];
  other = '';
  private entry = '';
  private partial = '';
  private inEntry = false;
  private erred = false;

  push(text: string): void {
    const data = this.partial + text;
    const last = data.lastIndexOf('\n');
    if (last === -1) {
      this.partial = data;
      return;
    }
    this.partial = data.slice(last + 1);
    let from = 0;
    while (from <= last) {
      const nl = data.indexOf('\n', from);
      this.line(data.slice(from, nl + 1));
      from = nl + 1;
    }
  }

  /** The entries, once the answer is complete. */
  end(): ParsedEntry[] {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    this.flush();
    return this.entries;
  }

  /** One line, with its newline (the last may have none). */
  private line(l: string): void {
    if (HEADER.test(l.replace(/\r?\n$/, ''))) {
      this.flush();
      this.inEntry = true;
    }
    if (!this.erred && l.startsWith('ERROR: ')) this.erred = true;
    if ((!this.inEntry || this.erred) && this.other.length < OTHER_MAX) this.other += l;
    if (this.inEntry) this.entry += l;
  }

  private flush(): void {
    if (this.entry) for (const e of parseEntries(this.entry)) this.entries.push(e);
    this.entry = '';
  }
}
