// Issue 10, what the operator is shown: the whole step on a key (scrollable, commands wrapped at
// word boundaries and copyable), every command of a batch, the typed confirmation on a real
// target, the real values a rollback restores.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { wrapCommand } from '../../src/wizard/detail.js';
import { KEY, startWizard, throughHosts } from './helpers.js';
import type { WizardOptions } from './helpers.js';

afterEach(() => cleanup());

async function toPreview(opts: WizardOptions = {}, users = ['carol@example.com', 'dave@example.com']) {
  const t = startWizard(opts);
  await throughHosts(t);
  await t.waitFor('Accounts that live on mail.example.com');
  await t.press(KEY.enter);
  await t.waitFor('Type an address');
  await t.type(users.join('\r') + '\r');
  await t.press(KEY.enter);
  await t.waitFor(/^> Continue with/m);
  await t.press(KEY.enter);
  await t.waitFor('Mail flow after the plan');
  await t.press(KEY.enter);
  await t.waitFor('Preview:');
  return t;
}

describe('wrapCommand (pure)', () => {
  it('wraps at word boundaries outside quotes with shell continuations; joined back it is the command', () => {
    const cmd = `zmprov ms zimbra.example.com zimbraMtaMyNetworks '127.0.0.0/8 [::1]/128 10.0.0.10/32 192.0.2.10/32' +zimbraMtaRestriction 'check_policy_service unix:private/policy' zimbraMtaRelayHost 'mail.example.com:25'`;
    const lines = wrapCommand(cmd, 60, '$ ', '    ');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    for (const l of lines.slice(0, -1)) expect(l.endsWith(' \\')).toBe(true);
    const joined = lines.map((l, i) => (i === 0 ? l.slice(2) : l.slice(4))).map((l, i, a) => (i < a.length - 1 ? l.slice(0, -2) : l)).join(' ');
    expect(joined).toBe(cmd);
    // never inside a quoted value
    for (const l of lines) expect((l.match(/'/g) ?? []).length % 2).toBe(0);
  });
});

describe('the whole step on a key', () => {
  it('d on the preview shows the whole step (why, command, before -> after, rollback); Esc goes back', async () => {
    const t = await toPreview();
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    await t.waitFor('step 5 of 8');
    await t.press('d');
    const f = await t.waitFor('Step 5 of 8');
    expect(f).toContain('why:');
    expect(f).toContain('$ zmprov ms zimbra.example.com +zimbraMtaMyNetworks 192.0.2.10/32');
    expect(f).toMatch(/before: 127\.0\.0\.0\/8 \[::1\]\/128 10\.0\.0\.10\/32/);
    expect(f).toContain('rollback: $ zmprov ms zimbra.example.com -zimbraMtaMyNetworks 192.0.2.10/32');
    expect(f).not.toMatch(/\.\.\.$/m);
    await t.press(KEY.esc);
    await t.waitFor('step 5 of 8: mta.mynetworks');
  });

  it('a manual step shows every command, never cut', async () => {
    const t = await toPreview();
    await t.press('G');
    await t.press('d');
    const f = await t.waitFor('Step 8 of 8');
    expect(f).toContain('by hand on');
    const step = t.state().review.plan!.steps[7];
    const all = t.state().detail ? f : '';
    for (const c of step.manual!.commands) expect(all.replace(/ \\\n\s+/g, ' ')).toContain(c.split(' ')[0]);
    expect(f).not.toMatch(/\(\+\d+ more\)/);
  });

  it('step mode: every command of a batch can be read before answering', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `user${String(i).padStart(2, '0')}@example.com`);
    const t = await toPreview({}, users);
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.enter);
    await t.waitFor(/Steps 1-60 of \d+: 60 changes in one zmprov batch/);
    // in the question itself: PgUp/PgDn scroll through every command
    const inQuestion = new Set<string>();
    for (let i = 0; i < 40; i++) {
      for (const m of t.live().matchAll(/zmprov (ca|ma) (user\d\d@example\.com)/g)) inQuestion.add(`${m[1]} ${m[2]}`);
      if (/commands \d+-60 of 60/.test(t.live())) break;
      await t.press(KEY.pageDown);
    }
    expect(inQuestion.size).toBe(60);
    expect(t.live()).toMatch(/> No, skip these changes/);
    await t.press(KEY.pageUp);
    await t.press('d');
    await t.waitFor('Steps 1-60 of');
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      for (const m of t.live().matchAll(/zmprov ca (user\d\d@example\.com)/g)) seen.add(m[1]);
      for (const m of t.live().matchAll(/zmprov ma (user\d\d@example\.com)/g)) seen.add(`ma ${m[1]}`);
      if (seen.size === 60) break;
      await t.press(KEY.pageDown);
    }
    expect(seen.size).toBe(60);
    await t.press(KEY.esc);
    await t.waitFor(/> No, skip these changes/);
    // nothing was answered by the view
    expect(t.state().apply?.question).toBeDefined();
  });
});

describe('apply all on a real target', () => {
  it('asks the operator to type the domain name first; a wrong name applies nothing', async () => {
    const t = await toPreview({ real: true });
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    let f = await t.waitFor('Type the domain name');
    expect(f).toContain('example.com');
    await t.type('example.org');
    await t.press(KEY.enter);
    f = await t.waitFor('does not match');
    expect(t.state().apply?.phase).toBe('choose');
    for (let i = 0; i < 11; i++) await t.press(KEY.backspace);
    await t.type('example.com');
    await t.press(KEY.enter);
    await t.waitFor('Setup: COMPLETED');
  });

  it('in rehearsal, all applies at once (nothing real is changed)', async () => {
    const t = await toPreview();
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Setup: COMPLETED');
  });
});

describe('rollback preview', () => {
  it('shows the real value each step restores, not "(unset)"', async () => {
    const t = await toPreview();
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Setup: COMPLETED');
    await t.press('r');
    await t.waitFor('inverse step(s)');
    // the newest first: the relay network is undone first
    let f = await t.waitFor('Undo: Let 192.0.2.10/32 relay');
    for (let i = 0; i < 8 && !/step \d+ of \d+: undo:mta\.mynetworks/.test(t.live()); i++) await t.press(KEY.down);
    f = await t.waitFor(/step \d+ of \d+: undo:mta\.mynetworks/);
    expect(f).toMatch(/restores: 127\.0\.0\.0\/8 \[::1\]\/128 10\.0\.0\.10\/32/);
    expect(f).not.toContain('after: (unset)');
    expect(f).not.toContain('(restores the value recorded when applied)');
  });
});

describe('Done after a stop', () => {
  it('lists no manual step whose Zimbra steps were not applied, and says they are held back', async () => {
    const t = await toPreview();
    const manual = t.state().review.plan!.steps.filter((s) => s.kind === 'manual').map((s) => s.title);
    expect(manual.length).toBeGreaterThan(0);
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.enter);
    await t.waitFor('Steps 1-4 of 8');
    t.r.stdin.write('q\r');
    const f = await t.waitFor('Setup: STOPPED');
    expect(f).not.toContain('Still to do by hand');
    for (const m of manual) expect(f).not.toContain(m.slice(0, 30));
    expect(f).toMatch(/2 manual step\(s\) held back/);
  });

  it('after a completed run the manual steps are all listed', async () => {
    const t = await toPreview();
    await t.press(KEY.enter);
    await t.waitFor('How?');
    await t.press(KEY.down, KEY.enter);
    const f = await t.waitFor('Setup: COMPLETED');
    expect(f).toContain('Still to do by hand');
    expect(f).not.toContain('held back');
  });
});
