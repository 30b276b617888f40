// End to end on the simulator, in-process through the CLI (--rehearsal): a server that had
// zimbraMtaSmtpDnsSupportLevel dnssec and a relay host of its own before a secondary setup gets
// both back from unsplit, which reads them from the setup run's journal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultState, loadState, saveState } from '../../src/sim/state.js';
import { cli } from '../helpers/cli.js';

const ANSWERS = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];
const ENV = { ZSPLIT_SIM_START_MS: '0', CI: 'true' };

describe('unsplit after a setup (rehearsal): back to what setup found', () => {
  it('dnssec goes back to dnssec, the smarthost back, the catch-all and transport of the domain gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-prior-'));
    const state = join(dir, 'sim-state.json');
    const s = defaultState({ hostname: 'zimbra.example.com' });
    s.config.zimbraMtaSmtpDnsSupportLevel = ['dnssec'];
    s.config.zimbraMtaRelayHost = ['[smarthost.example.net]:587'];
    saveState(state, s);
    const flags = ['--rehearsal', '--sim-state', state, '--state-dir', join(dir, 'zsplit')];

    const setup = await cli(['apply', 'setup', ...ANSWERS, ...flags, '--yes'], ENV);
    expect(setup.code, setup.err + setup.out).toBe(0);
    expect(loadState(state).config).toMatchObject({ zimbraMtaSmtpDnsSupportLevel: ['disabled'], zimbraMtaRelayHost: ['[mail.example.com]:25'] });

    const preview = await cli(['plan', 'unsplit', ...ANSWERS, ...flags], ENV);
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toContain('zimbraMtaSmtpDnsSupportLevel dnssec');
    expect(preview.err).toMatch(/restores the values setup found, from its journal \(\d{8}T\d{6}Z-apply\)/);

    const un = await cli(['apply', 'unsplit', ...ANSWERS, ...flags, '--yes'], ENV);
    expect(un.code, un.err + un.out).toBe(0);
    const after = loadState(state);
    expect(after.config.zimbraMtaSmtpDnsSupportLevel).toEqual(['dnssec']);
    expect(after.config.zimbraMtaRelayHost).toEqual(['[smarthost.example.net]:587']);
    expect(after.domains['example.com'].zimbraMailTransport).toBeUndefined();
    expect(after.domains['example.com'].zimbraMailCatchAllAddress).toBeUndefined();
  });
});
