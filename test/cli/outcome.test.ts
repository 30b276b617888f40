// What the operator is told after a run: only the manual steps whose Zimbra steps are in place,
// what was skipped, and the peer-side steps to undo by hand on a rollback.
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/model/types.js';
import { primaryPlanAnswers } from '../helpers/answers.js';
import { plan } from '../../src/plan/index.js';
import type { Status } from '../../src/plan/outcome.js';
import { manualUndoSteps, outcomeOf } from '../../src/plan/outcome.js';
import type { StepStatus } from '../../src/journal/journal.js';
import { primaryAnswers, simWorld } from '../helpers/sim.js';

// outcome.ts names the journal's statuses without importing the journal (no cycle): the same union.
const sameStatuses: [Status extends StepStatus ? true : false, StepStatus extends Status ? true : false] = [true, true];
void sameStatuses;

function answers(job: 'setup' | 'cutover' = 'setup'): Answers {
  return primaryPlanAnswers([{ address: 'u01@example.com', aliases: [] }, { address: 'u02@example.com', aliases: [] }], {
    cutover: job === 'cutover' ? { users: ['u01@example.com'], direction: 'to-zimbra', wave: 'w1' } : undefined,
  });
}

describe('manual steps depend on the Zimbra steps before them', () => {
  const p = plan('setup', answers());
  const peerStep = p.steps.find((s) => s.id === 'peer.setup.1')!;

  it('names them in the plan (a bulk group once)', () => {
    const zimbraSteps = p.steps.filter((s) => s.kind !== 'manual' && !s.bulk).map((s) => s.id);
    expect(zimbraSteps.length).toBeGreaterThan(1);
    expect(peerStep.dependsOn).toEqual(['bulk:placeholders', ...zimbraSteps]);
    expect(p.steps.find((s) => s.id === 'dns.mx')!.dependsOn).toContain('bulk:placeholders');
  });

  it('the text preview says after what each manual step comes', async () => {
    const { renderText } = await import('../../src/plan/render.js');
    expect(renderText(p)).toMatch(/Relay example.com on Postfix[\s\S]*?only after: the placeholders batch, mta\.mynetworks/);
  });

  it('a run stopped before anything: no manual step is due; all are held, saying what they wait for', () => {
    const o = outcomeOf(p.steps, () => undefined);
    expect(o.manualDue).toEqual([]);
    expect(o.manualHeld.map((m) => m.step.id)).toEqual(['peer.setup.1', 'dns.mx']);
    expect(o.manualHeld[0].missing[0]).toMatch(/Placeholder for u01@example.com/);
    expect(o.notRun).toBe(p.steps.length);
  });

  it('a skipped placeholder holds the peer step back; everything in place makes it due, saying after what', () => {
    const all = new Map<string, Status>(p.steps.map((s) => [s.id, s.kind === 'manual' ? 'manual' : 'applied']));
    const due = outcomeOf(p.steps, (id) => all.get(id));
    expect(due.manualDue.map((m) => m.step.id)).toEqual(['peer.setup.1', 'dns.mx']);
    expect(due.manualDue[0].after[0]).toMatch(/Placeholder for u01@example.com \(locked\) and the rest of that batch \(4 steps\)/);
    all.set('placeholder.transport:u02@example.com', 'skipped');
    const held = outcomeOf(p.steps, (id) => all.get(id));
    expect(held.manualDue).toEqual([]);
    expect(held.manualHeld[0].missing).toEqual(['Route u02@example.com to smtp:[mail.example.com]:25']);
    expect(held.skipped.map((s) => s.id)).toEqual(['placeholder.transport:u02@example.com']);
  });
});

describe('rollback: the peer-side steps to undo by hand', () => {
  it('a cutover to Zimbra is undone on the peer by routing its users back, before the MX-free Zimbra rollback', () => {
    const p = plan('cutover', answers('cutover'));
    const status = (id: string): Status | undefined => (p.steps.find((s) => s.id === id)?.kind === 'manual' ? 'manual' : 'applied');
    const undo = manualUndoSteps(p, status);
    expect(undo).toHaveLength(1);
    expect(undo[0].title).toMatch(/^Undo: Deliver 1 user\(s\) on Postfix again/);
    expect(undo[0].manual!.commands.join('\n')).toContain("sed -i '/^u01@example\\.com /d' /etc/postfix/zsplit_transport");
  });

  it('a setup: the MX back first, then the peer; nothing for manual steps that were never due', () => {
    const p = plan('setup', answers());
    const undo = manualUndoSteps(p, (id) => (p.steps.find((s) => s.id === id)?.kind === 'manual' ? 'manual' : 'applied'));
    expect(undo.map((s) => s.id)).toEqual(['undo:dns.mx', 'undo:peer.setup.1']);
    expect(undo[0].manual!.commands[0]).toContain('IN MX 10 mail.example.com.');
    expect(manualUndoSteps(p, () => undefined)).toEqual([]);
  });
});

describe('headless apply tells what is true', () => {
  it('a step-mode run that skipped the placeholders does not say COMPLETED alone, and holds the peer step back', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\nu02@example.com\n');
    // skip the placeholders batch, apply the rest
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'n\ny\ny\ny\ny\n' });
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/COMPLETED WITH 4 STEP\(S\) SKIPPED: /);
    expect(r.out).toContain('skipped: placeholder.create:u01@example.com');
    expect(r.out).not.toMatch(/to do now/);
    expect(r.out).toMatch(/must NOT be done yet[\s\S]*Relay example.com on Postfix[^\n]*waits for Placeholder for u01@example.com/);
  });

  it('a run quit at the first question lists no manual step to do', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\n');
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'q\n' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/STOPPED: 0 applied/);
    expect(r.out).not.toMatch(/to do now/);
    expect(r.out).toMatch(/2 manual step\(s\) must NOT be done yet/);
  });
});

describe('headless rollback', () => {
  it('the preview shows the values it restores, no rollback line on an undo step, and the peer steps to undo by hand', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\n');
    expect(w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--yes']).code).toBe(0);
    const users = w.file('users.txt', 'u01@example.com\n');
    const c = w.zsplit(['apply', 'cutover', ...primaryAnswers(accounts), '--users', users, '--direction', 'to-zimbra', '--yes']);
    expect(c.code, c.err + c.out).toBe(0);
    const r = w.zsplit(['rollback', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/Undo: Deliver u01@example.com in Zimbra[\s\S]*before: lmtp:zimbra.example.com:7025  ->  after: smtp:\[mail.example.com\]:25/);
    expect(r.out).not.toMatch(/rollback: \(restores the value recorded when applied\)/);
    expect(r.out).toContain('Values as the run left them and as recorded before it (journal)');
    expect(r.out).not.toMatch(/^    rollback: /m);
    expect(r.out).toMatch(/By hand, FIRST[^\n]*\n\[1\/1\] Undo: Deliver 1 user\(s\) on Postfix again/);
    expect(r.out).toContain("sed -i '/^u01@example\\.com /d' /etc/postfix/zsplit_transport");

    // the setup's rollback: mynetworks back to its old value, shown as such
    const s = w.zsplit(['rollback', '--yes']);
    expect(s.code, s.err + s.out).toBe(0);
    expect(s.out).toMatch(/before: 127\.0\.0\.0\/8 \[::1\]\/128 10\.0\.0\.10\/32, 192\.0\.2\.10\/32  ->  after: 127\.0\.0\.0\/8 \[::1\]\/128 10\.0\.0\.10\/32\n/);
    expect(s.out).toMatch(/By hand, FIRST[\s\S]*Point the MX of example.com back at mail.example.com \(FIRST\)[\s\S]*Undo: Remove zsplit's maps from Postfix/);
  });
});
