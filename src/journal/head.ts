/**
 * A run's record without its plan. Listing runs (`status`, the wizard's start, choosing the run
 * to resume or roll back) needs the run's own fields and its results, not the plan that fills
 * most of its first line (160 MB at 100,000 accounts): parsed, that plan cost 3 s and 700 MB per
 * listing. The plan is read when a command uses it.
 */
import { readSync } from 'node:fs';

/** The run's own fields come first on its line and are short; the plan is its last field. */
const HEAD_BYTES = 64 * 1024;
const SCAN_BYTES = 8 << 20;
const PLAN_KEY = ',"plan":{';
/** The plan's short fields, then its answers' first field: the domains (render order of the engine). */
const DOMAINS = /^,"plan":\{(?:"\w+":(?:"[^"\\]*"|-?\d+|true|false|null),)*"answers":\{"domains":(\[(?:"[^"\\]*"(?:,"[^"\\]*")*)?\])/;

export interface RunHead {
  /** The run record's fields but its plan. */
  fields: Record<string, unknown>;
  /** The domains of the plan's answers. */
  domains: string[];
  /** Byte offset of the journal's second line. */
  next: number;
}

/**
 * The head of a journal whose first line is a run record written by zsplit (its plan last, a
 * complete line): undefined for anything else, which is then read whole and judged as before.
 * A `"` inside a JSON string is always escaped, so the first `,"plan":{` is the record's own key.
 */
export function readRunHead(fd: number): RunHead | undefined {
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  const n = readSync(fd, head, 0, HEAD_BYTES, 0);
  const text = head.subarray(0, n).toString('utf8');
  if (!text.startsWith('{"t":"run",')) return undefined;
  const at = text.indexOf(PLAN_KEY);
  if (at < 0) return undefined;
  const domains = DOMAINS.exec(text.slice(at));
  if (!domains) return undefined;
  try {
    const fields = JSON.parse(`${text.slice(0, at)}}`) as Record<string, unknown>;
    const list = JSON.parse(domains[1]) as string[];
    const end = lineEnd(fd, Buffer.byteLength(text.slice(0, at)));
    // A line that does not close its plan and its record was cut: read whole, it is reported.
    if (end === undefined || typeof fields.runId !== 'string') return undefined;
    return { fields, domains: list, next: end + 1 };
  } catch {
    return undefined;
  }
}

/** Offset of the first newline from `from`, when the two bytes before it close the plan and the record. */
function lineEnd(fd: number, from: number): number | undefined {
  const buf = Buffer.allocUnsafe(SCAN_BYTES);
  let last2 = '';
  for (let pos = from; ; ) {
    const n = readSync(fd, buf, 0, SCAN_BYTES, pos);
    if (n === 0) return undefined;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) {
      const before = (last2 + buf.subarray(Math.max(0, nl - 2), nl).toString('latin1')).slice(-2);
      return before === '}}' ? pos + nl : undefined;
    }
    last2 = buf.subarray(Math.max(0, n - 2), n).toString('latin1');
    pos += n;
  }
}
