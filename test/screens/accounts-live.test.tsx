// Issue 10: the Accounts screen never offers a real Zimbra mailbox as a peer user, and drops single entries.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { isPeerPlaceholder, peerCandidates } from '../../src/wizard/peers.js';
import { KEY, primarySetup, startWizard, throughHosts, world } from './helpers.js';

afterEach(() => cleanup());

describe('peer placeholders (pure)', () => {
  const peer = 'mail.example.com';
  it('only a locked account routed to the peer with no mailbox in use is a placeholder', () => {
    expect(isPeerPlaceholder({ name: 'u', transport: 'smtp:[mail.example.com]:25', status: 'locked' }, peer)).toBe(true);
    expect(isPeerPlaceholder({ name: 'u', transport: 'smtp:mail.example.com', status: 'locked' }, peer)).toBe(true);
    expect(isPeerPlaceholder({ name: 'u', transport: 'lmtp:zimbra.example.com:7025', status: 'active' }, peer)).toBe(false);
    expect(isPeerPlaceholder({ name: 'u', transport: 'lmtp:zimbra.example.com:7025', status: 'locked' }, peer)).toBe(false);
    expect(isPeerPlaceholder({ name: 'u', transport: 'smtp:[mail.example.com]:25', status: 'active' }, peer)).toBe(false);
    expect(isPeerPlaceholder({ name: 'u', transport: 'smtp:[other.example.net]:25', status: 'locked' }, peer)).toBe(false);
    expect(isPeerPlaceholder({ name: 'u', transport: 'smtp:[mail.example.com]:25', status: 'locked', inUse: true }, peer)).toBe(false);
    expect(isPeerPlaceholder({ name: 'u', transport: '', status: 'locked' }, peer)).toBe(false);
  });
  it('splits a live read', () => {
    const r = peerCandidates(
      [
        { name: 'alice@example.com', transport: 'lmtp:z:7025', status: 'active' },
        { name: 'u1@example.com', transport: 'smtp:[mail.example.com]:25', status: 'locked' },
      ],
      peer,
    );
    expect(r).toEqual({ offered: ['u1@example.com'], mailboxes: ['alice@example.com'] });
  });
});

describe('Accounts: read live from Zimbra', () => {
  it('offers no real mailbox (admin, alice, bob) as a peer user, and the cursor does not wait on Continue', async () => {
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.choose('Read live from Zimbra');
    await t.press(KEY.enter);
    const f = await t.waitFor(/Read 3 account\(s\) from Zimbra/);
    expect(t.state().fields.peerAccounts).toBe('');
    expect(f).toContain('0 account(s)');
    expect(f).not.toMatch(/^\s+(admin|alice|bob)@example\.com/m);
    expect(f).toMatch(/real mailbox/);
    expect(f).not.toMatch(/^> Continue/m);
  });

  it('offers the placeholders routed to the peer, and not the real mailboxes next to them', async () => {
    const w = world();
    await primarySetup(w, ['u1@example.com', 'u2@example.com']);
    const t = startWizard({ dir: w.dir });
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.choose('Read live from Zimbra');
    await t.press(KEY.enter);
    const f = await t.waitFor(/Read 5 account\(s\) from Zimbra/);
    const lines = t.state().fields.peerAccounts.split('\n').filter(Boolean).sort();
    expect(lines).toEqual(['u1@example.com', 'u2@example.com']);
    expect(f).not.toMatch(/^\s+alice@example\.com/m);
  });

  it('drops single entries of the list', async () => {
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.press(KEY.enter);
    await t.waitFor('Type an address and Enter');
    await t.type('carol@example.com\rdave@example.com\rerin@example.com\r');
    await t.press(KEY.enter);
    await t.waitFor('3 account(s)');
    await t.choose('Remove single entries');
    await t.press(KEY.enter);
    await t.waitFor(/> carol@example\.com/);
    await t.press(KEY.down);
    await t.waitFor(/> dave@example\.com/);
    await t.press('d');
    const f = await t.waitFor('2 account(s)');
    expect(f).toContain('Removed dave@example.com.');
    expect(f).not.toMatch(/^[ >] dave@example\.com/m);
    expect(t.state().fields.peerAccounts.split('\n').filter(Boolean)).toEqual(['carol@example.com', 'erin@example.com']);
    await t.press(KEY.esc);
    await t.waitFor(/^> Continue with 2 account/m);
  });
});
