// zsplit lists a domain's accounts with `zmprov -l gaa -v -e`: each account's own values. Without
// -e zmprov prints every default COS value too (ProvUtil.dumpAccount with expandCos): about 20 KB
// per account, 2 GB for a 100,000-account domain, more than one string holds. Nothing zsplit
// reads from a listed account is inherited from the COS.
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/engine.js';
import { LocalExecutor } from '../../src/exec/local.js';
import { Zmprov } from '../../src/exec/zmprov.js';
import { JournalStore } from '../../src/journal/journal.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';
import { accountLines, BIN, SIM_BIN, simWorld } from '../helpers/sim.js';
import { readAttrsXml } from '../zimbra/attrs-xml.js';

const N = 300;
const SRC = join(import.meta.dirname, '../../src');
const ANSWERS = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];

describe('listing a domain', () => {
  it(`a secondary setup and an unsplit read ${N} accounts at under 1 KB each (their own values, not the COS's)`, () => {
    const w = simWorld();
    const batch = w.file('create.zmp', Array.from({ length: N }, (_, i) => `ca listed${i}@example.com '' zimbraAccountStatus active`).join('\n') + '\n');
    expect(w.zmprov('-f', batch).status).toBe(0);
    const log = join(w.dir, 'zmprov-output.log');
    // Every byte zmprov prints to zsplit, counted on its way.
    const wrapper = w.file('zmprov', `#!/bin/bash\nset -o pipefail\n'${join(SIM_BIN, 'zmprov')}' "$@" | tee -a '${log}'\n`);
    chmodSync(wrapper, 0o755);
    const flags = ['--zmprov', wrapper, '--run-as', 'current', '--state-dir', w.stateDir];
    for (const job of ['setup', 'unsplit']) {
      w.file('zmprov-output.log', '');
      const r = spawnSync(process.execPath, [BIN, 'plan', job, ...ANSWERS, '--connect', ...flags], { env: w.env, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const perAccount = statSync(log).size / N;
      expect(perAccount, `${job}: ${Math.round(perAccount)} bytes per account`).toBeLessThan(1024);
      expect(readFileSync(log, 'utf8')).toContain('# name listed7@example.com\n');
    }
  });

  it('no attribute zsplit names outside the simulator is inherited from the COS (so a listing with -e loses nothing)', () => {
    const xml = readAttrsXml();
    const names = new Set<string>();
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, f.name);
        if (f.isDirectory()) {
          if (path !== join(SRC, 'sim')) walk(path);
        } else if (/\.tsx?$/.test(f.name)) for (const m of readFileSync(path, 'utf8').matchAll(/\bzimbra[A-Z][A-Za-z]+/g)) names.add(m[0]);
      }
    };
    walk(SRC);
    const known = [...names].filter((n) => xml.has(n.toLowerCase()));
    expect(known.length).toBeGreaterThan(20);
    expect(known.filter((n) => xml.get(n.toLowerCase())!.flags.includes('accountInherited'))).toEqual([]);
  });

  it('a listing is parsed as it arrives: 400 accounts through a session that keeps at most 20,000 characters of an answer', async () => {
    const w = simWorld();
    const batch = w.file('create.zmp', Array.from({ length: 400 }, (_, i) => `ca present${i}@example.com '' zimbraAccountStatus active`).join('\n') + '\n');
    expect(w.zmprov('-f', batch).status).toBe(0);
    const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: accountLines(100) }, 'setup');
    const a = v.answers!;
    // The domain's listing (about 500 bytes per account) is ten times longer than the answer this
    // session keeps, as a real domain of several hundred thousand accounts is longer than a string.
    const exec = new LocalExecutor({ binDir: SIM_BIN, runAs: 'current', env: w.env });
    const zmprov = new Zmprov(exec, { gaaThreshold: 50, maxAnswerChars: 20_000 });
    const s = await applyPlan(plan('setup', a), { zmprov, exec, store: new JournalStore(join(w.dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(s.status, JSON.stringify(s.counts)).toBe('completed');
    expect(s.counts).toMatchObject({ applied: 202, failed: 0 });
    expect(zmprov.sessionFailure).toBeUndefined();
    // The probe listed the domain through the session (an answer kept whole would have ended it).
    expect(zmprov.reads.listed).toBeGreaterThanOrEqual(400);
    expect(w.json().accounts['user99@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });

    // An unsplit's listing of every account, the same through that session as read whole.
    const streamed = new Zmprov(exec, { maxAnswerChars: 20_000 });
    expect(await streamed.begin()).toBe(true);
    const viaSession = await streamed.listAccounts('example.com');
    await streamed.end();
    const whole = await new Zmprov(exec).listAccounts('example.com');
    expect(viaSession.length).toBeGreaterThanOrEqual(500);
    expect(viaSession).toEqual(whole);
    expect(streamed.sessionFailure).toBeUndefined();
  }, 120_000);

  it('trace and verify read a domain once: one zmprov start, one listing, the probe answered from it', async () => {
    const w = simWorld();
    const batch = w.file('create.zmp', Array.from({ length: 1200 }, (_, i) => `ca placed${i}@example.com '' zimbraAccountStatus locked zimbraMailTransport smtp:[mail.example.com]:25`).join('\n') + '\n');
    expect(w.zmprov('-f', batch).status).toBe(0);
    const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: Array.from({ length: 1200 }, (_, i) => `placed${i}@example.com`).join('\n') }, 'setup');
    const zmprov = new Zmprov(new LocalExecutor({ binDir: SIM_BIN, runAs: 'current', env: w.env }));
    const { observeForFlow } = await import('../../src/verify/observe.js');
    const observed = await observeForFlow(zmprov, 'setup', v.answers!);
    const size = observed.accounts!.length;
    expect(size).toBeGreaterThanOrEqual(1200);
    // Before: the probe listed the domain (1,200 placeholders to read) and then listAccounts listed it again, in two zmprov starts.
    expect(zmprov.reads.listed).toBe(size);
    expect(zmprov.stats.starts).toBe(1);
    expect(observed.entries['account:placed7@example.com']).toMatchObject({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'] });
    expect(zmprov.inSession).toBe(false);
  }, 120_000);

  it('an unsplit lists the domain through the session, parsed as it arrives, and ends the session before its deletes', async () => {
    const w = simWorld();
    const setup = w.zsplit(['apply', 'setup', '--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--zimbra-version', '10.1.0', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10', '--peer-accounts', w.file('p.txt', accountLines(400)), '--yes']);
    expect(setup.code, setup.err).toBe(0);
    const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], force: true }, 'unsplit');
    const a = v.answers!;
    const exec = new LocalExecutor({ binDir: SIM_BIN, runAs: 'current', env: w.env });
    // The listing (400 placeholders, about 200 KB) is longer than this session keeps of an answer
    // (a pipe's chunk is at most 64 KB): it must be parsed as it arrives.
    const zmprov = new Zmprov(exec, { maxAnswerChars: 100_000 });
    const s = await applyPlan(plan('unsplit', a), { zmprov, exec, store: new JournalStore(join(w.dir, 'state')), version: 'test', listAccounts: true, replan: (o) => plan('unsplit', a, o) });
    expect(s.status, JSON.stringify(s.counts)).toBe('completed');
    // Listed through a session (a one-off zmprov -l gaa is not counted, and its output is kept whole).
    expect(zmprov.reads.listed).toBeGreaterThanOrEqual(400);
    expect(zmprov.sessionFailure).toBeUndefined();
    expect(s.counts.failed).toBe(0);
    expect(s.counts.applied).toBeGreaterThan(0);
  }, 120_000);
});
