import { describe, expect, it } from 'vitest';
import { importSnapshot } from '../../src/sim/import.js';
import { defaultState, serializeState, type SimState } from '../../src/sim/state.js';
import { runTool } from '../../src/sim/tools.js';
import { runZmprov } from '../../src/sim/zmprov.js';

function capture(state: SimState) {
  const out = (argv: string[]) => {
    const r = runZmprov(state, argv);
    expect(r.exitCode).toBe(0);
    return r.stdout;
  };
  return {
    gaa: out(['-l', 'gaa', '-v']),
    gd: Object.keys(state.domains).map((d) => out(['gd', d])).join(''),
    gacf: out(['gacf']),
    gs: out(['gs', state.hostname]),
    version: runTool(state, 'zmcontrol', ['-v']).stdout,
    hostname: runTool(state, 'zmhostname', []).stdout,
  };
}

describe('importSnapshot', () => {
  it('round-trips the default state through the sim\'s own gaa -v / gd / gacf / gs', () => {
    const state = defaultState();
    expect(serializeState(importSnapshot(capture(state)))).toBe(serializeState(state));
  });

  it('round-trips a modified 8.6 state with aliases, a placeholder and a catch-all', () => {
    const state = defaultState({ version: '8.6.0', hostname: 'mail.corp.test', domain: 'corp.test' });
    const run = (argv: string[]) => expect(runZmprov(state, argv).exitCode).toBe(0);
    run(['ca', 'ph@corp.test', '', 'zimbraAccountStatus', 'locked', 'displayName', 'Place Holder']);
    run(['ma', 'ph@corp.test', 'zimbraMailTransport', 'smtp:[exch.corp.test]:25']);
    run(['aaa', 'alice@corp.test', 'a.archer@corp.test']);
    run(['md', 'corp.test', 'zimbraMailCatchAllAddress', '@corp.test', 'zimbraGalMaxResults', '500']);
    run(['cd', 'other.test']);
    run(['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE', 'zimbraMtaRelayHost', '[exch.corp.test]:25']);
    const imported = importSnapshot(capture(state));
    expect(imported.version).toBe('8.6.0');
    expect(imported.hostname).toBe('mail.corp.test');
    expect(serializeState(imported)).toBe(serializeState(state));
  });

  it('round-trips distribution lists through gadl -v (--gadl)', () => {
    const state = defaultState();
    const run = (argv: string[]) => expect(runZmprov(state, argv).exitCode).toBe(0);
    run(['cdl', 'staff@example.com', 'displayName', 'Staff']);
    run(['adla', 'staff@example.com', 'team@example.com']);
    run(['adlm', 'staff@example.com', 'alice@example.com', 'bob@example.com']);
    run(['cdl', 'empty@example.com']);
    const imported = importSnapshot({ ...capture(state), gadl: runZmprov(state, ['gadl', '-v']).stdout });
    expect(serializeState(imported)).toBe(serializeState(state));
  });

  it('an imported state behaves like the original (routing lookups)', () => {
    const state = defaultState();
    runZmprov(state, ['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.net]:25']);
    const copy = importSnapshot(capture(state));
    const q = (s: SimState) => runTool(s, 'postmap', ['-q', 'bob@example.com', 'ldap:/opt/zimbra/conf/ldap-transport.cf']).stdout;
    expect(q(copy)).toBe('smtp:[mail.example.net]:25\n');
    expect(runTool(copy, 'postconf', ['-h', 'mynetworks']).stdout).toBe(runTool(state, 'postconf', ['-h', 'mynetworks']).stdout);
  });

  it('invents a server entry when no gs was captured, and guesses the version family', () => {
    const state = defaultState({ version: '8.6.0' });
    const { gaa, gd, gacf } = capture(state);
    const imported = importSnapshot({ gaa, gd, gacf });
    expect(imported.hostname).toBe('zimbra.example.com');
    expect(imported.servers['zimbra.example.com'].zimbraServiceEnabled).toContain('mailbox');
    expect(imported.version).toBe('8.6.0');
    expect(Object.keys(imported.accounts)).toEqual(Object.keys(state.accounts));
  });
});
