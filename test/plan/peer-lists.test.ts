// A peer address that is a live Zimbra distribution list (or an alias of one) is refused before
// anything runs, like a live mailbox: its placeholder cannot be created (the address is taken) and
// the list's members would stop getting its mail. The lists are read with targeted `gdl` lines.
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/model/types.js';
import { primaryPlanAnswers } from '../helpers/answers.js';
import { listCheckAddresses, plan } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import { entryKey } from '../../src/zimbra/commands.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RehearsalExecutor } from '../../src/exec/rehearsal.js';
import type { Executor } from '../../src/exec/types.js';
import { Zmprov } from '../../src/exec/zmprov.js';
import { parseDistributionLists, parseZimbraDump } from '../../src/inventory/zimbra.js';
import { primaryAnswers, SECONDARY_ANSWERS, simWorld } from '../helpers/sim.js';
import { sim } from '../sim/helpers.js';
import { refusalOf } from '../helpers/refused.js';

function primary(addresses: string[], aliases: string[][] = []): Answers {
  return primaryPlanAnswers(addresses.map((address, i) => ({ address, aliases: aliases[i] ?? [] })));
}

const STAFF = { name: 'staff@example.com', attrs: { zimbraMailAlias: ['staff@example.com', 'team@example.com'], zimbraMailStatus: ['enabled'] } };

describe('reading gadl -v / gdl output', () => {
  it('keeps each list\'s attributes whole: the members block is not part of the last value', () => {
    const { zm } = sim();
    zm(['cdl', 'all@example.com']);
    zm(['cdl', 'staff@example.com']);
    zm(['adla', 'staff@example.com', 'team@example.com']);
    zm(['adlm', 'all@example.com', 'alice@example.com', 'bob@example.com']);
    const out = zm(['gadl', '-v', 'example.com']).stdout;
    const lists = parseDistributionLists(out);
    expect(lists.map((l) => [l.name, l.attrs.zimbraMailStatus, l.attrs.zimbraMailAlias])).toEqual([
      ['all@example.com', ['enabled'], ['all@example.com']],
      ['staff@example.com', ['enabled'], ['staff@example.com', 'team@example.com']],
    ]);
    expect(lists[0].attrs.zimbraMailForwardingAddress).toEqual(['alice@example.com', 'bob@example.com']);
    const dump = parseZimbraDump(out);
    expect(dump.map((r) => r.class)).toEqual(['list', 'list']);
    expect(dump[1].addresses).toContain('team@example.com');
    expect(dump.flatMap((r) => r.addresses).some((a) => /members|\n/.test(a))).toBe(false);
    // A session answer ends without its last newline (zsplit trims it): an empty last list ends
    // with "members". Its status must still read enabled (before: "enabled\n\nmembers", and a
    // secondary setup through a session left that list out of the peer's recipients).
    const trimmed = parseDistributionLists(out.replace(/\n+$/, ''));
    expect(trimmed.map((l) => [l.name, l.attrs.zimbraMailStatus])).toEqual([
      ['all@example.com', ['enabled']],
      ['staff@example.com', ['enabled']],
    ]);
  });
});

describe('planning against Zimbra distribution lists', () => {
  it('asks about the addresses no account answers to, and only those', () => {
    const a = primary(['staff@example.com', 'alice@example.com'], [['team@example.com'], []]);
    const o: Observed = {
      entries: {
        [entryKey({ kind: 'account', name: 'staff@example.com' })]: null,
        [entryKey({ kind: 'account', name: 'team@example.com' })]: null,
        [entryKey({ kind: 'account', name: 'alice@example.com' })]: { zimbraAccountStatus: ['locked'] },
      },
    };
    expect(listCheckAddresses('setup', a, o)).toEqual(['staff@example.com', 'team@example.com']);
    expect(listCheckAddresses('setup', { ...a, role: 'secondary' }, o)).toEqual([]);
  });

  it('refuses a list and an alias of one, naming the flag, the addresses and the fix', () => {
    const a = primary(['staff@example.com', 'carol@example.com'], [[], ['team@example.com']]);
    const o: Observed = { entries: {}, lists: [STAFF] };
    const refused = refusalOf(() => plan('setup', a, o));
    expect(refused.message).toContain('--peer-accounts');
    expect(refused.message).toContain('staff@example.com (a Zimbra distribution list)');
    expect(refused.message).toContain('team@example.com, listed as an alias of carol@example.com (an alias of the Zimbra distribution list staff@example.com)');
    expect(refused.message).not.toMatch(/carol@example\.com \(a Zimbra/);
    expect(refused.message).toMatch(/ddl/);
  });
});

describe('Zmprov.probe with list candidates', () => {
  async function world(session: boolean, gaaThreshold?: number) {
    const inner = new RehearsalExecutor(join(mkdtempSync(join(tmpdir(), 'zsplit-lists-')), 'sim.json'), { env: {} });
    expect((await inner.run('zmprov', ['cdl', 'staff@example.com'])).exitCode).toBe(0);
    expect((await inner.run('zmprov', ['adla', 'staff@example.com', 'team@example.com'])).exitCode).toBe(0);
    const exec: Executor = session ? inner : { label: inner.label, targetId: inner.targetId, rehearsal: true, run: (t, a, o) => inner.run(t, a, o), runWithFile: (t, a, c, o) => inner.runWithFile(t, a, c, o) };
    const zmprov = new Zmprov(exec, { gaaThreshold });
    if (session) expect(await zmprov.begin()).toBe(true);
    const reads = () => inner.sim.log.filter((r) => r.type === 'read').map((r) => (r.type === 'read' ? r.command : ''));
    return { zmprov, reads };
  }
  const account = (name: string) => ({ entry: { kind: 'account' as const, name }, attrs: ['zimbraAccountStatus'] });
  const candidates = ['u1@example.com', 'team@example.com', 'alice@example.com'];

  it('without a session: the gdl lines ride in the probe\'s one -f batch', async () => {
    const { zmprov, reads } = await world(false);
    const o = await zmprov.probe(candidates.map(account), { listCandidates: candidates });
    expect(zmprov.stats.starts).toBe(1);
    expect(o.lists?.map((l) => l.name)).toEqual(['staff@example.com']);
    expect(reads().filter((c) => c === 'getDistributionList').length).toBe(3);
  });

  it('in a session: only the addresses no account answers to; from the threshold on, one gadl -v', async () => {
    const s = await world(true);
    const o = await s.zmprov.probe(candidates.map(account), { listCandidates: candidates });
    expect(o.lists?.map((l) => l.name)).toEqual(['staff@example.com']);
    expect(s.reads().filter((c) => c === 'getDistributionList').length).toBe(2);
    const big = await world(true, 2);
    const o2 = await big.zmprov.probe(candidates.map(account), { listCandidates: candidates });
    expect(o2.lists?.map((l) => l.name)).toEqual(['staff@example.com']);
    expect(big.reads().filter((c) => c.endsWith('DistributionLists') || c === 'getDistributionList')).toEqual(['getAllDistributionLists']);
    await s.zmprov.end();
    await big.zmprov.end();
  });
});

describe('rehearsal: a distribution list in --peer-accounts', () => {
  it('plan --connect and apply exit 2 naming the list; nothing is applied', () => {
    const w = simWorld();
    expect(w.zmprov('cdl', 'staff@example.com').status).toBe(0);
    expect(w.zmprov('adla', 'staff@example.com', 'team@example.com').status).toBe(0);
    expect(w.zmprov('adlm', 'staff@example.com', 'alice@example.com').status).toBe(0);
    const before = w.state();
    const peer = w.file('peer.txt', 'u01@example.com\nstaff@example.com\nu02@example.com team@example.com\n');
    const p = w.zsplit(['plan', 'setup', ...primaryAnswers(peer), '--connect']);
    expect(p.code, p.err + p.out).toBe(2);
    expect(p.err).toMatch(/--peer-accounts/);
    expect(p.err).toMatch(/staff@example\.com \(a Zimbra distribution list\)/);
    expect(p.err).toMatch(/team@example\.com, listed as an alias of u02@example\.com/);
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(peer), '--yes']);
    expect(r.code, r.err + r.out).toBe(2);
    expect(r.err).toMatch(/staff@example\.com \(a Zimbra distribution list\)/);
    expect(w.state()).toBe(before);
  });

  it('a list among the peer recipients (--peer-recipients) is refused, naming where it was read', () => {
    const w = simWorld();
    expect(w.zmprov('cdl', 'staff@example.com').status).toBe(0);
    const csv = w.file('recipients.csv', 'PrimarySmtpAddress,RecipientTypeDetails,DisplayName,EmailAddresses\nstaff@example.com,MailUniversalDistributionGroup,Staff,SMTP:staff@example.com\nu01@example.com,UserMailbox,U One,SMTP:u01@example.com\n');
    const args = primaryAnswers('x').slice(0, -2);
    const p = w.zsplit(['plan', 'setup', ...args, '--peer-recipients', csv, '--connect']);
    expect(p.code, p.err + p.out).toBe(2);
    expect(p.err).toMatch(/--peer-recipients/);
    expect(p.err).toMatch(/staff@example\.com \(a Zimbra distribution list; read from [^)]*recipients\.csv/);
  });

  it('reads lists with one gdl line per address no account answers to, never a listing', () => {
    const w = simWorld();
    expect(w.zmprov('cdl', 'staff@example.com').status).toBe(0);
    const reads = () => w.log().filter((r) => r.type === 'read') as unknown as { command: string; accounts: number }[];
    const peer = w.file('peer.txt', 'u01@example.com\nu02@example.com u2@example.com\n');
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(peer), '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    const first = reads();
    expect(first.filter((x) => x.command === 'getDistributionList').length).toBe(3);
    expect(first.filter((x) => x.command === 'getAllDistributionLists')).toEqual([]);
    // Run again: every address is a placeholder now, so no list is asked about.
    const again = w.zsplit(['apply', 'setup', ...primaryAnswers(peer), '--yes']);
    expect(again.code, again.err + again.out).toBe(0);
    expect(reads().slice(first.length).filter((x) => x.command === 'getDistributionList')).toEqual([]);
  });

  it('a secondary setup names Zimbra\'s lists (and their aliases) in the peer steps', () => {
    const w = simWorld();
    expect(w.zmprov('cdl', 'staff@example.com').status).toBe(0);
    expect(w.zmprov('adla', 'staff@example.com', 'team@example.com').status).toBe(0);
    const p = w.zsplit(['plan', 'setup', ...SECONDARY_ANSWERS, '--connect', '--format', 'json']);
    expect(p.code, p.err).toBe(0);
    const peerSteps = (JSON.parse(p.out).steps as { id: string; manual?: { commands: string[] } }[]).filter((s) => s.id.startsWith('peer.'));
    const text = peerSteps.flatMap((s) => s.manual?.commands ?? []).join('\n');
    expect(text).toContain('staff@example.com');
    expect(text).toContain('team@example.com');
  });
});
