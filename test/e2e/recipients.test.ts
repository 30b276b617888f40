// Issue 14 in a real terminal: the peer's recipient export loaded on the Accounts screen, shown by class before the plan.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, openWizard } from './terminal.js';
import type { Wizard } from './terminal.js';
import { toAccounts } from './walk.js';

const FIX = resolve(import.meta.dirname, '..', 'inventory', 'fixtures');

const open: Wizard[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.kill();
});

describe('recipient sources in a terminal', () => {
  it('an Exchange Get-Recipient export: counts by class, addresses of other domains, duplicates; then the plan', async () => {
    const w = openWizard();
    open.push(w);
    await toAccounts(w);
    await w.choose('Load recipients from the peer');
    await w.press(KEYS.enter);
    await w.waitFor('format: auto');
    await w.type(join(FIX, 'exchange-recipients.csv'));
    await w.press(KEYS.enter);
    let s = await w.waitFor('Recipients of the peer by class');
    s = await w.waitFor(/User mailboxes\s+5\s*$/m);
    expect(s).toMatch(/Shared mailboxes\s+5\s*$/m);
    expect(s).toMatch(/Room mailboxes\s+3\s*$/m);
    expect(s).toMatch(/Distribution lists\s+5\s*$/m);
    expect(s).toMatch(/Mail contacts \(forward elsewhere\)\s+3\s*$/m);
    expect(s.replace(/\s+/g, ' ')).toContain('39 address(es) outside example.com left out');
    expect(s).toContain('0 duplicate(s)');
    await w.press(KEYS.esc);
    s = await w.waitFor(/> Continue with 39 account\(s\)/);
    expect(s).toContain('From the peer: User mailboxes 5, Shared mailboxes 5');
    await w.press(KEYS.enter);
    await w.waitFor('Mail flow after the plan');
    await w.press(KEYS.enter);
    s = await w.waitFor('Preview:');
    await w.press('q');
    expect(await w.exited).toBe(0);
    // every frame, the by-class view included, fits the 80x24 terminal
    for (const h of w.heights) expect(h.lines, h.screen).toBeLessThanOrEqual(23);
    // the saved answers name the export, they do not copy it
    const fields = JSON.parse(readFileSync(join(w.stateDir, 'answers.json'), 'utf8')).domains['example.com'].fields;
    expect(fields.recipientSources).toEqual([{ path: join(FIX, 'exchange-recipients.csv'), format: 'auto' }]);
    expect(fields.peerAccounts).toBe('');
  });
});
