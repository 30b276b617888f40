// Cutover (pick, search, file, wave name, waves view, roll back one wave) and Unsplit (the check first).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { JournalStore } from '../../src/journal/journal.js';
import { KEY, primarySetup, startWizard, world } from './helpers.js';

afterEach(() => cleanup());

/** From the start screen through Role (primary, postfix) and Hosts, for a job of the start menu. */
async function toJob(t: ReturnType<typeof startWizard>, item: string): Promise<void> {
  await t.waitFor(item);
  await t.choose(item);
  await t.press(KEY.enter);
  await t.waitFor("Zimbra's role");
  await t.press(KEY.enter);
  await t.choose('Postfix');
  await t.press(KEY.enter);
  await t.waitFor('Hosts and addresses');
  if (!t.state().fields.peerHost) {
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    await t.type('mail.example.com');
    await t.press(KEY.down, KEY.down);
    await t.type('192.0.2.10');
    await t.press(KEY.down, KEY.down);
  }
  await t.waitFor(/^> \[ Continue \]/m);
  await t.press(KEY.enter);
}

describe('Cutover', () => {
  it('picks users among the placeholders read live (search, space), names the wave, previews and applies it', async () => {
    const w = world();
    await primarySetup(w, ['carol@example.com', 'dave@example.com', 'erin@example.com']);
    const t = startWizard({ dir: w.dir });
    await toJob(t, 'Cut over users');
    let f = await t.waitFor('Cut over users to Zimbra (placeholders routed to mail.example.com)');
    expect(f).toContain('shown 3 of 6 account(s)');
    for (const u of ['carol', 'dave', 'erin']) expect(f).toContain(`[ ] ${u}@example.com`);
    expect(f).not.toContain('alice@example.com');
    // Enter with nobody selected says what to do
    await t.press(KEY.enter);
    await t.waitFor('Select at least one user (Space)');
    // search
    await t.press('/');
    await t.waitFor('Search:');
    await t.type('carol');
    f = await t.waitFor('shown 1 of 6');
    await t.press(KEY.enter);
    await t.press(KEY.space);
    await t.waitFor('[x] carol@example.com');
    await t.press('/');
    await t.waitFor('Search:');
    for (let i = 0; i < 5; i++) await t.press(KEY.backspace);
    await t.press(KEY.enter);
    await t.waitFor('shown 3 of 6');
    await t.press(KEY.down, KEY.space);
    f = await t.waitFor('selected 2');
    expect(f).toContain('[x] dave@example.com');
    // the wave's name
    await t.press('w');
    await t.waitFor('Wave name:');
    for (let i = 0; i < 6; i++) await t.press(KEY.backspace);
    await t.type('pilot');
    await t.press(KEY.enter);
    await t.waitFor('Wave: pilot');
    await t.press(KEY.enter);
    f = await t.waitFor('Mail flow after the plan');
    expect(f).toContain('Wave      pilot: 2 user(s) to-zimbra');
    expect(f).toMatch(/ok Zimbra\s+internet\s+carol@example\.com/);
    await t.press(KEY.enter);
    f = await t.waitFor('Preview:');
    expect(f).toContain('Deliver carol@example.com in Zimbra (lmtp:zimbra.example.com:7025)');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    f = await t.waitFor('Cutover: COMPLETED');
    // transport, status and the GAL (the placeholders were hidden from it) of two users
    expect(f).toContain('6 applied');
    const s = t.sim();
    expect(s.accounts['carol@example.com'].zimbraHideInGal ?? []).toEqual([]);
    expect(s.accounts['carol@example.com'].zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
    expect(s.accounts['carol@example.com'].zimbraAccountStatus).toEqual(['active']);
    expect(s.accounts['erin@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
  });

  it('reads the users from a file, and the waves view rolls one wave back', async () => {
    const w = world();
    await primarySetup(w, ['carol@example.com', 'dave@example.com']);
    const users = w.file('wave.txt', 'carol@example.com\ndave@example.com\n');
    const t = startWizard({ dir: w.dir });
    await toJob(t, 'Cut over users');
    await t.waitFor('Cut over users to Zimbra');
    await t.press('f');
    await t.waitFor('File with one address per line:');
    await t.type(users);
    await t.press(KEY.enter);
    let f = await t.waitFor('Selected 2 user(s) from');
    expect(f).toContain('[x] carol@example.com');
    expect(f).toContain('Wave: wave-1');
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Cutover: COMPLETED');
    await t.press(KEY.enter);
    // again: the waves view
    await toJob(t, 'Cut over users');
    await t.waitFor('Cut over users to Zimbra');
    expect(t.live()).toContain('Wave: wave-2');
    await t.press('v');
    f = await t.waitFor('Waves in the journal');
    expect(f).toMatch(/> wave-1\s+to-zimbra\s+2\s+COMPLETED/);
    expect(f).toContain('carol@example.com,');
    await t.press(KEY.enter);
    f = await t.waitFor('inverse step(s)');
    expect(f).toContain('Undo: Deliver dave@example.com in Zimbra');
    await t.press(KEY.enter);
    await t.waitFor('Undo these changes');
    await t.press(KEY.down, KEY.down, KEY.enter);
    await t.waitFor('Rollback: COMPLETED');
    const s = t.sim();
    expect(s.accounts['carol@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    expect(s.accounts['carol@example.com'].zimbraAccountStatus).toEqual(['locked']);
    const waves = new JournalStore(w.stateDir).runs().filter((r) => r.header.job === 'cutover' && r.header.kind === 'apply');
    expect(waves.map((r) => r.status)).toEqual(['rolled-back']);
  });
});

describe('Unsplit', () => {
  it('first shows who is still routed to the peer and will not go on; after moving them, previews and applies', async () => {
    const w = world();
    await primarySetup(w, ['carol@example.com', 'dave@example.com']);
    const t = startWizard({ dir: w.dir });
    await toJob(t, 'Unsplit cleanup');
    let f = await t.waitFor('still routed to mail.example.com:');
    expect(f).toContain('2 account(s) are still routed to mail.example.com');
    expect(f).toContain('carol@example.com');
    expect(f).toContain('Continue to the review');
    expect(f).toContain('(2 still routed to the peer)');
    expect(f).toMatch(/^> Move these 2 user\(s\) to Zimbra first \(cutover\)/m);
    // move them: the cutover screen comes with both picked
    await t.press(KEY.enter);
    f = await t.waitFor('Cut over users to Zimbra');
    await t.waitFor('selected 2');
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Cutover: COMPLETED');
    await t.press(KEY.enter);
    await toJob(t, 'Unsplit cleanup');
    f = await t.waitFor('nobody is left behind');
    expect(f).toMatch(/^> Continue to the review/m);
    await t.press(KEY.enter);
    f = await t.waitFor('Review: Unsplit of example.com');
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    f = await t.waitFor('Preview:');
    expect(f).toContain('zimbraMtaMyNetworks');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    f = await t.waitFor('Unsplit: COMPLETED');
    expect(t.sim().servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ')).not.toContain('192.0.2.10');
  });

  it('force lets the unsplit go on while accounts are still routed to the peer', async () => {
    const w = world();
    await primarySetup(w, ['carol@example.com']);
    const t = startWizard({ dir: w.dir });
    await toJob(t, 'Unsplit cleanup');
    await t.waitFor('1 account(s) are still routed');
    await t.choose('Unsplit anyway');
    await t.press(KEY.enter);
    const f = await t.waitFor('Unsplit anyway: ON');
    expect(f).not.toContain('(1 still routed to the peer)');
    await t.choose('Continue to the review');
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    expect(t.state().review.refused).toEqual([]);
  });
});
