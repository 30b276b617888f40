// trace and verify reuse the wizard's saved answers of the domain, and in rehearsal read the
// simulated directory (a trace said bob REJECTED while bob exists in it).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultState, saveState } from '../../src/sim/state.js';
import { SavedAnswers } from '../../src/wizard/saved.js';
import { EMPTY_FIELDS } from '../../src/wizard/state.js';
import { cli } from '../helpers/cli.js';

async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'zsplit-saved-'));
  (await SavedAnswers.open(dir)).save({
    domain: 'example.com',
    task: 'setup',
    screen: 'preview',
    fields: { ...EMPTY_FIELDS, domain: 'example.com', role: 'primary', peerKind: 'postfix', zimbraHost: 'zimbra.example.com', zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerIp: '192.0.2.10', peerAccounts: 'carol@example.com\n' },
  });
  mkdirSync(join(dir, 'rehearsal'), { recursive: true });
  saveState(join(dir, 'rehearsal', 'sim-state.json'), defaultState());
  // no Zimbra installed here: the commands run in rehearsal, as apply does
  const env = { ZSPLIT_SIM_START_MS: '0', ZSPLIT_ZIMBRA_BIN: join(dir, 'no-zimbra'), ZSPLIT_ZMPROV: '' };
  return { dir, env };
}

describe('trace with the saved answers of the domain', () => {
  it('needs no flags, and reads the simulated directory: bob exists, so he is delivered on Zimbra', async () => {
    const w = await world();
    const r = await cli(['trace', 'bob@example.com', '--from', 'internet', '--state-dir', w.dir], w.env);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('using the answers saved for example.com');
    expect(r.out).toMatch(/peer postfix mail\.example\.com/);
    expect(r.out).toContain('the directory read on REHEARSAL');
    expect(r.out).toMatch(/from internet: DELIVERED on Zimbra/);
    // carol is a peer user of the saved answers: the plan's placeholder sends her to the peer
    const c = await cli(['trace', 'carol@example.com', '--from', 'internet', '--state-dir', w.dir], w.env);
    expect(c.out).toMatch(/from internet: DELIVERED on the peer/);
  });

  it('answers given as flags are the whole set: nothing saved mixes in', async () => {
    const w = await world();
    const r = await cli(['trace', 'bob@example.com', '--role', 'secondary', '--state-dir', w.dir], w.env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--peer-host: is required/);
  });
});

describe('verify with the saved answers of the domain', () => {
  it('uses them (no "is required"), against the simulated Zimbra', async () => {
    const w = await world();
    const r = await cli(['verify', '--pre', '--json', '--rehearsal', '--dns-server', '127.0.0.1:9', '--timeout', '1', '--state-dir', w.dir], w.env);
    expect(r.err).not.toMatch(/is required/);
    expect(r.err).toContain('using the answers saved for example.com');
    expect(JSON.parse(r.out).checks.some((c: { target: string }) => c.target === 'example.com')).toBe(true);
  });
});
