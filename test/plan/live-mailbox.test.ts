// A primary setup never reroutes a live Zimbra mailbox: an address of the peer list that is a real
// mailbox (or an alias of one) is refused before anything runs.
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/model/types.js';
import { primaryPlanAnswers } from '../helpers/answers.js';
import { plan, probeRequests } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import { entryKey } from '../../src/zimbra/commands.js';
import { classifyAccount, CLASSIFY_ATTRS } from '../../src/zimbra/placeholder.js';
import { primaryAnswers, simWorld } from '../helpers/sim.js';
import { refusalOf } from '../helpers/refused.js';

const LIVE = { zimbraAccountStatus: ['active'], zimbraMailTransport: ['lmtp:zimbra.example.com:7025'], zimbraMailDeliveryAddress: ['alice@example.com'] };
const PLACEHOLDER = { zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'], zimbraMailDeliveryAddress: ['carol@example.com'] };

describe('classifyAccount', () => {
  it('tells placeholders from live mailboxes and aliases', () => {
    expect(classifyAccount('x@example.com', null)).toEqual({ kind: 'absent' });
    expect(classifyAccount('carol@example.com', PLACEHOLDER)).toEqual({ kind: 'placeholder' });
    expect(classifyAccount('alice@example.com', LIVE)).toMatchObject({ kind: 'live', why: 'zimbraAccountStatus active' });
    // locked, but Zimbra still delivers into the mailbox: a locked user, not a placeholder
    expect(classifyAccount('alice@example.com', { ...LIVE, zimbraAccountStatus: ['locked'] })).toMatchObject({ kind: 'live', why: expect.stringContaining('lmtp:zimbra.example.com:7025') });
    // routed away, but someone logged in: in use
    expect(classifyAccount('carol@example.com', { ...PLACEHOLDER, zimbraLastLogonTimestamp: ['20250101000000Z'] })).toMatchObject({ kind: 'live' });
    expect(classifyAccount('ali@example.com', LIVE)).toEqual({ kind: 'alias', of: 'alice@example.com', ofClass: 'live' });
    expect(classifyAccount('caro@example.com', PLACEHOLDER)).toEqual({ kind: 'alias', of: 'carol@example.com', ofClass: 'placeholder' });
    // attribute names as any case
    expect(classifyAccount('carol@example.com', { zimbraaccountstatus: ['LOCKED'], ZIMBRAMAILTRANSPORT: ['smtp:[mail.example.com]:25'] })).toEqual({ kind: 'placeholder' });
  });
});

function primary(addresses: string[]): Answers {
  return primaryPlanAnswers(addresses.map((address) => ({ address, aliases: [] })));
}

function observedWith(entries: Record<string, Record<string, string[]> | null>): Observed {
  return { entries: Object.fromEntries(Object.entries(entries).map(([name, attrs]) => [entryKey({ kind: 'account', name }), attrs])) };
}

describe('primary setup planning against a live mailbox', () => {
  it('probes what the classification reads for every placeholder', () => {
    const a = primary(['alice@example.com']);
    const req = probeRequests(plan('setup', a).steps, a, 'setup').find((r) => r.entry.name === 'alice@example.com')!;
    for (const attr of CLASSIFY_ATTRS) expect(req.attrs).toContain(attr);
  });

  it('refuses a live mailbox and an alias of one, naming the flag, the addresses and the fix', () => {
    const a = primary(['alice@example.com', 'ali@example.com', 'carol@example.com', 'new@example.com']);
    const o = observedWith({ 'alice@example.com': LIVE, 'ali@example.com': LIVE, 'carol@example.com': PLACEHOLDER, 'new@example.com': null });
    const refused = refusalOf(() => plan('setup', a, o));
    const text = refused.message;
    expect(text).toContain('--peer-accounts');
    expect(text).toContain('alice@example.com (zimbraAccountStatus active)');
    expect(text).toContain('ali@example.com (an alias of alice@example.com)');
    expect(text).not.toContain('carol@example.com');
    expect(text).not.toContain('new@example.com');
    expect(text).toMatch(/remove/i);
    expect(text).toMatch(/cutover --direction to-peer/);
  });

  it('refuses a peer alias that is already an address of a live mailbox; keeps one that is the placeholder\'s own', () => {
    const a: Answers = { ...primary([]), peerAccounts: [{ address: 'carol@example.com', aliases: ['caro@example.com', 'alice@example.com'] }] };
    const req = probeRequests(plan('setup', a).steps, a, 'setup').find((r) => r.entry.name === 'alice@example.com');
    expect(req?.attrs).toEqual(expect.arrayContaining([...CLASSIFY_ATTRS]));
    const o = observedWith({ 'carol@example.com': PLACEHOLDER, 'caro@example.com': PLACEHOLDER, 'alice@example.com': LIVE });
    expect(() => plan('setup', a, o)).toThrow(/alice@example.com, listed as an alias of carol@example.com \(zimbraAccountStatus active\)/);
    const ok: Answers = { ...a, peerAccounts: [{ address: 'carol@example.com', aliases: ['caro@example.com'] }] };
    expect(() => plan('setup', ok, o)).not.toThrow();
  });

  it('accepts an existing placeholder, and a half-made one the interrupted run created itself', () => {
    const a = primary(['carol@example.com', 'u03@example.com']);
    const halfMade = { zimbraAccountStatus: ['locked'], zimbraMailTransport: ['lmtp:zimbra.example.com:7025'], zimbraMailDeliveryAddress: ['u03@example.com'] };
    const o = observedWith({ 'carol@example.com': PLACEHOLDER, 'u03@example.com': halfMade });
    expect(() => plan('setup', a, o)).toThrow(/u03@example.com/);
    const p = plan('setup', a, o, { createdByRun: new Set(['u03@example.com']) });
    expect(p.steps.find((s) => s.id === 'placeholder.transport:u03@example.com')?.before).toEqual(['lmtp:zimbra.example.com:7025']);
  });
});

describe('apply setup --role primary with a live mailbox in --peer-accounts', () => {
  it('exits 2 before anything runs; alice keeps her Zimbra delivery', () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const accounts = w.file('peer.txt', 'alice@example.com\nu01@example.com\n');
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(r.code, r.err + r.out).toBe(2);
    expect(r.err).toMatch(/--peer-accounts/);
    expect(r.err).toMatch(/alice@example\.com/);
    expect(r.out).not.toMatch(/APPLIED|unchanged/);
    expect(w.state()).toBe(before);
    expect(w.json().accounts['alice@example.com'].zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
  });

  it('a second primary setup over its own placeholders changes nothing', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\nu02@example.com\n');
    expect(w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']).code).toBe(0);
    const again = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']);
    expect(again.code, again.err + again.out).toBe(0);
    expect(again.out).toMatch(/COMPLETED: 0 applied/);
  });
});

describe('the flow model from probes that ga resolved through an alias', () => {
  it('makes the alias an address of its account, not an account of its own', async () => {
    const { directoryFromObserved } = await import('../../src/plan/flowcheck.js');
    const a = primary(['carol@example.com']);
    const d = directoryFromObserved(a, observedWith({ 'carol@example.com': PLACEHOLDER, 'caroline@example.com': PLACEHOLDER }));
    expect(d.accounts['caroline@example.com']).toBeUndefined();
    expect(d.accounts['carol@example.com'].zimbraMailAlias).toEqual(['caroline@example.com']);
    expect(d.accounts['carol@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
  });
});
