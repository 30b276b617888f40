/**
 * JSON written piece by piece, the same text JSON.stringify makes: a plan of 300,000 accounts
 * (a saved plan, a run's first journal line) is longer than the longest string V8 holds
 * (2^29 - 24 characters), so it is never made one string. Pure.
 */

/** Receives JSON (or a rendering) piece by piece. */
export type Emit = (text: string) => void;

/** Arrays this long are written member by member. */
export const JSON_SPLIT = 64;

/**
 * Between two members of a batch: a string no plan holds (it may not contain `,` or `"`). Its JSON
 * with the commas around it occurs elsewhere only where a member holds the same string: then there
 * is one match more than there are boundaries, and the batch is written member by member instead.
 * A boundary itself is always matched: split takes the leftmost match, and another match can overlap
 * a boundary only by the comma the boundary before it has already taken.
 */
export const JSON_MEMBER_SENTINEL = '\u0000zsplit member boundary\u0000';
const SENTINEL_JSON = `,${JSON.stringify(JSON_MEMBER_SENTINEL)},`;
/** Members stringified per call: one call per member costs about a fifth more in V8 (Node 20). */
const JSON_BATCH = 64;

/**
 * Each member of a long array compact, `sep` between two, exactly as `JSON.stringify(member)`
 * (null for what it cannot write), but stringified 64 at a time with a sentinel between two and
 * split at the sentinels.
 */
export function emitMembers(v: unknown[], sep: string, piece: Emit): void {
  const batch: unknown[] = [];
  for (let start = 0; start < v.length; start += JSON_BATCH) {
    const end = Math.min(v.length, start + JSON_BATCH);
    batch.length = 0;
    // toJSON gets the member's key: its index in the batch would not be the key a member alone gets ("").
    let plain = true;
    for (let k = start; k < end; k++) {
      const m = v[k];
      if (typeof m === 'bigint' || (typeof m === 'object' && m !== null && typeof (m as { toJSON?: unknown }).toJSON === 'function')) plain = false;
      if (k > start) batch.push(JSON_MEMBER_SENTINEL);
      batch.push(m);
    }
    const parts = plain ? batchParts(batch) : [];
    if (start > 0) piece(sep);
    // The batch as one flat piece: 64 pieces each were 400,000 calls into the sink for 100,000 placeholders.
    if (parts.length === end - start) piece(parts.join(sep));
    else for (let k = start; k < end; k++) piece(`${k > start ? sep : ''}${JSON.stringify(v[k]) ?? 'null'}`);
  }
}

/** A batch's members as JSON, split at the sentinels; none when together they are longer than a string (each is then written alone). */
function batchParts(batch: unknown[]): string[] {
  try {
    return JSON.stringify(batch).slice(1, -1).split(SENTINEL_JSON);
  } catch (e) {
    if (e instanceof RangeError) return [];
    throw e;
  }
}

/** An object written member by member (its own keys, in order), not one to hand to JSON.stringify. */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify leaves out of an object. */
export function omitted(e: unknown): boolean {
  return e === undefined || typeof e === 'function' || typeof e === 'symbol';
}

/**
 * `JSON.stringify(v)`, compact, in pieces: objects down to `depth` levels key by key, and arrays
 * member by member. A journal's run record (record, plan, answers) needs three.
 */
export function emitCompact(v: unknown, piece: Emit, depth = 3): void {
  if (Array.isArray(v)) {
    piece('[');
    emitMembers(v, ',', piece);
    piece(']');
    return;
  }
  if (depth > 0 && isPlainRecord(v)) {
    let first = true;
    for (const k of Object.keys(v)) {
      const e = v[k];
      if (omitted(e)) continue;
      piece(`${first ? '{' : ','}${JSON.stringify(k)}:`);
      first = false;
      emitCompact(e, piece, depth - 1);
    }
    piece(first ? '{}' : '}');
    return;
  }
  piece(JSON.stringify(v) ?? 'null');
}
