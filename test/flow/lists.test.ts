/**
 * Issue 14: a Zimbra distribution list reaches every member. Postfix's ldap-vam.cf returns all
 * of the list's zimbraMailForwardingAddress values and Postfix delivers a copy to each, so the
 * trace follows every member and the check reports a member that is lost or loops.
 */
import { describe, expect, it } from 'vitest';
import { route, ENTRY_POINTS } from '../../src/flow/route.js';
import { checkPlan } from '../../src/flow/check.js';
import { formatTrace } from '../../src/flow/format.js';
import type { FlowInput } from '../../src/flow/model.js';
import { BAR, DOMAIN, FOO, placeholder, primaryInput, secondaryInput, withExpectedPeer, withPeer } from './fixtures.js';

const LIST = `team@${DOMAIN}`;
const EXTERNAL = 'partner@other.org';
const GHOST = `ghost@${DOMAIN}`;

function withList(input: FlowInput, members: string[], address = LIST): FlowInput {
  const zimbra = { ...input.zimbra, lists: { ...(input.zimbra.lists ?? {}), [address]: { zimbraMailStatus: ['enabled'], zimbraMailForwardingAddress: members } } };
  return withExpectedPeer({ answers: input.answers, zimbra, mx: input.mx });
}

describe('distribution lists: every member is followed (issue 14)', () => {
  for (const from of ENTRY_POINTS) {
    it(`primary, from ${from}: Zimbra user, peer user, external and missing members each get their own path`, () => {
      const t = route(withList(primaryInput(), [FOO, BAR, EXTERNAL, GHOST]), LIST, from);
      const byAddress = new Map(t.members?.flatMap((mb) => mb.addresses.map((a) => [a, mb.trace.outcome] as const)));
      expect(byAddress.get(FOO)).toBe('delivered-zimbra');
      expect(byAddress.get(BAR)).toBe('delivered-peer');
      expect(byAddress.get(EXTERNAL)).toBe('external');
      expect(byAddress.get(GHOST)).toBe('bounced');
      // the list's outcome is its worst member's
      expect(t.outcome).toBe('bounced');
      expect(t.reason).toContain(GHOST);
    });
  }

  it('members with the same routing are traced once and listed together', () => {
    const input = primaryInput({ peerAccounts: [{ address: BAR, aliases: [] }, { address: `baz@${DOMAIN}`, aliases: [] }] });
    const t = route(withList(input, [BAR, `baz@${DOMAIN}`, FOO]), LIST, 'internet');
    // every member reached: the outcome is the first group's
    expect(t.outcome).toBe('delivered-peer');
    expect(t.members).toHaveLength(2);
    expect(t.members?.find((mb) => mb.addresses.includes(BAR))?.addresses).toEqual([BAR, `baz@${DOMAIN}`]);
  });

  it('the trace text shows each member', () => {
    const lines = formatTrace(route(withList(primaryInput(), [FOO, GHOST]), LIST, 'internet'), { width: 200 }).join('\n');
    expect(lines).toMatch(new RegExp(`member ${FOO}[^\\n]*DELIVERED`, 'i'));
    expect(lines).toMatch(new RegExp(`member ${GHOST}[^\\n]*BOUNCED`, 'i'));
  });

  it('a member that loops makes the list loop, and the check reports it', () => {
    // a placeholder the peer does not host, and a peer that forwards unknowns back to Zimbra
    const base = primaryInput();
    base.zimbra.accounts[`gone@${DOMAIN}`] = placeholder();
    const input = withPeer(withList(base, [FOO, `gone@${DOMAIN}`]), { mode: 'forward-unknown' });
    const t = route(input, LIST, 'zimbra');
    expect(t.outcome).toBe('loop');
    const check = checkPlan(input);
    const f = check.errors.find((e) => e.address === LIST);
    expect(f?.code).toBe('loop');
    expect(f?.message).toContain(`gone@${DOMAIN}`);
  });

  it('a member that is lost is an error of the list in the check', () => {
    const check = checkPlan(withList(primaryInput(), [FOO, GHOST]));
    const f = check.errors.find((e) => e.address === LIST);
    expect(f?.code).toBe('bounced');
    expect(f?.message).toContain(GHOST);
  });

  it('secondary: a missing member goes to the peer, which refuses it: bounced', () => {
    const t = route(withList(secondaryInput(), [FOO, GHOST]), LIST, 'peer');
    expect(t.members?.find((mb) => mb.addresses.includes(GHOST))?.trace.outcome).toBe('bounced');
    expect(t.outcome).toBe('bounced');
  });

  it('a nested list is expanded too, and a list that contains itself does not run away', () => {
    let input = withList(primaryInput(), [FOO, `inner@${DOMAIN}`]);
    input = withList(input, [BAR, LIST], `inner@${DOMAIN}`);
    const t = route(input, LIST, 'internet');
    const inner = t.members?.find((mb) => mb.addresses.includes(`inner@${DOMAIN}`))?.trace;
    expect(inner?.members?.some((mb) => mb.addresses.includes(BAR) && mb.trace.outcome === 'delivered-peer')).toBe(true);
    expect(t.outcome).not.toBe('loop');
  });

  it('a list of many alike members is one walk per routing, not per member', () => {
    const base = primaryInput();
    const many: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const a = `u${i}@${DOMAIN}`;
      base.zimbra.accounts[a] = { ...base.zimbra.accounts[FOO] };
      many.push(a);
    }
    const t = route(withList(base, [...many, BAR]), LIST, 'internet');
    expect(t.outcome).toBe('delivered-zimbra');
    expect(t.members?.map((mb) => mb.addresses.length)).toEqual([5000, 1]);
    expect(checkPlan(withList(base, [...many, BAR])).errors).toEqual([]);
  });
});
