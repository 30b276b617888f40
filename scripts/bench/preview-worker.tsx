// Benchmark worker (bundled by scripts/bench.ts): the wizard's Preview of a plan with N steps,
// rendered by the real App frame through ink-testing-library; time per key press, from the key
// reaching the state machine to the new frame written.
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../screens/App.js';
import type { WizardController } from '../../src/wizard/controller.js';
import { initialState } from '../../src/wizard/state.js';
import type { WizardState } from '../../src/wizard/state.js';
import { update } from '../../src/wizard/update.js';
import type { Msg } from '../../src/wizard/update.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';

const steps = Number(process.argv[2] ?? 10_000);
const accounts = Math.ceil(steps / 2);
const v = validateAnswers(
  { role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: Array.from({ length: accounts }, (_, i) => `user${i}@example.com`).join('\n') },
  'setup',
);
const p = plan('setup', v.answers!);

let state: WizardState = initialState({ env: { detecting: false, rehearsal: true, label: 'REHEARSAL (simulated Zimbra 10.1.0)', targetId: 'rehearsal', user: 'bench', version: '10.1.0' }, size: { cols: 100, rows: 30 } });
state = { ...state, screen: 'preview', history: ['start', 'review'], review: { ...state.review, plan: p } };
const subs = new Set<() => void>();
const controller = {
  getState: () => state,
  subscribe: (fn: () => void) => {
    subs.add(fn);
    return () => void subs.delete(fn);
  },
  send: (msg: Msg) => {
    state = update(state, msg).state;
    for (const f of subs) f();
  },
};
const ui = render(<App controller={controller as unknown as WizardController} />);
const frames = () => (ui.stdout as unknown as { frames: string[] }).frames.length;
const settle = () => new Promise<void>((r) => setImmediate(r));

async function press(key: Record<string, unknown>): Promise<number> {
  const before = frames();
  const t0 = performance.now();
  controller.send({ type: 'key', key: { input: '', ...key } } as Msg);
  for (let i = 0; i < 10_000 && frames() === before; i++) await settle();
  if (frames() === before) throw new Error(`no new frame after ${JSON.stringify(key)}`);
  return performance.now() - t0;
}

await settle();
if (!/REHEARSAL/.test(ui.lastFrame() ?? '')) throw new Error(`the preview did not render: ${ui.lastFrame()}`);
// Warm-up, then the measured keys: arrows, pages, end and home.
for (let i = 0; i < 20; i++) await press({ down: true });
const keyMs: number[] = [];
const seq: Record<string, unknown>[] = [];
for (let i = 0; i < 120; i++) seq.push({ down: true });
for (let i = 0; i < 30; i++) seq.push({ pageDown: true });
seq.push({ input: 'G' }, { up: true }, { pageUp: true }, { input: 'g' });
for (let i = 0; i < 46; i++) seq.push({ up: i % 2 === 0, down: i % 2 === 1 });
for (const k of seq) keyMs.push(await press(k));
const frame = ui.lastFrame() ?? '';
ui.unmount();
process.stdout.write(JSON.stringify({ method: 'screen', steps: p.steps.length, keyMs, lastFrameLines: frame.split('\n').length }) + '\n');
process.exit(0);
