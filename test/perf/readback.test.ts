// Read-back by search: a bulk change is confirmed by one `zmprov sa` per group of accounts that took
// the same values, and whatever the search does not name is read back value by value, so a change
// zmprov answered OK but that did not land is still caught.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/engine.js';
import { RehearsalExecutor } from '../../src/exec/rehearsal.js';
import type { Executor, Session } from '../../src/exec/types.js';
import { Zmprov } from '../../src/exec/zmprov.js';
import { JournalStore } from '../../src/journal/journal.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';
import { confirmable, confirmGroups } from '../../src/plan/readback.js';
import type { Step } from '../../src/plan/step.js';
import { parseFilter, matchFilter } from '../../src/sim/ldapfilter.js';
import { ldapFilterValue } from '../../src/zimbra/quote.js';
import { accountLines } from '../helpers/sim.js';

function primary(n: number) {
  const v = validateAnswers({ role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: accountLines(n) }, 'setup');
  if (!v.answers) throw new Error(JSON.stringify(v.errors));
  return v.answers;
}

const step = (name: string, change: Step['change'], attr: string): Step =>
  ({ id: `${name}:${attr}`, title: '', why: '', where: 'zimbra', kind: 'zmprov', entry: { kind: 'account', name }, change, argv: ['ma'], probe: { argv: ['ga'], attr } }) as unknown as Step;

describe('ldapFilterValue', () => {
  it('escapes the filter syntax of RFC 4515, so any value is compared, never parsed', () => {
    expect(ldapFilterValue('smtp:[mail.example.com]:25')).toBe('smtp:[mail.example.com]:25');
    expect(ldapFilterValue('a*b(c)d\\e\0')).toBe('a\\2ab\\28c\\29d\\5ce\\00');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (v) => {
        const f = parseFilter(`(description=${ldapFilterValue(v)})`);
        expect(f).toEqual({ op: 'eq', attr: 'description', value: v });
        expect(matchFilter(f, { description: [v] })).toBe(true);
      }),
    );
  });
});

describe('confirmGroups', () => {
  it('groups accounts by domain and by the values they must hold; the filter names each value', () => {
    const steps = [
      step('A@example.com', { op: 'create', attrs: [['zimbraAccountStatus', 'locked']] }, 'zimbraAccountStatus'),
      step('A@example.com', { op: 'set', attr: 'zimbraMailTransport', values: ['smtp:[p]:25'] }, 'zimbraMailTransport'),
      step('b@example.com', { op: 'create', attrs: [['zimbraAccountStatus', 'locked']] }, 'zimbraAccountStatus'),
      step('b@example.com', { op: 'set', attr: 'zimbraMailTransport', values: ['smtp:[p]:25'] }, 'zimbraMailTransport'),
      step('c@example.org', { op: 'set', attr: 'zimbraMailTransport', values: ['smtp:[p]:25'] }, 'zimbraMailTransport'),
    ];
    const g = confirmGroups(steps);
    expect(g.map((x) => [x.domain, x.filter, [...x.accounts.keys()]])).toEqual([
      ['example.com', '(&(zimbraAccountStatus=locked)(zimbraMailTransport=smtp:[p]:25))', ['a@example.com', 'b@example.com']],
      ['example.org', '(zimbraMailTransport=smtp:[p]:25)', ['c@example.org']],
    ]);
    expect(g[0].accounts.get('a@example.com')).toEqual({ zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[p]:25'] });
  });

  it('leaves to the value-by-value read-back what an equality filter cannot prove', () => {
    // multi-valued attribute, a removal, two values, an alias, an attribute zsplit does not know, conflicting values
    expect(confirmable(step('a@x.com', { op: 'set', attr: 'zimbraMailAlias', values: ['x@x.com'] }, 'zimbraMailAlias'))).toBeUndefined();
    expect(confirmable(step('a@x.com', { op: 'remove', attr: 'zimbraMailTransport', value: 'v' }, 'zimbraMailTransport'))).toBeUndefined();
    expect(confirmable(step('a@x.com', { op: 'set', attr: 'zimbraMailTransport', values: ['a', 'b'] }, 'zimbraMailTransport'))).toBeUndefined();
    expect(confirmable(step('a@x.com', { op: 'addAlias', alias: 'b@x.com' }, 'zimbraMailAlias'))).toBeUndefined();
    expect(confirmable(step('a@x.com', { op: 'set', attr: 'zimbraSomethingElse', values: ['v'] }, 'zimbraSomethingElse'))).toBeUndefined();
    expect(confirmable(step('a@x.com', { op: 'create', attrs: [] }, 'zimbraAccountStatus'))).toBeUndefined();
    const mixed = confirmGroups([
      step('a@x.com', { op: 'set', attr: 'zimbraMailTransport', values: ['v'] }, 'zimbraMailTransport'),
      step('a@x.com', { op: 'addAlias', alias: 'b@x.com' }, 'zimbraMailAlias'),
      step('c@x.com', { op: 'set', attr: 'zimbraMailTransport', values: ['v'] }, 'zimbraMailTransport'),
      step('c@x.com', { op: 'set', attr: 'zimbraMailTransport', values: ['w'] }, 'zimbraMailTransport'),
    ]);
    expect(mixed).toEqual([]);
  });
});

/** An executor whose zmprov session answers OK to `lie` lines without running them (a change that did not land). */
function lying(inner: RehearsalExecutor, lie: RegExp): Executor {
  return {
    label: inner.label,
    targetId: inner.targetId,
    rehearsal: true,
    run: (t, a, o) => inner.run(t, a, o),
    runWithFile: (t, a, c, o) => inner.runWithFile(t, a, c, o),
    openSession: async (tool, args, opts) => {
      const s = await inner.openSession!(tool, args, opts);
      const proxy: Session = {
        get pid() {
          return s.pid;
        },
        get greeting() {
          return s.greeting;
        },
        get ended() {
          return s.ended;
        },
        send: (line, o) => (lie.test(line) ? Promise.resolve({ output: '', durationMs: 0 }) : s.send(line, o)),
        close: (o) => s.close(o),
        kill: () => s.kill(),
      };
      return proxy;
    },
  };
}

describe('the engine reads back a bulk change by search', () => {
  it('100 placeholders: one sa line confirms them, no listing of the domain after the change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-readback-'));
    const exec = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
    const zmprov = new Zmprov(exec, { gaaThreshold: 50 });
    const a = primary(100);
    const s = await applyPlan(plan('setup', a), { zmprov, exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(s.status).toBe('completed');
    expect(s.counts.applied).toBe(202);
    const reads = exec.sim.log.filter((r) => r.type === 'read') as { command: string; accounts: number }[];
    // the probe lists the (empty) domain once; the read-back is one search naming the 100 accounts
    expect(reads.map((r) => r.command)).toEqual(['getAllAccounts', 'searchAccounts']);
    expect(reads[1].accounts).toBe(100);
    expect(zmprov.reads.searched).toBe(100);
  });

  it('a change zmprov answered OK but that did not land is found: that account is read back and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-readback-'));
    const inner = new RehearsalExecutor(join(dir, 'sim.json'), { env: {} });
    const exec = lying(inner, /^ma user7@example\.com zimbraMailTransport /);
    const zmprov = new Zmprov(exec, { gaaThreshold: 50 });
    const a = primary(100);
    const s = await applyPlan(plan('setup', a), { zmprov, exec, store: new JournalStore(join(dir, 'state')), version: 'test', replan: (o) => plan('setup', a, o) });
    expect(s.status).toBe('failed');
    expect(s.failures.map((f) => f.step.id)).toEqual(['placeholder.transport:user7@example.com']);
    expect(s.failures[0].error).toMatch(/verification failed: zimbraMailTransport is \(none\)|verification failed: zimbraMailTransport is/);
    // user7's placeholder itself did land: it is confirmed by its value-by-value read-back
    expect(s.counts.applied).toBe(201);
  });
});

describe('the session starts before the plan is made', () => {
  it('prestart() resolves once the tool is launched, before its first prompt (so a large plan does not delay the JVM start)', async () => {
    let launched = false;
    let release: (() => void) | undefined;
    const exec: Executor = {
      label: 'test',
      targetId: 'test',
      rehearsal: true,
      run: () => Promise.reject(new Error('not used')),
      runWithFile: () => Promise.reject(new Error('not used')),
      openSession: (_tool, _args, opts) => {
        // the execa import and spawn happen asynchronously: launched on a later tick, prompt much later
        setTimeout(() => {
          launched = true;
          opts.onLaunch?.();
        }, 5);
        return new Promise<Session>((_, reject) => (release = () => reject(new Error('no prompt'))));
      },
    };
    const z = new Zmprov(exec);
    await z.prestart();
    expect(launched).toBe(true);
    expect(z.inSession).toBe(false); // still waiting for the first prompt
    release!();
    expect(await z.begin()).toBe(false);
  });
});
