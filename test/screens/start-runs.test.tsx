// Issue 10: the start screen offers to abandon a stopped run (recorded in the journal), and stops
// offering finished, rolled-back or abandoned work.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { JournalStore } from '../../src/journal/journal.js';
import { KEY, startWizard, throughHosts } from './helpers.js';
import { toQuestion } from '../helpers/question.js';

afterEach(() => cleanup());

describe('Start: stopped, finished and abandoned runs', () => {
  it('abandons a stopped run on purpose (asked first), recorded in the journal; then neither resume nor abandon is offered', async () => {
    const t = startWizard();
    await toQuestion(t, ['carol@example.com'], /Steps? 1/);
    t.r.stdin.write('y\r');
    await t.waitFor(/Step \d+ of/);
    t.r.stdin.write('q\r');
    await t.waitFor('Setup: STOPPED');
    await t.press(KEY.enter);
    let f = await t.waitFor(/Resume the interrupted run\s+\d{8}T/);
    expect(f).toMatch(/Abandon the interrupted run/);
    await t.choose('Abandon the interrupted run');
    await t.press(KEY.enter);
    f = await t.waitFor('y = abandon');
    // n keeps it
    await t.press('n');
    await t.waitFor(/Resume the interrupted run\s+\d{8}T/);
    await t.choose('Abandon the interrupted run');
    await t.press(KEY.enter);
    await t.waitFor('y = abandon');
    await t.press('y');
    f = await t.waitFor('(no interrupted run)');
    expect(f).toMatch(/abandoned/i);
    const runs = new JournalStore(t.stateDir).runs();
    expect(runs.map((r) => r.status)).toContain('abandoned');
    // its changes stay and it can still be rolled back
    expect(f).not.toContain('(no run to roll back)');
    // the abandoned setup is not offered to continue
    expect(f).not.toContain('Continue the setup of example.com');
  });

  it('a completed run is not offered to continue', async () => {
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.press(KEY.enter);
    await t.type('carol@example.com\r');
    await t.press(KEY.enter);
    await t.waitFor(/^> Continue with/m);
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Setup: COMPLETED');
    await t.press(KEY.enter);
    const f = await t.waitFor((s) => s.screen === 'start' && !s.start.loading);
    expect(f).not.toContain('Continue the setup of example.com');
    expect(f).toContain('(no interrupted run)');
  });
});
