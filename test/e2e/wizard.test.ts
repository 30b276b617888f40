// The wizard end to end in a real terminal (node-pty + xterm headless, 80x24), on the rehearsal simulator.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, openWizard } from './terminal.js';
import type { Wizard } from './terminal.js';
import { setupToReview } from './walk.js';

const open: Wizard[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.kill();
});

function start(opts: Parameters<typeof openWizard>[0] = {}): Wizard {
  const w = openWizard(opts);
  open.push(w);
  return w;
}

/** Ink clears the whole screen (ESC[2J) when a frame is taller than the terminal. */
const CLEAR_SCREEN = '\u001B[2J';
const COLOR = /\u001B\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[25])(?:;[0-9;]*)?m/;

function assertFrames(w: Wizard, rows = 24): void {
  expect(w.heights.length).toBeGreaterThan(5);
  for (const h of w.heights) expect(h.lines, h.screen).toBeLessThanOrEqual(rows - 1);
  for (const h of w.heights) expect(h.screen.split('\n').length).toBeLessThanOrEqual(rows);
  expect(w.raw().includes(CLEAR_SCREEN)).toBe(false);
}

describe('the wizard in a terminal', () => {
  it('setup -> preview -> apply -> injected failure -> rollback, with NO_COLOR, 80x24', async () => {
    const w = start({ env: { NO_COLOR: '1', ZSPLIT_SIM_FAIL: '^ms .*zimbraMtaMyNetworks' } });
    let s = await w.waitFor('What do you want to do?');
    expect(s.split('\n')[0]).toContain('REHEARSAL: simulated Zimbra, nothing real is changed');
    await w.waitFor('REHEARSAL on the simulated Zimbra 10.1.0');
    await setupToReview(w, ['carol@example.com', 'dave@example.com']);
    s = w.screen();
    expect(s).toMatch(/ok peer\s+internet\s+carol@example\.com/);
    await w.press(KEYS.enter);
    s = await w.waitFor('Preview: 8 steps (5 zmprov, 1 reload, 2 manual)');
    expect(s).toContain("$ zmprov ca carol@example.com '' zimbraAccountStatus locked");
    expect(s).toContain('rollback: zmprov da carol@example.com');
    // export for the change ticket
    await w.press('e');
    await w.waitFor('Export to');
    await w.press(KEYS.enter);
    await w.waitFor(/Wrote .*zsplit-setup-example\.com\.sh/);
    expect(existsSync(join(w.dir, 'zsplit-setup-example.com.json'))).toBe(true);
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.enter); // step by step
    s = await w.waitFor('Steps 1-4 of 8: 4 changes in one zmprov batch');
    expect(s).toMatch(/> No, skip these changes\s+\(default\)/);
    await w.press('y', KEYS.enter);
    s = await w.waitFor('Step 5 of 8: Let 192.0.2.10/32 relay through');
    // finished steps were written above the frame, once
    expect(w.history()).toContain('APPLIED  Placeholder for carol@example.com (locked)');
    expect(w.history().split('APPLIED  Placeholder for carol@example.com').length).toBe(2);
    await w.press('y', KEYS.enter);
    s = await w.waitFor('What now?');
    expect(s).toContain('FAILED: Let 192.0.2.10/32 relay through zimbra.example.com');
    expect(s).toContain('ERROR: service.FAILURE (system failure: injected)');
    expect(w.sim().accounts['carol@example.com'].zimbraAccountStatus).toEqual(['locked']);
    await w.choose('Roll back the whole run');
    await w.press(KEYS.enter);
    s = await w.waitFor('2 inverse step(s), newest first');
    expect(s).toContain('$ zmprov da dave@example.com');
    await w.press(KEYS.enter);
    await w.waitFor('Undo these changes on REHEARSAL');
    await w.press(KEYS.down, KEYS.down, KEYS.enter);
    s = await w.waitFor('Rollback: COMPLETED');
    expect(s).toContain('2 applied, 0 unchanged, 0 skipped, 0 failed');
    // the simulator's final state: as before the run
    const sim = w.sim();
    expect(sim.accounts['carol@example.com']).toBeUndefined();
    expect(sim.accounts['dave@example.com']).toBeUndefined();
    expect(sim.servers['zimbra.example.com'].zimbraMtaMyNetworks).toEqual(['127.0.0.0/8 [::1]/128 10.0.0.10/32']);
    const runs = readdirSync(join(w.stateDir, 'runs'));
    expect(runs.filter((f) => f.endsWith('-apply.jsonl'))).toHaveLength(1);
    expect(readFileSync(join(w.stateDir, 'runs', runs.find((f) => f.endsWith('-apply.jsonl'))!), 'utf8')).toContain('"status":"rolled-back"');
    await w.press(KEYS.enter);
    // rolled back: nothing to continue or resume (issue 10)
    s = await w.waitFor('(no interrupted run)');
    expect(s).not.toContain('Continue the setup of example.com');
    await w.press('q');
    expect(await w.exited).toBe(0);
    assertFrames(w);
    expect(COLOR.test(w.raw())).toBe(false);
  });

  it('setup applied, a cutover of two users, then unsplit, 80x24 with colours', async () => {
    const w = start();
    await setupToReview(w, ['carol@example.com', 'dave@example.com']);
    await w.press(KEYS.enter);
    await w.waitFor('Preview: 8 steps');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.down, KEYS.enter); // all
    let s = await w.waitFor('Setup: COMPLETED');
    expect(s).toContain('6 applied');
    await w.press(KEYS.enter);
    // cutover: the answers carry over from the setup
    await w.waitFor('Cut over users');
    await w.choose('Cut over users');
    await w.press(KEYS.enter);
    await w.waitFor("Zimbra's role");
    await w.press(KEYS.enter, KEYS.enter);
    await w.waitFor(/> \[ Continue \]/);
    await w.press(KEYS.enter);
    s = await w.waitFor('Cut over users to Zimbra');
    expect(s).toContain('[ ] carol@example.com');
    await w.press(KEYS.space, KEYS.down, KEYS.space);
    await w.waitFor('selected 2');
    await w.press(KEYS.enter);
    s = await w.waitFor('Mail flow after the plan');
    expect(s).toContain('Wave      wave-1: 2 user(s) to-zimbra');
    await w.press(KEYS.enter);
    await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.down, KEYS.enter);
    s = await w.waitFor('Cutover: COMPLETED');
    let sim = w.sim();
    for (const u of ['carol@example.com', 'dave@example.com']) {
      expect(sim.accounts[u].zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
      expect(sim.accounts[u].zimbraAccountStatus).toEqual(['active']);
    }
    await w.press(KEYS.enter);
    // unsplit: nobody left on the peer
    await w.waitFor('Unsplit cleanup');
    await w.choose('Unsplit cleanup');
    await w.press(KEYS.enter);
    await w.waitFor("Zimbra's role");
    await w.press(KEYS.enter, KEYS.enter);
    await w.waitFor(/> \[ Continue \]/);
    await w.press(KEYS.enter);
    s = await w.waitFor('nobody is left behind');
    await w.press(KEYS.enter);
    await w.waitFor('Mail flow after the plan');
    await w.press(KEYS.enter);
    s = await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.down, KEYS.enter);
    s = await w.waitFor('Unsplit: COMPLETED');
    sim = w.sim();
    expect(sim.servers['zimbra.example.com'].zimbraMtaMyNetworks.join(' ')).not.toContain('192.0.2.10');
    await w.press('q');
    expect(await w.exited).toBe(0);
    assertFrames(w);
    expect(COLOR.test(w.raw())).toBe(true);
  });

  it('Ctrl+C once stops after the current step with the journal saved; twice exits at once', async () => {
    // a slow simulated JVM start, so there is time to press keys while zmprov "runs"
    const w = start({ env: { ZSPLIT_SIM_START_MS: '700' } });
    await setupToReview(w, ['carol@example.com']);
    await w.press(KEYS.enter);
    await w.waitFor('Preview:');
    await w.press(KEYS.enter);
    await w.waitFor('How?');
    await w.press(KEYS.down, KEYS.enter); // all
    await w.waitFor(/Reading current values|Planning|Applying/);
    await w.press(KEYS.ctrlC);
    await w.waitFor('Stopping after the current step');
    const s = await w.waitFor(/Setup: STOPPED/, 15_000);
    expect(s).toContain('resume from the start screen');
    await w.press(KEYS.enter);
    await w.waitFor(/Resume the interrupted run\s+\d{8}T\d{6}Z-apply/);
    // resume, and this time Ctrl+C twice: out at once
    await w.choose('Resume the interrupted run');
    await w.press(KEYS.enter);
    await w.waitFor('Resume run');
    await w.press(KEYS.down, KEYS.enter);
    await w.waitFor(/Reading current values|Planning|Applying/);
    const t0 = Date.now();
    await w.press(KEYS.ctrlC, KEYS.ctrlC);
    expect(await w.exited).toBe(130);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(w.raw()).toContain('stopped at once (Ctrl+C twice)');
    assertFrames(w);
  });

  it('without a terminal, zsplit names the headless commands and exits 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/zsplit.js'), '--rehearsal'], { encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('zsplit plan setup');
  });
});
