/**
 * The quoting grammars zsplit ever needs. Every argument that crosses a shell (su -c, ssh, the
 * commands shown for the peer), a zmprov batch file or a PowerShell command shown for Exchange or
 * Microsoft 365 goes through exactly one of these.
 */

const CONTROL = /[\u0000-\u001f\u007f]/;

export class UnquotableError extends Error {}

function refuseControl(s: string): void {
  // Control characters (newline above all) would start a new command line in both
  // grammars; validation rejects them earlier, this is the last line of defence.
  if (CONTROL.test(s)) throw new UnquotableError(`refusing to quote a value with a control character: ${JSON.stringify(s)}`);
}

/** POSIX sh single-quoting: the result is one word whose value is exactly `s`. */
export function shQuote(s: string): string {
  refuseControl(s);
  if (s !== '' && /^[A-Za-z0-9@%+=:,./_-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A whole argv as one sh command line. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}

/**
 * Quoting for one word of a zmprov batch line (`zmprov -f`), following
 * StringUtil.parseLine: quotes group, `\\` and `\'` are escapes, a backslash before
 * any other character is dropped, `''` is a real empty argument.
 */
export function zmprovQuote(s: string): string {
  refuseControl(s);
  if (s !== '' && /^[A-Za-z0-9@%+=:,./_[\]-]+$/.test(s)) return s;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * zmprovQuote of the words a large plan repeats in every line (sub-commands, attribute names
 * and values): each quoted once. Bounded: a plan's unique words (addresses) are not kept.
 */
const quotedWords = new Map<string, string>();
function zmprovWord(s: string): string {
  let q = quotedWords.get(s);
  if (q === undefined) {
    q = zmprovQuote(s);
    if (s.length <= 40 && !s.includes('@')) {
      if (quotedWords.size >= 4096) quotedWords.clear();
      quotedWords.set(s, q);
    }
  }
  return q;
}

/** One zmprov batch line from an argv (sub-command first). */
export function zmprovLine(argv: readonly string[]): string {
  let line = zmprovWord(argv[0] ?? '');
  for (let i = 1; i < argv.length; i++) line += ` ${zmprovWord(argv[i])}`;
  return argv.length ? line : '';
}

/**
 * PowerShell verbatim (single-quoted) string: nothing inside expands, so `$(...)`, `$var` and
 * backticks in an address stay text. PowerShell counts the typographic quotes U+2018-U+201B as
 * single quotes too (language specification §2.3.5.2.2); each quote is doubled with itself.
 */
export function psQuote(s: string): string {
  refuseControl(s);
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

/**
 * A value inside an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL are written as
 * `\XX`, so a value is only ever compared, never read as filter syntax. zmprov `sa` takes the
 * filter as given ("query must be already RFC 2254 escaped", ProvUtil.doSearchAccounts).
 */
export function ldapFilterValue(v: string): string {
  return v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
