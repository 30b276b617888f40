// Issue 10, reading and typing: a letter and Enter in one read, typing over a pre-filled value,
// saved answers never blanked by another job.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { SavedAnswers } from '../../src/wizard/saved.js';
import { flat, KEY, startWizard, throughHosts } from './helpers.js';
import { toQuestion } from '../helpers/question.js';

afterEach(() => cleanup());

describe('fast input', () => {
  it('a letter and Enter arriving in one read are both handled (tmux send-keys y Enter)', async () => {
    const t = startWizard();
    await toQuestion(t, ['carol@example.com', 'dave@example.com'], 'Steps 1-4 of 8: 4 changes in one zmprov batch', 'Preview: 8 steps');
    t.r.stdin.write('y\r');
    await t.waitFor('Step 5 of 8');
    expect(t.frame()).toContain('APPLIED  Placeholder for carol@example.com (locked)');
  });

  it('menus take a paste of keys too: Down, Enter in one read on the start screen', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    t.r.stdin.write('\r');
    await t.waitFor("Zimbra's role");
    // Enter twice in one read: the role, then the peer kind
    t.r.stdin.write('\r\r');
    await t.waitFor('Hosts and addresses');
  });
});

describe('pre-filled fields', () => {
  it('typing into a pre-filled field replaces the value (port 25, typed 587 gives 587)', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter, KEY.enter, KEY.enter);
    await t.waitFor('Hosts and addresses');
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down);
    await t.waitFor((s) => s.hosts.focus === 5);
    expect(t.state().fields.peerPort).toBe('25');
    await t.type('587');
    await t.waitFor((s) => s.fields.peerPort === '587');
    // once typed into, the field edits in place
    await t.type('0');
    await t.waitFor((s) => s.fields.peerPort === '5870');
    // arrows first: the value is edited, not replaced
    await t.press(KEY.down, KEY.up, KEY.right);
    await t.press(KEY.backspace);
    await t.type('1');
    await t.waitFor((s) => s.fields.peerPort === '5871');
  });
});

describe('saved answers', () => {
  it('starting another job never overwrites the saved answers of the domain with blanks', async () => {
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on');
    await t.press(KEY.enter);
    await t.type('carol@example.com\r');
    await t.press(KEY.esc);
    await t.waitFor(/^> Continue with 1 account/m);
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press('q');
    cleanup();
    const again = startWizard({ dir: t.dir });
    await again.waitFor('Continue the setup of example.com');
    await again.choose('Cut over users');
    await again.press(KEY.enter);
    await again.waitFor("Zimbra's role");
    await again.press(KEY.enter, KEY.enter);
    const f = await again.waitFor('Hosts and addresses');
    expect(f).toContain('Peer SMTP host ....... mail.example.com');
    await again.controller.idle();
    const saved = (await SavedAnswers.open(t.stateDir)).list().find((e) => e.domain === 'example.com')!;
    expect(saved.fields.peerHost).toBe('mail.example.com');
    expect(saved.fields.peerIp).toBe('192.0.2.10');
    expect(saved.fields.peerAccounts).toContain('carol@example.com');
  });
});

describe('small terminals', () => {
  it('below 80x24 says the terminal is too small instead of hiding what it asks about, ignores keys, and recovers on resize', async () => {
    const t = startWizard({ cols: 60, rows: 15 });
    let f = await t.waitFor('too small');
    expect(f).toMatch(/60x15/);
    expect(flat(f)).toMatch(/at least 80x24/);
    expect(f).not.toContain('First-time setup');
    // keys are not answered blind
    await t.press(KEY.enter);
    expect(t.state().screen).toBe('start');
    t.stdout.columns = 80;
    t.stdout.rows = 24;
    t.stdout.emit('resize');
    f = await t.waitFor('First-time setup');
    expect(f).not.toContain('too small');
    await t.press(KEY.enter);
    await t.waitFor("Zimbra's role");
  });
});

describe('Esc read together with the next key', () => {
  it('is Esc, then that key (not Alt+key): a slow link or a loaded machine joins them', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter);
    await t.waitFor("Zimbra's role");
    await t.press(KEY.enter);
    expect(t.state().role.focus).toBe('peer');
    // Esc (peer list -> role) and q (quit) in one read: as Alt+q it would be neither
    t.r.stdin.write('\u001bq');
    await t.waitFor((s) => s.role.focus === 'role' && s.exit !== undefined);
  });
});
