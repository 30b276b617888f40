// End to end on the simulator, in-process through the CLI (--rehearsal): a secondary setup with a
// Sendmail peer creates zimbra-route.example.com as an alias domain of example.com (zimbra.md
// §6.4), and its rollback deletes it, leaving the state file byte-identical (as the rollback of a
// setup does in test/apply/external.test.ts).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultState, loadState, saveState, walPath } from '../../src/sim/state.js';
import { cli } from '../helpers/cli.js';

const ROUTE = 'zimbra-route.example.com';
const ANSWERS = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'sendmail', '--peer-ip', '192.0.2.10'];
const ENV = { ZSPLIT_SIM_START_MS: '0', CI: 'true' };

describe('the routing subdomain on the simulator (apply, rollback)', () => {
  it('a secondary setup with a Sendmail peer creates the alias domain; rollback deletes it and the state file is byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-route-'));
    const state = join(dir, 'sim-state.json');
    saveState(state, defaultState({ hostname: 'zimbra.example.com' }));
    const flags = ['--rehearsal', '--sim-state', state, '--state-dir', join(dir, 'zsplit')];
    const before = readFileSync(state, 'utf8');
    const stateNow = () => {
      expect(existsSync(walPath(state))).toBe(false);
      return readFileSync(state, 'utf8');
    };

    const a = await cli(['apply', 'setup', ...ANSWERS, ...flags, '--yes'], ENV);
    expect(a.code, a.err + a.out).toBe(0);
    expect(a.out).toMatch(/Accept zimbra-route\.example\.com as an alias domain of example\.com/);
    const applied = loadState(state);
    expect(applied.domains[ROUTE]).toMatchObject({
      zimbraDomainName: [ROUTE],
      zimbraDomainType: ['alias'],
      zimbraMailCatchAllAddress: [`@${ROUTE}`],
      zimbraMailCatchAllForwardingAddress: ['@example.com'],
      zimbraMailStatus: ['enabled'],
      // as ProvUtil's createAliasDomain (cad) sets it: without it the alias domain names no target
      zimbraDomainAliasTargetId: applied.domains['example.com'].zimbraId,
    });
    expect(applied.domains['example.com'].zimbraMailCatchAllAddress).toEqual(['@example.com']);
    expect(stateNow()).not.toBe(before);

    const r = await cli(['rollback', ...flags, '--yes'], ENV);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain(`zmprov dd ${ROUTE}`);
    expect(loadState(state).domains[ROUTE]).toBeUndefined();
    expect(stateNow()).toBe(before);

    // applied again, and once more: the second run finds the alias domain there (unchanged)
    expect((await cli(['apply', 'setup', ...ANSWERS, ...flags, '--yes'], ENV)).code).toBe(0);
    const again = await cli(['apply', 'setup', ...ANSWERS, ...flags, '--yes'], ENV);
    expect(again.code, again.err + again.out).toBe(0);
    expect(again.out).toMatch(/COMPLETED: 0 applied, 10 unchanged/);
    // what is left to do by hand, and where
    expect(again.out).toContain('2 manual step(s) to do now, in this order');
    expect(again.out).toMatch(/\[on: shell on the Sendmail host \(as root\)\]/);
    expect(again.out).toMatch(/\[on: DNS\]/);
  });
});
