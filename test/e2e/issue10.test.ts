// Issue 10 in a real terminal (node-pty + xterm headless): live mailboxes never offered as peer
// users, single entries dropped, fast input, pre-filled fields, small terminals, whole steps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, openWizard } from './terminal.js';
import type { Wizard } from './terminal.js';
import { accountsToReview, portToAccounts, setupToReview, toAccounts, toPeerPort } from './walk.js';

const open: Wizard[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.kill();
});

function start(opts: Parameters<typeof openWizard>[0] = {}): Wizard {
  const w = openWizard(opts);
  open.push(w);
  return w;
}

describe('issue 10 in a terminal', () => {
  it('"Read live from Zimbra" offers no real mailbox; single entries can be removed', async () => {
    const w = start();
    await toAccounts(w);
    await w.choose('Read live from Zimbra');
    await w.press(KEYS.enter);
    let s = await w.waitFor('real mailbox');
    expect(s).toContain('0 account(s)');
    expect(s).not.toMatch(/^\s+(admin|alice|bob)@example\.com\s*$/m);
    expect(s).not.toMatch(/^> Continue/m);
    await w.choose('Type or paste addresses');
    await w.press(KEYS.enter);
    await w.waitFor('Type an address');
    for (const u of ['carol@example.com', 'dave@example.com']) {
      await w.type(u);
      await w.press(KEYS.enter);
    }
    await w.press(KEYS.enter);
    await w.waitFor('2 account(s)');
    await w.choose('Remove single entries');
    await w.press(KEYS.enter);
    await w.waitFor('> carol@example.com');
    await w.press('d');
    s = await w.waitFor('Removed carol@example.com');
    expect(s).toContain('1 account(s)');
    await w.press(KEYS.esc);
    await w.waitFor(/> Continue with 1 account/);
  });

  it('a letter and Enter in one read are both handled; typing over the pre-filled port replaces it; another job keeps the saved answers', async () => {
    const w = start();
    await toPeerPort(w);
    await w.waitFor(/> Peer SMTP port \.+ 25/);
    await w.type('587');
    await w.waitFor(/Peer SMTP port \.+ 587\b/);
    expect(w.screen()).not.toContain('25587');
    await portToAccounts(w);
    await accountsToReview(w, ['carol@example.com']);
    await w.press(KEYS.enter);
    let s = await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    // Enter and the answer each in one read, as `tmux send-keys y Enter` sends them
    await w.press(KEYS.enter);
    s = await w.waitFor(/Steps 1-\d+ of \d+: \d+ changes in one zmprov batch/);
    await w.press('y\r');
    s = await w.waitFor(/Step \d+ of \d+: Let 192\.0\.2\.10\/32 relay/);
    expect(w.history()).toContain('APPLIED  Placeholder for carol@example.com (locked)');
    await w.press('q\r');
    s = await w.waitFor(/Setup: (STOPPED|COMPLETED)/);
    await w.press(KEYS.enter);
    // another job of the same domain: the saved answers fill the form and stay saved
    await w.waitFor('Cut over users');
    await w.choose('Cut over users');
    await w.press(KEYS.enter);
    await w.waitFor("Zimbra's role");
    await w.press(KEYS.enter, KEYS.enter);
    s = await w.waitFor('Hosts and addresses');
    expect(s).toMatch(/Peer SMTP host \.+ mail\.example\.com/);
    expect(s).toMatch(/Peer relay IPs \.+ 192\.0\.2\.10/);
    await w.press('q');
    expect(await w.exited).toBe(0);
    const answers = JSON.parse(readFileSync(join(w.stateDir, 'answers.json'), 'utf8')).domains['example.com'].fields;
    expect(answers.peerHost).toBe('mail.example.com');
    expect(answers.peerAccounts).toContain('carol@example.com');
    expect(w.sim().accounts['carol@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.com]:587']);
  });

  it('below 80x24 says the terminal is too small, answers nothing blind, and recovers on resize', async () => {
    const w = start({ cols: 60, rows: 15 });
    let s = await w.waitFor('too small');
    expect(s.replace(/\s+/g, ' ')).toContain('at least 80x24');
    expect(s).not.toContain('First-time setup');
    await w.press(KEYS.enter);
    w.resize(80, 24);
    s = await w.waitFor('First-time setup');
    expect(s).not.toContain("Zimbra's role");
    await w.press(KEYS.enter);
    await w.waitFor("Zimbra's role");
    w.resize(70, 24);
    await w.waitFor('too small');
    w.resize(100, 30);
    await w.waitFor("Zimbra's role");
    await w.press('q');
    expect(await w.exited).toBe(0);
  });

  it('d shows the whole step and every command of a batch; "apply all" on a real target asks for the domain name', async () => {
    const w = start({ local: true });
    await w.waitFor('First-time setup');
    expect(w.screen()).not.toContain('REHEARSAL:');
    await toAccounts(w);
    await w.press(KEYS.enter);
    await w.waitFor('Type an address');
    const users = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, '0')}@example.com`);
    await w.press(users.join('\r') + '\r');
    await w.waitFor('12 account(s)');
    await w.press(KEYS.enter);
    await w.waitFor(/> Continue with 12 account/);
    await w.press(KEYS.enter);
    await w.waitFor('Mail flow after the plan');
    await w.press(KEYS.enter);
    await w.waitFor('Preview:');
    // the whole step on d, Esc back
    await w.press('G', 'd');
    let s = await w.waitFor(/Step \d+ of \d+: /);
    expect(s).toContain('by hand on');
    expect(s).not.toMatch(/\(\+\d+ more\)/);
    await w.press(KEYS.esc);
    await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    // All on a real target: the domain name first
    await w.press(KEYS.down, KEYS.enter);
    s = await w.waitFor('Type the domain name');
    await w.type('example.org');
    await w.press(KEYS.enter);
    await w.waitFor('does not match');
    await w.press(KEYS.esc);
    await w.waitFor(/> All: apply every change/);
    await w.press(KEYS.up, KEYS.enter);
    s = await w.waitFor(/Steps 1-24 of \d+: 24 changes in one zmprov batch/);
    // in the question itself, PgDn shows the rest of the batch
    const inQuestion = new Set<string>();
    for (let i = 0; i < 20; i++) {
      s = await w.waitFor(/commands \d+-\d+ of 24/);
      for (const m of s.matchAll(/zmprov (ca|ma) (user\d\d@example\.com)/g)) inQuestion.add(`${m[1]} ${m[2]}`);
      const at = /commands \d+-(\d+) of 24/.exec(s)!;
      if (at[1] === '24') break;
      await w.press('\u001B[6~');
      await w.waitFor((x) => !x.includes(at[0]));
    }
    expect(inQuestion.size).toBe(24);
    await w.press('d');
    await w.waitFor(/lines 1-\d+ of \d+/);
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 12; i++) {
      const at = /lines (\d+)-(\d+) of (\d+)/.exec(await w.waitFor(/lines \d+-\d+ of \d+/))!;
      for (const m of w.screen().matchAll(/zmprov ca (user\d\d@example\.com)/g)) seen.add(m[1]);
      if (at[2] === at[3]) break;
      await w.press('\u001B[6~');
      await w.waitFor((x) => !x.includes(at[0]));
    }
    expect(seen.size).toBe(12);
    await w.press(KEYS.esc);
    await w.waitFor(/> No, skip these changes/);
    await w.press('q\r');
    s = await w.waitFor(/Setup: STOPPED/);
    // nothing on Zimbra was applied: no manual step may be followed yet
    expect(s).not.toContain('Still to do by hand');
    expect(s).toMatch(/manual step\(s\) held back/);
    await w.press('q');
    expect(await w.exited).toBe(0);
  });

  it('the start screen abandons a stopped run (asked first) and then offers neither resume nor continue', async () => {
    const w = start();
    await setupToReview(w, ['carol@example.com']);
    await w.press(KEYS.enter);
    await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.enter);
    await w.waitFor(/Steps? 1/);
    await w.press('q\r');
    await w.waitFor('Setup: STOPPED');
    await w.press(KEYS.enter);
    await w.waitFor(/Resume the interrupted run\s+\d{8}T/);
    await w.choose('Abandon the interrupted run');
    await w.press(KEYS.enter);
    await w.waitFor('y = abandon, n = keep');
    await w.press('y');
    const s = await w.waitFor('(no interrupted run)');
    expect(s).toContain('abandoned (recorded in its journal)');
    expect(s).not.toContain('Continue the setup of example.com');
    expect(s).not.toContain('Abandon the interrupted run');
    await w.press('q');
    expect(await w.exited).toBe(0);
    const runs = readdirSync(join(w.stateDir, 'runs'));
    expect(readFileSync(join(w.stateDir, 'runs', runs.find((f) => f.endsWith('-apply.jsonl'))!), 'utf8')).toContain('"status":"abandoned"');
  });

  it('the rollback preview shows the value each step restores, not "(unset)"', async () => {
    const w = start();
    await setupToReview(w, ['carol@example.com']);
    await w.press(KEYS.enter);
    await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.down, KEYS.enter);
    await w.waitFor('Setup: COMPLETED');
    await w.press('r');
    await w.waitFor('inverse step(s)');
    let s = w.screen();
    for (let i = 0; i < 8 && !/undo:mta\.mynetworks/.test(s); i++) {
      await w.press(KEYS.down);
      s = await w.waitFor(/step \d+ of \d+: /);
    }
    s = await w.waitFor(/restores: 127\.0\.0\.0\/8 \[::1\]\/128 10\.0\.0\.10\/32/);
    expect(s).toContain('undo:mta.mynetworks');
    expect(s).not.toContain('after: (unset)');
    expect(s).not.toContain('(restores the value recorded when applied)');
    // and the whole step on d
    await w.press('d');
    s = await w.waitFor('restores: 127.0.0.0/8');
    expect(s).toContain('now: ');
    await w.press(KEYS.esc);
    await w.press('q');
    expect(await w.exited).toBe(0);
  });
});
