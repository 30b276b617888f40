import { describe, expect, it } from 'vitest';
import { route } from '../../src/flow/route.js';
import { formatTrace, summarizeTrace, traceRow, tracePath, wrap } from '../../src/flow/format.js';
import { BAR, primaryInput, secondaryInput, withPeer } from './fixtures.js';

describe('formatTrace', () => {
  const t = route(primaryInput(), BAR, 'internet');

  it('renders hop by hop with arrows and the outcome with its reason', () => {
    const lines = formatTrace(t, { width: 200 });
    expect(lines).toEqual([
      'bar@example.com, from the Internet',
      '   Internet',
      '     MX example.com: -> Zimbra MTA zimbra.example.com',
      '-> Zimbra MTA zimbra.example.com <bar@example.com>',
      '     RCPT TO <bar@example.com>: virtual_alias_maps, virtual_mailbox_maps: listed: account bar@example.com (zimbraMailStatus enabled, zimbraAccountStatus locked)',
      '     transport_maps bar@example.com: account zimbraMailTransport smtp:[mail.example.com]:25',
      '-> peer MTA mail.example.com <bar@example.com>',
      '     recipient bar@example.com: local mailbox',
      '-> peer mailbox mail.example.com <bar@example.com>',
      '     deliver: stored in bar@example.com',
      '=> DELIVERED on the peer: delivered to the peer mailbox bar@example.com on mail.example.com',
    ]);
  });

  it.each([40, 60, 80])('fits %i columns', (width) => {
    const loop = route(withPeer(secondaryInput(), { mode: 'forward-unknown' }), 'nobody@example.com', 'internet');
    const seed = route(secondaryInput({ transport: 'smtp:mail.example.com:25' }), BAR, 'zimbra');
    for (const x of [t, loop, seed]) {
      const lines = formatTrace(x, { width });
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
    }
  });

  it('shows a loop with its cycle, and notes', () => {
    const loop = formatTrace(route(withPeer(secondaryInput(), { mode: 'forward-unknown' }), 'nobody@example.com', 'internet'), { width: 400 });
    expect(loop.some((l) => l.startsWith('=> LOOP: mail loops: peer MTA mail.example.com <nobody@example.com> -> Zimbra MTA'))).toBe(true);
    const noted = formatTrace(route(secondaryInput({ transport: 'smtp:mail.example.com:25' }), BAR, 'zimbra'), { width: 400 });
    expect(noted.at(-1)).toMatch(/^note: smtp:mail\.example\.com:25 \(domain\) has no brackets/);
  });

  it('wraps with a hanging indent and cuts words longer than a line', () => {
    expect(wrap('aaa bbb ccc', 8, '> ', '  ')).toEqual(['> aaa', '  bbb', '  ccc']);
    const long = wrap('x'.repeat(30), 12, '', '');
    expect(long.every((l) => l.length <= 12)).toBe(true);
    expect(long.join('')).toBe('x'.repeat(30));
  });
});

describe('one-line summary', () => {
  it('names the result, the entry, the address and the path', () => {
    const t = route(primaryInput(), BAR, 'internet');
    expect(tracePath(t)).toBe('Internet > Zimbra MTA > peer MTA > peer store');
    expect(summarizeTrace(t, { width: 200 })).toBe('ok peer   internet bar@example.com  Internet > Zimbra MTA > peer MTA > peer store');
    const cut = summarizeTrace(t, { width: 40 });
    expect(cut).toHaveLength(40);
    expect(cut.endsWith('...')).toBe(true);
  });

  it('a Zimbra user sending is the first step of the path', () => {
    const t = route(secondaryInput({ transport: null }), BAR, 'zimbra');
    expect(traceRow(t)).toMatchObject({ result: 'BOUNCED', path: 'Zimbra user > Zimbra MTA', outcome: 'bounced' });
  });
});
