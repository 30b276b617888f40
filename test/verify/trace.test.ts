/**
 * `zsplit trace`: each of the seeds' mail-flow examples, hop by hop (seed 000's "Examples of Mail
 * Flow" and its master/slave rules; seed 003's migrated user and its loops), offline and against
 * the simulated Zimbra.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultState, saveState } from '../../src/sim/state.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'zsplit-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Hermetic: no saved wizard answers and no simulated directory of this machine's user (a rehearsal
// directory, once it exists, is what trace reads when no Zimbra is installed).
process.env.ZSPLIT_STATE_DIR = dir;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const peerAccounts = file('peer.txt', 'bar@example.com barry@example.com\n');
const base = ['--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-kind', 'postfix', '--peer-host', 'mail.example.com', '--peer-ip', '192.0.2.10', '--peer-accounts', peerAccounts];
const primary = ['--role', 'primary', ...base];
const secondary = ['--role', 'secondary', ...base];

/**
 * Each of `patterns` appears in `out`, in that order (each after the previous one). Whitespace is
 * normalised first, so a hop that the formatter wrapped over two lines still matches.
 */
function inOrder(out: string, patterns: string[]): void {
  const flat = out.replace(/\s+/g, ' ');
  let from = 0;
  for (const p of patterns) {
    const i = flat.indexOf(p.replace(/\s+/g, ' '), from);
    if (i < 0) throw new Error(`not found after offset ${from}: ${p}\n${out}`);
    from = i + p.length;
  }
}

describe('zsplit trace: seed 000, "Examples of Mail Flow"', () => {
  it('"Zimbra is master, mail sent from the internet, account lives on the existing infrastructure": internet -> postfix server -> account transport -> existing MTA -> existing mail store', async () => {
    const r = await cli(['trace', 'bar@example.com', '--from', 'internet', ...primary]);
    expect(r.code).toBe(0);
    inOrder(r.out, [
      'bar@example.com, from the Internet',
      'Internet',
      'MX example.com: -> Zimbra MTA zimbra.example.com',
      '-> Zimbra MTA zimbra.example.com <bar@example.com>',
      'listed: account',
      'transport_maps bar@example.com: account zimbraMailTransport smtp:[mail.example.com]:25',
      '-> peer MTA mail.example.com <bar@example.com>',
      'recipient bar@example.com: local mailbox',
      '-> peer mailbox mail.example.com <bar@example.com>',
      '=> DELIVERED on the peer: delivered to the peer mailbox bar@example.com on mail.example.com',
    ]);
    expect(r.out).toContain('zimbraAccountStatus locked');
  });

  it('"Zimbra is slave, mail sent from (zimbra) -> (old system)": browser -> postfix server -> account not local, domain transport -> existing MTA -> existing mail store', async () => {
    const r = await cli(['trace', 'bar@example.com', '--from', 'zimbra', ...secondary]);
    expect(r.code).toBe(0);
    inOrder(r.out, [
      'bar@example.com, sent by a Zimbra user',
      'Zimbra mailbox zimbra.example.com <bar@example.com>',
      'a Zimbra user sends (web client or SMTP AUTH): submitted to Zimbra MTA zimbra.example.com',
      '-> Zimbra MTA zimbra.example.com <bar@example.com>',
      'no account or alias; matched by catch-all',
      'transport_maps bar@example.com, then example.com: no account bar@example.com; domain example.com zimbraMailTransport smtp:[mail.example.com]:25',
      '-> peer MTA mail.example.com <bar@example.com>',
      '=> DELIVERED on the peer',
    ]);
  });

  it('"The master MTA must reject on RCPT TO: those accounts that do not exist in either system"', async () => {
    const r = await cli(['trace', 'nosuch@example.com', '--from', 'internet', ...primary]);
    inOrder(r.out, ['-> Zimbra MTA zimbra.example.com <nosuch@example.com>', 'RCPT TO <nosuch@example.com>: rejected: 550 5.1.1', '=> REJECTED: Zimbra MTA zimbra.example.com rejects RCPT TO']);
    expect(r.out).toContain('note: nosuch@example.com is neither a peer account');
  });

  it('"The slave MTA must forward mail for all other accounts on the domain to the master MTA": the master refuses unknown ones', async () => {
    const r = await cli(['trace', 'nosuch@example.com', '--from', 'zimbra', ...secondary]);
    inOrder(r.out, ['-> Zimbra MTA zimbra.example.com <nosuch@example.com>', 'matched by catch-all', '-> peer MTA mail.example.com <nosuch@example.com>', 'rejected: 550 5.1.1 <nosuch@example.com>: Recipient address rejected: User unknown in relay recipient table', '=> BOUNCED']);
    const internet = await cli(['trace', 'nosuch@example.com', '--from', 'internet', ...secondary]);
    inOrder(internet.out, ['MX example.com: -> peer MTA mail.example.com', '=> REJECTED: peer MTA mail.example.com rejects RCPT TO']);
  });

  it('"Master needs to be authoritative, and if it forwards unknown accounts, then we would have a mail loop"', async () => {
    const r = await cli(['trace', 'nosuch@example.com', '--from', 'internet', '--peer-mode', 'forward-unknown', ...secondary]);
    expect(r.code).toBe(0);
    inOrder(r.out, [
      '-> peer MTA mail.example.com <nosuch@example.com>',
      'not a local mailbox: fallback_transport / luser_relay',
      '-> Zimbra MTA zimbra.example.com <nosuch@example.com>',
      'matched by catch-all',
      '-> peer MTA mail.example.com <nosuch@example.com>',
      'arrival: already passed here (2 hand-offs ago): mail loop',
      '=> LOOP: mail loops: peer MTA mail.example.com <nosuch@example.com> -> Zimbra MTA',
    ]);
    inOrder(r.out, ['"554 5.4.0 Error: too many hops"']);
    // and zsplit refuses the plan that would configure it: exit 2, the looping trace as the reason
    const plan = await cli(['plan', 'setup', '--peer-mode', 'forward-unknown', ...secondary]);
    expect(plan.code).toBe(2);
    expect(plan.err).toContain('=> LOOP: mail loops');
    expect(plan.err).toContain('nothing was applied');
    expect(plan.out).toBe('');
  });

  it('every entry point by default, and an alias of a peer user', async () => {
    const r = await cli(['trace', 'barry@example.com', ...primary]);
    expect(r.out).toContain('barry@example.com, from the Internet');
    expect(r.out).toContain('barry@example.com, sent by a Zimbra user');
    expect(r.out).toContain('barry@example.com, sent by a peer user');
    expect(r.out).toContain('virtual_alias_maps barry@example.com: alias -> bar@example.com');
    expect(r.out).toContain('from internet: DELIVERED on the peer; from zimbra: DELIVERED on the peer; from peer: DELIVERED on the peer');
  });
});

describe('zsplit trace: seed 003', () => {
  const m365 = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-kind', 'm365', '--peer-host', 'contoso-com.mail.protection.outlook.com', '--peer-accounts', peerAccounts];

  it('"A user migrated to Microsoft 365 ... internal Zimbra users continue attempting local delivery": after the cutover wave, Zimbra forwards', async () => {
    const users = file('wave.txt', 'dave@example.com\n');
    const r = await cli(['trace', 'cutover', 'dave@example.com', '--from', 'zimbra', '--users', users, '--direction', 'to-peer', ...m365]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('after the cutover plan');
    inOrder(r.out, [
      'a Zimbra user sends',
      '-> Zimbra MTA zimbra.example.com <dave@example.com>',
      'zimbraAccountStatus locked',
      'transport_maps dave@example.com: account zimbraMailTransport',
      '-> peer MTA contoso-com.mail.protection.outlook.com <dave@example.com>',
      '=> DELIVERED on the peer',
    ]);
  });

  it('"internal mail loops emerge" when both platforms forward (Microsoft 365 InternalRelay + a Zimbra catch-all)', async () => {
    const r = await cli(['trace', 'ghost@example.com', '--from', 'peer', '--peer-mode', 'forward-unknown', ...m365.map((a) => (a === 'primary' ? 'secondary' : a))]);
    inOrder(r.out, ['ghost@example.com, sent by a peer user', 'accepted domain InternalRelay: outbound connector "To Zimbra" -> zimbra.example.com', 'matched by catch-all', '=> LOOP', '"5.4.14 Hop count exceeded"']);
  });
});

describe('zsplit trace: output and input', () => {
  it('--json: the traces as data', async () => {
    const r = await cli(['trace', 'bar@example.com', '--from', 'internet', '--json', ...primary]);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ format: 'zsplit.trace/1', address: 'bar@example.com', job: 'setup', role: 'primary', state: 'offline+plan', mx: 'zimbra', peerMode: 'forward-unknown' });
    expect(j.traces).toHaveLength(1);
    expect(j.traces[0]).toMatchObject({ outcome: 'delivered-peer', acceptedBy: 'zimbra-mta' });
    expect(j.traces[0].hops.map((h: { system: string }) => h.system)).toEqual(['internet', 'zimbra-mta', 'zimbra-mta', 'peer-mta', 'peer-mailbox']);
  });

  it('names the bad flag: --from, a missing address, a job without its answers', async () => {
    const bad = await cli(['trace', 'bar@example.com', '--from', 'moon', ...primary]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--from: "moon" must be internet, zimbra or peer');
    const none = await cli(['trace', ...primary]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('name one address');
    const cut = await cli(['trace', 'cutover', 'bar@example.com', ...primary]);
    expect(cut.code).toBe(2);
    expect(cut.err).toContain('--users');
  });

  it('--rehearsal: through the simulated directory (its Zimbra users are known)', async () => {
    const state = join(dir, 'sim.json');
    saveState(state, defaultState({ hostname: 'zimbra.example.com' }));
    const r = await cli(['trace', 'alice@example.com', '--rehearsal', '--sim-state', state, '--from', 'internet', ...secondary, '--zimbra-version', '10.1.0'], { ZSPLIT_SIM_START_MS: '0' });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('applied to the directory read on REHEARSAL');
    inOrder(r.out, ['MX example.com: -> peer MTA mail.example.com', 'a Zimbra user: transport_maps entry -> smtp:[zimbra.example.com]:25', '-> Zimbra MTA zimbra.example.com <alice@example.com>', 'lmtp:zimbra.example.com:7025', '=> DELIVERED on Zimbra']);
    expect(r.out).not.toContain('traced as an unknown address');
  });
});
