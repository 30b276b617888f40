// Review, Preview, Apply, Failure, Done and Rollback on the in-process simulator.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { JournalStore } from '../../src/journal/journal.js';
import { flat, KEY, startWizard, throughHosts } from './helpers.js';
import type { WizardOptions } from './helpers.js';

afterEach(() => cleanup());

/** Primary setup with carol and dave on the peer, up to the Review screen. */
async function toReview(opts: WizardOptions = {}, accounts = 'carol@example.com\rdave@example.com\r') {
  const t = startWizard(opts);
  await throughHosts(t);
  await t.waitFor('Accounts that live on mail.example.com');
  await t.press(KEY.enter);
  await t.waitFor('Type an address');
  await t.type(accounts);
  await t.press(KEY.enter);
  await t.waitFor(/^> Continue with/m);
  await t.press(KEY.enter);
  await t.waitFor('Mail flow after the plan');
  return t;
}

async function toApply(opts: WizardOptions = {}, mode: 'step' | 'all' = 'step') {
  const t = await toReview(opts);
  await t.press(KEY.enter);
  await t.waitFor('Preview: 8 steps');
  await t.press(KEY.enter);
  await t.waitFor('How?');
  if (mode === 'all') await t.press(KEY.down);
  await t.press(KEY.enter);
  return t;
}

const NETWORKS = '^ms .*zimbraMtaMyNetworks';

describe('Review', () => {
  it('shows the answers and one trace row per address class and entry point', async () => {
    const t = await toReview();
    const f = t.live();
    expect(f).toContain('Review: Setup of example.com');
    expect(f).toContain('primary (Zimbra authoritative); peer postfix mail.example.com:25');
    expect(f).toContain('192.0.2.10/32; 2 peer account(s)');
    expect(f).toMatch(/ok peer\s+internet\s+carol@example\.com\s+Internet > Zimbra MTA > peer/);
    expect(f).toMatch(/ok peer\s+peer\s+carol@example\.com/);
    expect(f).toMatch(/rejected\s+internet\s+no-such-user/);
    expect(f).toContain('Enter preview');
    // Esc back to the accounts and forward again
    await t.press(KEY.esc);
    await t.waitFor('Accounts that live on');
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
  });

  it('refuses a plan that loops mail, shows why and the fix, and does not go on', async () => {
    const t = startWizard({ flags: ['--peer-mode', 'forward-unknown'] });
    await throughHosts(t, { role: 'secondary' });
    const f = await t.waitFor('REFUSED');
    expect(flat(f)).toContain('REFUSED: nothing will be applied. Esc goes back to fix the answers');
    expect(flat(f)).toMatch(/loops between Zimbra and the peer/);
    expect(flat(f)).toContain('fix: exactly one side may forward unknown recipients');
    expect(f).toMatch(/LOOP/);
    expect(f).not.toContain('Enter preview');
    await t.press(KEY.enter);
    expect(t.state().screen).toBe('review');
    await t.press(KEY.esc);
    await t.waitFor('Hosts and addresses');
  });
});

describe('Preview', () => {
  it('shows per step the command, before -> after and the rollback, filters, exports .sh and .json', async () => {
    const t = await toReview();
    await t.press(KEY.enter);
    let f = await t.waitFor('Preview: 8 steps (5 zmprov, 1 reload, 2 manual)');
    expect(f).toContain("$ zmprov ca carol@example.com '' zimbraAccountStatus locked");
    expect(f).toContain('before: (no such entry) -> after: locked');
    expect(f).toContain('rollback: zmprov da carol@example.com');
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    f = await t.waitFor('step 5 of 8: mta.mynetworks');
    expect(f).toContain('$ zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32');
    expect(f).toContain('before: 127.0.0.0/8 [::1]/128 10.0.0.10/32 -> after:');
    expect(f).toContain('rollback: zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32');
    // filter
    await t.press('/');
    await t.waitFor('Filter:');
    await t.type('manual');
    f = await t.waitFor('2 of 8 match');
    await t.press(KEY.enter);
    f = await t.waitFor('filter "manual": 2 match');
    expect(f).toMatch(/^> 7\/8 MANUAL/m);
    expect(f).not.toContain('1/8 zmprov');
    await t.press(KEY.esc); // clears the filter
    await t.waitFor((s) => s.preview.filter === '');
    // export
    await t.press('e');
    await t.waitFor('Export to');
    for (let i = 0; i < 30; i++) await t.press(KEY.backspace);
    await t.type('ticket-42');
    await t.press(KEY.enter);
    f = await t.waitFor('Wrote');
    const sh = readFileSync(join(t.dir, 'ticket-42.sh'), 'utf8');
    const json = JSON.parse(readFileSync(join(t.dir, 'ticket-42.json'), 'utf8'));
    expect(sh).toMatch(/^#!\/bin\/sh/);
    expect(sh).toMatch(/su - zimbra -c .*zmprov ca carol@example.com .*zimbraAccountStatus locked/);
    expect(json.format).toBe('zsplit.plan/1');
    expect(json.steps).toHaveLength(8);
    // the same name again: nothing is replaced until a second Enter on that name
    writeFileSync(join(t.dir, 'ticket-42.sh'), 'kept\n');
    await t.press('e');
    await t.waitFor('Export to');
    await t.press(KEY.enter);
    f = await t.waitFor('already exist');
    expect(flat(f)).toContain('ticket-42.sh and ticket-42.json already exist: Enter again replaces');
    expect(readFileSync(join(t.dir, 'ticket-42.sh'), 'utf8')).toBe('kept\n');
    await t.type('-b'); // another name: written at once
    await t.press(KEY.enter);
    await t.waitFor('Wrote');
    expect(readFileSync(join(t.dir, 'ticket-42.sh'), 'utf8')).toBe('kept\n');
    expect(readFileSync(join(t.dir, 'ticket-42-b.sh'), 'utf8')).toMatch(/^#!\/bin\/sh/);
    await t.press('e');
    await t.waitFor('Export to');
    for (let i = 0; i < 30; i++) await t.press(KEY.backspace);
    await t.type('ticket-42');
    await t.press(KEY.enter);
    await t.waitFor('already exist');
    await t.press(KEY.enter);
    await t.waitFor('Wrote');
    expect(readFileSync(join(t.dir, 'ticket-42.sh'), 'utf8')).toMatch(/^#!\/bin\/sh/);
    // Esc back to the review, forward again
    await t.press(KEY.esc);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview: 8 steps');
  });
});

describe('Apply', () => {
  it('step mode: Enter takes the safe default (skip), y + Enter applies, finished steps go above the frame; Done lists the manual steps', async () => {
    const t = await toApply();
    let f = await t.waitFor('Steps 1-4 of 8: 4 changes in one zmprov batch (placeholders)');
    expect(f).toMatch(/^> No, skip these changes\s+\(default\)/m);
    await t.press('y');
    expect(t.live()).toMatch(/^> Yes, apply these 4 changes/m);
    await t.press(KEY.enter);
    f = await t.waitFor('Step 5 of 8: Let 192.0.2.10/32 relay through zimbra.example.com');
    expect(f).toMatch(/\[#+\.+\] 4\/8 steps/);
    expect(t.frame()).toContain('APPLIED  Placeholder for carol@example.com (locked)');
    // Enter = the default: skip
    await t.press(KEY.enter);
    f = await t.waitFor('Setup: COMPLETED');
    expect(f).toContain('4 applied, 1 unchanged, 1 skipped, 0 failed, 2 manual');
    // mynetworks was skipped: the peer's relay step (and the MX after it) must not be offered (issue 10)
    expect(f).not.toContain('Still to do by hand');
    expect(f).not.toContain('Relay example.com on Postfix');
    expect(t.frame()).toContain('SKIPPED  Let 192.0.2.10/32 relay through zimbra.example.com');
    const s = t.sim();
    expect(s.accounts['carol@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    expect(s.servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ')).not.toContain('192.0.2.10');
    // scroll to what comes next
    await t.press(KEY.pageDown, KEY.pageDown);
    f = await t.waitFor('What comes next');
    expect(flat(f)).toContain('Change the MX last');
    expect(flat(f)).toContain('move the first wave of users');
    await t.press(KEY.enter);
    await t.waitFor('What do you want to do?');
    // the setup is finished: nothing to continue (issue 10)
    const start = await t.waitFor((s) => s.screen === 'start' && !s.start.loading);
    expect(start).not.toContain('Continue the setup of example.com');
  });

  it('all mode applies every change in one batch, with the progress to the end', async () => {
    const t = await toApply({}, 'all');
    const f = await t.waitFor('Setup: COMPLETED');
    // the five changes and the one MTA reload
    expect(f).toContain('6 applied, 0 unchanged, 0 skipped, 0 failed, 2 manual');
    const starts = Number(/zmprov started (\d+) time/.exec(f)?.[1]);
    expect(starts).toBeGreaterThan(0);
    expect(starts).toBeLessThanOrEqual(4);
    expect(t.sim().servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ')).toContain('192.0.2.10/32');
  });

  it('Ctrl+C once stops after the current step with the journal saved; the start screen then offers to resume', async () => {
    const t = await toApply();
    await t.waitFor('Steps 1-4 of 8');
    await t.press(KEY.ctrlC);
    const f = await t.waitFor('STOPPED');
    expect(f).toContain('0 applied');
    await t.press(KEY.enter);
    await t.waitFor(/Resume the interrupted run\s+\d{8}T\d{6}Z-apply/);
    await t.choose('Resume the interrupted run');
    await t.press(KEY.enter);
    await t.waitFor('Resume run');
    await t.press(KEY.down, KEY.enter); // all
    await t.waitFor('Setup: COMPLETED');
    expect(t.sim().accounts['dave@example.com'].zimbraAccountStatus).toEqual(['locked']);
  });

  it('q while applying asks first: n goes on, y stops after the step and quits', async () => {
    const t = await toApply();
    await t.waitFor('Steps 1-4 of 8');
    // at a question, q selects Quit; Enter would confirm it
    await t.press('q');
    expect(t.live()).toMatch(/^> Quit: stop here/m);
    await t.press(KEY.up, KEY.up, KEY.up, KEY.enter); // yes
    await t.waitFor('Step 5 of 8');
    await t.press(KEY.down, KEY.down, KEY.enter); // all remaining
    await t.waitFor('Setup: COMPLETED');
    expect(t.exits).toEqual([]);
  });
});

describe('Failure', () => {
  it("shows zmprov's own error; retry succeeds once the cause is gone", async () => {
    const t = await toApply({ inject: { match: NETWORKS, once: true } }, 'all');
    let f = await t.waitFor('What now?');
    expect(f).toContain('FAILED: Let 192.0.2.10/32 relay through zimbra.example.com');
    expect(f).toContain('ERROR: service.FAILURE (system failure: injected)');
    expect(f).toContain('command: zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32');
    expect(f).toContain('4 applied, 0 unchanged, 0 skipped, 1 failed');
    expect(f).toMatch(/^> Retry the failed step/m);
    for (const o of ['Skip it and continue', 'Roll back this step', 'Roll back the whole run', 'Quit']) expect(f).toContain(o);
    await t.press(KEY.enter);
    f = await t.waitFor('Setup: COMPLETED');
    expect(t.sim().servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ')).toContain('192.0.2.10/32');
  });

  it('skip records the failed step as skipped and goes on', async () => {
    const t = await toApply({ inject: { match: NETWORKS } }, 'all');
    await t.waitFor('What now?');
    await t.choose('Skip it and continue');
    await t.press(KEY.enter);
    const f = await t.waitFor('Setup: COMPLETED');
    expect(f).toMatch(/1 skipped, 0 failed/);
  });

  it('rolls back this step (nothing to restore: the failed line changed nothing), then quits with the journal saved', async () => {
    const t = await toApply({ inject: { match: NETWORKS } }, 'all');
    await t.waitFor('What now?');
    await t.choose('Roll back this step');
    await t.press(KEY.enter);
    const f = await t.waitFor(/Nothing to restore|values are as they were/);
    expect(f).not.toContain('Roll back this step');
    await t.choose('Quit');
    await t.press(KEY.enter);
    expect(t.exits).toEqual([1]);
    expect(t.state().exit?.message).toMatch(/failed and was left as it is/);
  });

  it('rolls back the whole run: the inverse steps previewed, No by default, then applied; the simulator is as before', async () => {
    const t = await toApply({ inject: { match: NETWORKS } }, 'all');
    await t.waitFor('What now?');
    await t.choose('Roll back the whole run');
    await t.press(KEY.enter);
    let f = await t.waitFor('inverse step(s), newest first');
    expect(f).toContain('2 inverse step(s)');
    expect(f).toContain('Undo: Placeholder for dave@example.com (locked)');
    expect(f).toContain('$ zmprov da dave@example.com');
    await t.press(KEY.enter);
    f = await t.waitFor('Undo these changes on REHEARSAL');
    expect(f).toMatch(/^> No, keep the changes\s+\(default\)/m);
    await t.press(KEY.enter); // No
    await t.waitFor((s) => s.rollback.phase === 'preview');
    await t.press(KEY.enter);
    await t.waitFor('Undo these changes');
    await t.press(KEY.down, KEY.down, KEY.enter); // yes, all
    f = await t.waitFor('Rollback: COMPLETED');
    expect(f).toContain('2 applied');
    const s = t.sim();
    expect(s.accounts['carol@example.com']).toBeUndefined();
    expect(s.accounts['dave@example.com']).toBeUndefined();
    const runs = new JournalStore(t.stateDir).runs();
    expect(runs.find((r) => r.header.kind === 'apply')?.status).toBe('rolled-back');
    expect(runs.find((r) => r.header.kind === 'rollback')?.status).toBe('completed');
  });
});

describe('Failure after MTA-level changes', () => {
  it('asks whether to reload the MTA, No by default, and says the reload is pending', async () => {
    const t = startWizard({ inject: { match: NETWORKS } });
    await throughHosts(t, { role: 'secondary' });
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    let f = await t.waitFor('Reload it now?');
    expect(flat(f)).toContain('MTA-level changes were applied before the failure');
    expect(f).toMatch(/^> No, do not reload now .*\(default\)/m);
    await t.press(KEY.enter);
    f = await t.waitFor('What now?');
    expect(f).toContain('MTA-level changes are not reloaded yet');
    expect(t.sim().domains['example.com'].zimbraMailCatchAllAddress).toEqual(['@example.com']);
  });
});

describe('Rollback from the start screen', () => {
  it('picks a run, previews, confirms and applies; the run then leaves the list', async () => {
    const t = await toApply({}, 'all');
    await t.waitFor('Setup: COMPLETED');
    await t.press(KEY.enter);
    await t.waitFor('Roll back a run');
    await t.choose('Roll back a run');
    await t.press(KEY.enter);
    let f = await t.waitFor('choose one (newest last)');
    expect(f).toMatch(/> \d{8}T\d{6}Z-apply\s+setup\s+COMPLETED\s+6/);
    await t.press(KEY.enter);
    f = await t.waitFor('inverse step(s)');
    expect(f).toContain('Undo: Let 192.0.2.10/32 relay through zimbra.example.com');
    expect(f).toContain('$ zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32');
    await t.press(KEY.enter);
    await t.waitFor('Undo these changes');
    await t.press(KEY.down, KEY.enter); // step by step
    f = await t.waitFor('Step 1 of');
    await t.press('a', KEY.enter);
    f = await t.waitFor('Rollback: COMPLETED');
    expect(t.sim().servers['zimbra.example.com'].zimbraMtaMyNetworks).toEqual(['127.0.0.0/8 [::1]/128 10.0.0.10/32']);
    await t.press(KEY.enter);
    await t.waitFor('(no run to roll back)');
    expect(existsSync(join(t.stateDir, 'answers.json'))).toBe(true);
  });
});
