// The files dist/zsplit.mjs carries (the program and its lazily loaded libraries), written after the
// launcher's code as one block comment: the parser only skips a comment, which costs less than
// scanning a string constant of the same 2 MB, and `--version` never reads it. scripts/build-options.mjs
// writes it, with a last line saying where each file is:
//   /*<the texts, one after the other>*/\n//ZSPLIT-FILES {"length":<of the comment's text>,"files":[["name",length],...]}\n
// The texts are ASCII (esbuild's output); each "*/" in them is written "*\x01/" (they hold no \x01).

export const CARRIED_MARK = '*/\n//ZSPLIT-FILES ';
export const ESCAPED_END = '*\x01/';

/** [name, bytes] of each carried file, the program first, from the launcher's own bytes (no copy but where an escape is undone). */
export function carriedFiles(source: Buffer): [string, Buffer][] {
  const at = source.lastIndexOf(CARRIED_MARK, undefined, 'latin1');
  const index = at < 0 ? undefined : (JSON.parse(source.subarray(at + CARRIED_MARK.length).toString('latin1')) as { length: number; files: [string, number][] });
  if (!index || source.subarray(at - index.length - 2, at - index.length).toString('latin1') !== '/*') throw new Error('this file carries no program (cut short?)');
  const escaped = source.subarray(at - index.length, at);
  const pieces: Buffer[] = [];
  let from = 0;
  for (let i = escaped.indexOf(ESCAPED_END, 0, 'latin1'); i >= 0; i = escaped.indexOf(ESCAPED_END, from, 'latin1')) {
    pieces.push(escaped.subarray(from, i), END);
    from = i + ESCAPED_END.length;
  }
  const body = from === 0 ? escaped : Buffer.concat([...pieces, escaped.subarray(from)]);
  let pos = 0;
  const files = index.files.map(([name, n]): [string, Buffer] => [name, body.subarray(pos, (pos += n))]);
  if (pos !== body.length) throw new Error('the carried program is damaged (its sizes differ)');
  return files;
}

const END = Buffer.from('*/', 'latin1');
