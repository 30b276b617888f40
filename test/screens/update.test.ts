// The state machine alone (pure): navigation, safe defaults, Ctrl+C and q, the quit confirmation.
import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/apply/engine.js';
import type { Step } from '../../src/plan/step.js';
import { initialState } from '../../src/wizard/state.js';
import type { WizardState } from '../../src/wizard/state.js';
import { decisionChoices, startItems } from '../../src/wizard/menus.js';
import { update } from '../../src/wizard/update.js';
import type { Msg } from '../../src/wizard/update.js';
import { filterSteps, moveList, visible } from '../../src/wizard/list.js';

const env = { detecting: false, rehearsal: true, label: 'REHEARSAL', targetId: 'rehearsal', user: 'root' };

function run(s: WizardState, ...msgs: Msg[]): { s: WizardState; effects: string[] } {
  const effects: string[] = [];
  for (const m of msgs) {
    const u = update(s, m);
    s = u.state;
    effects.push(...u.effects.map((e) => e.type));
  }
  return { s, effects };
}

function loaded(): WizardState {
  return run(initialState({ env }), { type: 'start/loaded', saved: [], rollbackable: [] }).s;
}

const step = { id: 'a', title: 'A', why: 'w', where: 'zimbra', kind: 'zmprov', reload: false, argv: ['ma', 'x', 'y', 'z'] } as Step;

describe('update', () => {
  it('walks a primary setup forward and back, saving the answers on the way', () => {
    let { s, effects } = run(loaded(), { type: 'start/select' });
    expect(s.screen).toBe('role');
    expect(s.fields.role).toBe('primary');
    ({ s, effects } = run(s, { type: 'role/enter' }, { type: 'role/enter' }));
    expect(s.screen).toBe('hosts');
    expect(effects).toContain('save');
    expect(run(s, { type: 'back' }).s.screen).toBe('role');
    // Continue with an empty peer host: stays, focus on the field
    ({ s } = run(s, { type: 'hosts/focus', delta: 99 }, { type: 'hosts/enter' }));
    expect(s.screen).toBe('hosts');
    expect(s.hosts.submitted).toBe(true);
  });

  it('puts the safe default first in every question', () => {
    const q: Question = { kind: 'step', steps: [step], index: 1, total: 3 };
    expect(decisionChoices(q)[0].id).toBe('skip');
    expect(decisionChoices({ ...q, kind: 'reload-after-failure' })[0].id).toBe('skip');
    expect(decisionChoices({ ...q, kind: 'group', steps: [step, step] }).map((c) => c.id)).toEqual(['skip', 'yes', 'all', 'rollback', 'quit']);
  });

  it('Ctrl+C: once stops the run after the current step, twice exits 130; idle, it exits at once', () => {
    const idle = run(loaded(), { type: 'interrupt' });
    expect(idle.effects).toEqual(['exit']);
    expect(idle.s.exit?.code).toBe(130);
    const p = { schema: 1 as const, job: 'setup' as const, answers: {} as never, steps: [step], warnings: [], notes: [], observed: false };
    let { s, effects } = run({ ...loaded(), screen: 'preview', review: { ...loaded().review, plan: p } }, { type: 'preview/continue' }, { type: 'apply/choose' });
    expect(s.apply?.phase).toBe('running');
    expect(effects).toContain('apply');
    ({ s, effects } = run(s, { type: 'interrupt' }));
    expect(effects).toEqual(['stop']);
    expect(s.apply?.stopRequested).toBe(true);
    expect(s.exit).toBeUndefined();
    ({ s, effects } = run(s, { type: 'interrupt' }));
    expect(effects).toEqual(['exit']);
    expect(s.exit?.code).toBe(130);
  });

  it('q while applying asks first; n goes on, y stops and quits when the run ends', () => {
    const p = { schema: 1 as const, job: 'setup' as const, answers: {} as never, steps: [step], warnings: [], notes: [], observed: false };
    let { s } = run({ ...loaded(), screen: 'preview', review: { ...loaded().review, plan: p } }, { type: 'preview/continue' }, { type: 'apply/choose' }, { type: 'quit' });
    expect(s.apply?.confirmQuit).toBe(true);
    expect(s.exit).toBeUndefined();
    ({ s } = run(s, { type: 'quit/answer', yes: false }));
    expect(s.apply?.confirmQuit).toBe(false);
    let effects: string[];
    ({ s, effects } = run(s, { type: 'quit' }, { type: 'quit/answer', yes: true }));
    expect(effects).toEqual(['stop']);
    expect(s.apply?.quitAfter).toBe(true);
  });

  it('the start menu skips what cannot be done', () => {
    const s = loaded();
    const items = startItems(s);
    expect(items.find((i) => i.id === 'resume')?.disabled).toBe('no interrupted run');
    expect(run(s, { type: 'start/move', delta: 1 }, { type: 'start/move', delta: 1 }, { type: 'start/move', delta: 1 }).s.start.cursor).toBe(items.findIndex((i) => i.id === 'quit'));
  });

  it('lists: the cursor stays in the window; filters match every word', () => {
    let l = { cursor: 0, top: 0 };
    for (let i = 0; i < 12; i++) l = moveList(l, 100, 10, 1);
    expect(l).toEqual({ cursor: 12, top: 3 });
    expect(moveList(l, 100, 10, 'end')).toEqual({ cursor: 99, top: 90 });
    expect(visible({ cursor: 99, top: 90 }, 100, 30)).toEqual({ start: 70, end: 100, cursor: 99 });
    const p = { schema: 1 as const, job: 'setup' as const, answers: {} as never, steps: [step, { ...step, id: 'b', title: 'B user7' }], warnings: [], notes: [], observed: false };
    expect(filterSteps(p, '')).toBeNull();
    expect(filterSteps(p, 'b USER7')).toEqual([1]);
  });
});
