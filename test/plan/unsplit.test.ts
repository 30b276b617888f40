/**
 * Unsplit puts back what setup found: the before-values its journal recorded (not defaults),
 * and it takes the peer out of a mynetworks value that setup wrote as one joined list.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers, Job, Role } from '../../src/model/types.js';
import { plan } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import { priorKey } from '../../src/plan/mta.js';
import { entryKey } from '../../src/zimbra/commands.js';
import type { Entry } from '../../src/zimbra/commands.js';
import { JournalStore, now } from '../../src/journal/journal.js';
import { priorOfSetup } from '../../src/journal/prior.js';

const HOST = 'zimbra.example.com';
const server: Entry = { kind: 'server', name: HOST };
const config: Entry = { kind: 'config', name: '' };

function answers(job: Job, role: Role, extra: Partial<Answers> = {}): Answers {
  return {
    domains: ['example.com'],
    role,
    zimbraHosts: [HOST],
    mailboxHost: HOST,
    zimbraVersion: '10.1.0',
    peer: { kind: 'postfix', host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
    peerAccounts: [],
    force: true,
    ...extra,
  };
}

const argvOf = (p: ReturnType<typeof plan>, id: string) => p.steps.find((s) => s.id === id)?.argv;

describe('unsplit restores the values setup found', () => {
  it('MX lookups go back to dnssec when setup found dnssec, and the relay host to the smarthost there was', () => {
    const prior = { runs: ['r1'], values: { [priorKey(config, 'zimbraMtaSmtpDnsSupportLevel')]: ['dnssec'], [priorKey(config, 'zimbraMtaRelayHost')]: ['[smarthost.example.net]:587'] } };
    const p = plan('unsplit', answers('unsplit', 'secondary', { prior }));
    expect(argvOf(p, 'mta.dns:global')).toEqual(['mcf', 'zimbraMtaSmtpDnsSupportLevel', 'dnssec']);
    expect(argvOf(p, 'mta.relayhost:global')).toEqual(['mcf', 'zimbraMtaRelayHost', '[smarthost.example.net]:587']);
    expect(p.steps.find((s) => s.id === 'mta.dns:global')!.why).toContain('journal (r1)');
  });

  it('an attribute that was unset goes back to unset (inherited), not to a default', () => {
    const prior = { runs: ['r1'], values: { [priorKey(config, 'zimbraMtaSmtpDnsSupportLevel')]: [] } };
    expect(argvOf(plan('unsplit', answers('unsplit', 'secondary', { prior })), 'mta.dns:global')).toEqual(['mcf', 'zimbraMtaSmtpDnsSupportLevel', '']);
  });

  it('without a journal: the default, said so in a note', () => {
    const p = plan('unsplit', answers('unsplit', 'secondary'));
    expect(argvOf(p, 'mta.dns:global')).toEqual(['mcf', 'zimbraMtaSmtpDnsSupportLevel', 'enabled']);
    expect(p.notes.join(' ')).toMatch(/No journal of the setup run/);
  });
});

describe('unsplit of a peer network copied down into one joined value', () => {
  const observed = (own: string[]): Observed => ({
    entries: { [entryKey(server)]: { zimbraMtaMyNetworks: own }, [entryKey(config)]: { zimbraMtaMyNetworks: ['127.0.0.0/8 [::1]/128'] } },
    accounts: [],
  });

  it('removes the peer from the joined value (a -attr of the bare address would match nothing)', () => {
    const p = plan('unsplit', answers('unsplit', 'primary'), observed(['127.0.0.0/8 [::1]/128 10.1.1.0/24 192.0.2.10/32']));
    const s = p.steps.find((x) => x.id.startsWith('mta.mynetworks'))!;
    expect(s.argv).toEqual(['ms', HOST, 'zimbraMtaMyNetworks', '127.0.0.0/8 [::1]/128 10.1.1.0/24']);
    expect(s.inverse).toEqual(['ms', HOST, 'zimbraMtaMyNetworks', '127.0.0.0/8 [::1]/128 10.1.1.0/24 192.0.2.10/32']);
    expect(p.steps.some((x) => x.kind === 'reload')).toBe(true);
  });

  it('unsets the server value when setup\'s journal says there was none and the rest is the global list', () => {
    const prior = { runs: ['r1'], values: { [priorKey(server, 'zimbraMtaMyNetworks')]: [] } };
    const p = plan('unsplit', answers('unsplit', 'primary', { prior }), observed(['127.0.0.0/8 [::1]/128 192.0.2.10/32']));
    expect(p.steps.find((x) => x.id.startsWith('mta.mynetworks'))!.argv).toEqual(['ms', HOST, 'zimbraMtaMyNetworks', '']);
  });

  it('a peer network stored as a value of its own is still removed with -attr', () => {
    const p = plan('unsplit', answers('unsplit', 'primary'), observed(['127.0.0.0/8', '192.0.2.10/32']));
    expect(p.steps.find((x) => x.id.startsWith('mta.mynetworks'))!.argv).toEqual(['ms', HOST, '-zimbraMtaMyNetworks', '192.0.2.10/32']);
  });
});

describe('priorOfSetup reads the setup run\'s journal', () => {
  it('takes the before-value of each applied step, the first setup run winning; skips rolled-back runs and other domains', () => {
    const store = new JournalStore(mkdtempSync(join(tmpdir(), 'zsplit-prior-')));
    const a = answers('setup', 'secondary');
    const setup = plan('setup', a);
    const write = (runId: string, domains: string[], before: string[], end?: 'completed' | 'rolled-back') => {
      const j = store.open(runId);
      const p = { ...setup, answers: { ...a, domains } };
      j.append({ t: 'run', runId, kind: 'apply', job: 'setup', target: 'local', executor: 'x', planHash: 'h', operator: 'o', host: 'h', version: '1', time: now(), plan: p });
      j.appendAll([{ t: 'intent', step: 'mta.dns:global', before, time: now() }, { t: 'result', step: 'mta.dns:global', status: 'applied', time: now() }]);
      j.appendAll([{ t: 'intent', step: 'mta.relayhost:global', before: [], time: now() }, { t: 'result', step: 'mta.relayhost:global', status: 'unchanged', time: now() }]);
      if (end) j.append({ t: 'end', status: end, time: now() });
      j.close();
    };
    write('20260101T000000Z-apply', ['example.com'], ['dnssec'], 'completed');
    write('20260102T000000Z-apply', ['example.com'], ['disabled'], 'completed');
    write('20260103T000000Z-apply', ['example.com'], ['enabled'], 'rolled-back');
    write('20260104T000000Z-apply', ['other.example'], ['enabled'], 'completed');
    const prior = priorOfSetup(store.runs(), ['example.com'])!;
    expect(prior.runs).toEqual(['20260101T000000Z-apply', '20260102T000000Z-apply']);
    expect(prior.values).toEqual({ [priorKey(config, 'zimbraMtaSmtpDnsSupportLevel')]: ['dnssec'] });
    expect(priorOfSetup(store.runs(), ['nothing.example'])).toBeUndefined();
  });
});
