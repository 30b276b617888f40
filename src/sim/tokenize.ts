/**
 * An independent re-implementation of Zimbra's StringUtil.parseLine / readLine
 * (zm-mailbox common/src/java/com/zimbra/common/util/StringUtil.java), the tokenizer
 * that `zmprov -f` and interactive zmprov apply to every input line (zimbra.md §2.1).
 * Kept separate from src/zimbra/quote.ts on purpose: it is the oracle our quoting is tested against.
 */

/**
 * Java's Character.isWhitespace(char): Unicode space separators except the no-break ones,
 * line/paragraph separators, and the ASCII controls TAB..CR and FS..US.
 */
export function isJavaWhitespace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return true;
  if (c < 0x80) return false;
  if (c === 0xa0 || c === 0x2007 || c === 0x202f) return false;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

const enum Term {
  Whitespace,
  Single,
  Double,
}

/**
 * Splits one logical line into words. Mirrors the Java state machine exactly, including its
 * quirks: a quote only opens a word at its start (`a'b` is one word `a'b`), a closing quote
 * ends the word at once (`'a'b` is `a`, `b`), `''` is a real empty word, a backslash before
 * an ordinary character is dropped, a lone trailing backslash is kept, `#` is not special.
 * Works on UTF-16 code units, like Java's charAt.
 */
export function parseLine(line: string): string[] {
  const result: string[] = [];
  let sb = '';
  let term = Term.Whitespace;
  let inStr = false;
  let i = 0;
  while (i < line.length) {
    let ch = line[i++];
    let escapedTerm = false;
    if (ch === '\\' && i < line.length) {
      ch = line[i++];
      switch (ch) {
        case '\\':
          break;
        case 'n':
          ch = '\n';
          escapedTerm = true;
          break;
        case 't':
          ch = '\t';
          escapedTerm = true;
          break;
        case 'r':
          ch = '\r';
          escapedTerm = true;
          break;
        case "'":
        case '"':
          escapedTerm = true;
          break;
        default:
          // The backslash is dropped; an escaped whitespace char is kept literally.
          escapedTerm = isJavaWhitespace(ch);
          break;
      }
    }
    if (inStr) {
      if (
        !escapedTerm &&
        ((term === Term.Whitespace && isJavaWhitespace(ch)) ||
          (term === Term.Single && ch === "'") ||
          (term === Term.Double && ch === '"'))
      ) {
        inStr = false;
        result.push(sb);
        sb = '';
        term = Term.Whitespace;
        continue;
      }
      sb += ch;
    } else if (!escapedTerm) {
      if (ch === "'") {
        term = Term.Single;
        inStr = true;
      } else if (ch === '"') {
        term = Term.Double;
        inStr = true;
      } else if (!isJavaWhitespace(ch)) {
        inStr = true;
        sb += ch;
      }
    } else {
      inStr = true;
      sb += ch;
    }
  }
  // An unterminated quote still yields its text, but an empty one yields nothing (Java: sb.length() > 0).
  if (sb.length > 0) result.push(sb);
  return result;
}

/** Where interactive zmprov reads its lines from: a string, a pipe read as it arrives, a queue. */
export interface LineSource {
  /** The next physical line without its terminator; null at end of input. May block. */
  readLine(): string | null;
}

/** java.io.BufferedReader.readLine over a string: \n, \r and \r\n end a line; null at EOF. */
export class LineReader implements LineSource {
  private pos = 0;
  constructor(private readonly text: string) {}

  readLine(): string | null {
    if (this.pos >= this.text.length) return null;
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\n' || c === '\r') {
        const line = this.text.slice(start, this.pos);
        this.pos += c === '\r' && this.text[this.pos + 1] === '\n' ? 2 : 1;
        return line;
      }
      this.pos++;
    }
    return this.text.slice(start);
  }
}

/**
 * StringUtil.readLine: a physical line ending in `\` continues on the next one (the backslash
 * is removed); an empty line ends the logical line; null only at EOF with nothing read.
 */
export function readLogicalLine(reader: LineSource): string | null {
  let sb: string | null = null;
  let line: string | null;
  while ((line = reader.readLine()) !== null) {
    if (line.length === 0) break;
    if (line.endsWith('\\')) {
      sb = (sb ?? '') + line.slice(0, -1);
      continue;
    }
    break;
  }
  if (line === null) return sb;
  return sb === null ? line : sb + line;
}
