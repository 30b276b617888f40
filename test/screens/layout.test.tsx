// The frame never outgrows the terminal (80x24 and 200 columns), and follows a resize.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { HEADER_MARK, KEY, primarySetup, startWizard, throughHosts, world } from './helpers.js';

afterEach(() => cleanup());

/** Records the height of the live part of every frame Ink writes. */
function recordHeights(t: ReturnType<typeof startWizard>): { max: () => { lines: number; frame: string }; count: () => number; widest: () => number } {
  const stdout = t.r.stdout as unknown as { write: (s: string) => void };
  const orig = stdout.write.bind(stdout);
  let max = { lines: 0, frame: '' };
  let n = 0;
  let widest = 0;
  stdout.write = (s: string) => {
    orig(s);
    const i = s.lastIndexOf(HEADER_MARK);
    if (i < 0) return;
    const live = s.slice(i).replace(/\n$/, '');
    const lines = live.split('\n');
    n++;
    for (const l of lines) widest = Math.max(widest, l.replace(/\u001B\[[0-9;]*m/g, '').length);
    if (lines.length > max.lines) max = { lines: lines.length, frame: live };
  };
  return { max: () => max, count: () => n, widest: () => widest };
}

async function fullRun(t: ReturnType<typeof startWizard>): Promise<void> {
  await throughHosts(t);
  await t.waitFor('Accounts that live on');
  await t.press(KEY.enter);
  await t.waitFor('Type an address');
  // enough accounts to fill every list
  await t.type(Array.from({ length: 40 }, (_, i) => `user${i}@example.com u${i}.alias@example.com`).join('\r') + '\rbad\rbad\r');
  await t.press(KEY.enter);
  await t.waitFor('Remove the 2 invalid');
  await t.press(KEY.enter);
  await t.waitFor(/^> Continue with 40/m);
  await t.press(KEY.enter);
  await t.waitFor('Mail flow after the plan');
  for (let i = 0; i < 5; i++) await t.press(KEY.pageDown);
  await t.press(KEY.enter);
  await t.waitFor('Preview:');
  for (let i = 0; i < 5; i++) await t.press(KEY.pageDown);
  await t.press('G');
  await t.press(KEY.enter);
  await t.waitFor('How?');
  await t.press(KEY.enter);
  await t.waitFor('changes in one zmprov batch');
  await t.press('y', KEY.enter);
  await t.waitFor('relay through zimbra.example.com');
  await t.press('y', KEY.enter);
  await t.waitFor('What now?');
  await t.choose('Roll back the whole run');
  await t.press(KEY.enter);
  await t.waitFor('inverse step(s)');
  await t.press(KEY.enter);
  await t.waitFor('Undo these changes');
  await t.press(KEY.down, KEY.down, KEY.enter);
  await t.waitFor('Rollback: COMPLETED');
}

describe('layout', () => {
  it('at 80x24 no frame of a whole setup, failure and rollback is taller than 23 lines', async () => {
    const t = startWizard({ cols: 80, rows: 24, inject: { match: '^ms .*zimbraMtaMyNetworks' } });
    const h = recordHeights(t);
    await fullRun(t);
    expect(h.count()).toBeGreaterThan(50);
    expect(h.max().lines, h.max().frame).toBeLessThanOrEqual(23);
    expect(t.sim().accounts['user0@example.com']).toBeUndefined();
  });

  it('at 80x24 the cutover, waves and unsplit screens of 40 placeholders fit too', async () => {
    const w = world();
    await primarySetup(w, Array.from({ length: 40 }, (_, i) => `user${i}@example.com`));
    const t = startWizard({ dir: w.dir, cols: 80, rows: 24 });
    const h = recordHeights(t);
    await t.waitFor('Unsplit cleanup');
    await t.choose('Unsplit cleanup');
    await t.press(KEY.enter);
    await t.waitFor("Zimbra's role");
    await t.press(KEY.enter, KEY.down, KEY.down, KEY.down, KEY.enter);
    await t.waitFor('Hosts and addresses');
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    await t.type('mail.example.com');
    for (let i = 0; i < 4; i++) await t.press(KEY.down);
    await t.press(KEY.enter);
    await t.waitFor('40 account(s) are still routed');
    await t.press(KEY.pageDown, KEY.pageDown);
    await t.choose('Move these 40 user(s)');
    await t.press(KEY.enter);
    await t.waitFor('selected 40');
    for (let i = 0; i < 3; i++) await t.press(KEY.pageDown);
    await t.press('v');
    await t.waitFor('Waves in the journal');
    await t.press(KEY.esc);
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    await t.press(KEY.enter);
    await t.press(KEY.down, KEY.enter);
    await t.waitFor('Cutover: COMPLETED');
    for (let i = 0; i < 6; i++) await t.press(KEY.pageDown);
    expect(h.max().lines, h.max().frame).toBeLessThanOrEqual(23);
  });

  it('at 200 columns the lines use the width and the frame still fits', async () => {
    const t = startWizard({ cols: 200, rows: 50, inject: { match: '^ms .*zimbraMtaMyNetworks' } });
    const h = recordHeights(t);
    await fullRun(t);
    expect(h.max().lines).toBeLessThanOrEqual(49);
    expect(h.widest()).toBeGreaterThan(100);
    expect(h.widest()).toBeLessThanOrEqual(200);
  });

  it('follows a resize: a taller window shows more of the preview, a narrower one cuts the lines', async () => {
    const t = startWizard({ cols: 80, rows: 24 });
    await throughHosts(t);
    await t.waitFor('Accounts that live on');
    await t.press(KEY.enter);
    await t.type(Array.from({ length: 30 }, (_, i) => `user${i}@example.com`).join('\r') + '\r');
    await t.press(KEY.enter);
    await t.waitFor(/^> Continue with 30/m);
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press(KEY.enter);
    await t.waitFor('Preview:');
    const rowsAt = () => t.live().split('\n').filter((l) => /^[ >] +\d+\/\d+ /.test(l)).length;
    const before = rowsAt();
    t.stdout.rows = 40;
    t.stdout.columns = 120;
    t.stdout.emit('resize');
    await t.waitFor((s) => s.size.rows === 40);
    await t.waitFor(() => rowsAt() > before);
    expect(rowsAt()).toBe(before + 16);
    expect(t.live().split('\n').length).toBeLessThanOrEqual(39);
    // narrower than 80 columns: the wizard says so instead of cutting the commands (issue 10)
    t.stdout.rows = 24;
    t.stdout.columns = 60;
    t.stdout.emit('resize');
    await t.waitFor('too small');
    for (const line of t.live().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    t.stdout.columns = 80;
    t.stdout.emit('resize');
    await t.waitFor(() => rowsAt() === before);
  });
});
