/**
 * Plain-text renderings of a trace: hop by hop for `zsplit trace ADDRESS`, and one line for a table
 * row (the wizard's Review screen). ASCII only, no colour: fits NO_COLOR and any console.
 */
import { SYSTEM_LABEL, type EntryPoint, type FlowSystem, type Hop, type Outcome, type Trace } from './trace.js';

export const OUTCOME_LABEL: Record<Outcome, string> = {
  'delivered-zimbra': 'DELIVERED on Zimbra',
  'delivered-peer': 'DELIVERED on the peer',
  rejected: 'REJECTED',
  bounced: 'BOUNCED',
  loop: 'LOOP',
  external: 'LEAVES for another host',
};

const FROM_TEXT: Record<EntryPoint, string> = {
  internet: 'from the Internet',
  zimbra: 'sent by a Zimbra user',
  peer: 'sent by a peer user',
};

const SHORT: Record<FlowSystem, string> = {
  internet: 'Internet',
  'zimbra-mta': 'Zimbra MTA',
  'zimbra-mailbox': 'Zimbra store',
  'peer-mta': 'peer MTA',
  'peer-mailbox': 'peer store',
};

const SENDER: Record<EntryPoint, string> = {
  internet: 'Internet',
  zimbra: 'Zimbra user',
  peer: 'peer user',
};

/** Word-wraps `text` to `width`: the first line starts with `first`, the others with `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (prefix: string) => Math.max(10, width - prefix.length);
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > room(rest)) {
      // a word longer than a whole line: cut it
      if (!empty) {
        lines.push(line);
        line = rest;
      }
      const cut = Math.max(1, width - line.length);
      lines.push(line + word.slice(0, cut));
      word = word.slice(cut);
      line = rest;
      empty = true;
    }
    if (word === '') continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

interface Block {
  system: FlowSystem;
  host: string;
  address: string;
  hops: Hop[];
}

function blocks(hops: Hop[]): Block[] {
  const out: Block[] = [];
  for (const h of hops) {
    const last = out[out.length - 1];
    if (last && last.system === h.system && last.host === h.host) last.hops.push(h);
    else out.push({ system: h.system, host: h.host, address: h.address, hops: [h] });
  }
  return out;
}

export interface FormatOptions {
  /** Terminal width; 80 when not given. */
  width?: number;
}

/**
 * The trace hop by hop:
 *
 *     bar@example.com, from the Internet
 *        Internet
 *          MX example.com: -> Zimbra MTA zimbra.example.com
 *     -> Zimbra MTA zimbra.example.com <bar@example.com>
 *          transport_maps bar@example.com: account zimbraMailTransport
 *            smtp:[mail.example.com]:25
 *     ...
 *     => DELIVERED on the peer: delivered to the peer mailbox bar@example.com on mail.example.com
 */
export function formatTrace(trace: Trace, options: FormatOptions = {}): string[] {
  const width = Math.max(40, options.width ?? 80);
  const out: string[] = [];
  out.push(...wrap(`${trace.address}, ${FROM_TEXT[trace.from]}`, width, '', '  '));
  hopLines(trace, width, '', out, true);
  out.push(...wrap(`${OUTCOME_LABEL[trace.outcome]}: ${trace.reason}`, width, '=> ', '   '));
  for (const n of trace.notes) out.push(...wrap(n, width, 'note: ', '      '));
  return out;
}

/** The hops, then each list member's walk on from the list, indented under `member ...`. */
function hopLines(trace: Trace, width: number, indent: string, out: string[], first: boolean): void {
  blocks(trace.hops).forEach((b, i) => {
    const where = b.host ? `${SYSTEM_LABEL[b.system]} ${b.host}` : SYSTEM_LABEL[b.system];
    const head = b.system === 'internet' && i === 0 && first ? where : `${where} <${b.address}>`;
    out.push(...wrap(head, width, indent + (i === 0 && first ? '   ' : '-> '), `${indent}     `));
    for (const h of b.hops) out.push(...wrap(`${h.lookup}: ${h.decision}`, width, `${indent}     `, `${indent}       `));
  });
  for (const mb of trace.members ?? []) {
    const more = mb.addresses.length > 6 ? `, ... (${mb.addresses.length} members)` : '';
    const who = mb.addresses.slice(0, 6).join(', ') + more;
    out.push(...wrap(`member ${who}: ${OUTCOME_LABEL[mb.trace.outcome]}`, width, `${indent}   + `, `${indent}     `));
    hopLines(mb.trace, width, `${indent}   | `, out, false);
    out.push(...wrap(`${OUTCOME_LABEL[mb.trace.outcome]}: ${mb.trace.reason}`, width, `${indent}   | => `, `${indent}   |    `));
    for (const n of mb.trace.notes) out.push(...wrap(n, width, `${indent}   | note: `, `${indent}   |       `));
  }
}

/** The systems the message went through, as `Internet > Zimbra MTA > peer MTA > peer store`. */
export function tracePath(trace: Trace): string {
  const parts: string[] = [SENDER[trace.from]];
  let prev: FlowSystem | undefined;
  trace.hops.forEach((h, i) => {
    if (i === 0 && (h.system === 'internet' || h.system === 'zimbra-mailbox' || h.system === 'peer-mailbox')) {
      prev = h.system;
      return;
    }
    if (h.system !== prev) parts.push(SHORT[h.system]);
    prev = h.system;
  });
  return parts.join(' > ');
}

export interface TraceRow {
  address: string;
  from: EntryPoint;
  path: string;
  outcome: Outcome;
  /** Short outcome for a narrow column. */
  result: string;
  reason: string;
}

const RESULT: Record<Outcome, string> = {
  'delivered-zimbra': 'ok Zimbra',
  'delivered-peer': 'ok peer',
  rejected: 'rejected',
  bounced: 'BOUNCED',
  loop: 'LOOP',
  external: 'external',
};

/** The columns of a table row (the Review screen lays them out itself). */
export function traceRow(trace: Trace): TraceRow {
  return {
    address: trace.address,
    from: trace.from,
    path: tracePath(trace),
    outcome: trace.outcome,
    result: RESULT[trace.outcome],
    reason: trace.reason,
  };
}

/** One line: `ok peer   internet bar@example.com  Internet > Zimbra MTA > peer MTA > peer store`, cut to width. */
export function summarizeTrace(trace: Trace, options: FormatOptions = {}): string {
  const width = Math.max(20, options.width ?? 80);
  const row = traceRow(trace);
  const line = `${row.result.padEnd(10)}${row.from.padEnd(9)}${row.address}  ${row.path}`;
  return line.length <= width ? line : `${line.slice(0, width - 3)}...`;
}
