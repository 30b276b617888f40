// Benchmark worker (fallback of the Preview measurement): the windowing arithmetic the Preview
// uses (src/wizard/list.ts) plus the rows it would turn into text, per key press, for N steps.
import { moveList, visible } from '../../src/wizard/list.js';
import type { ListState } from '../../src/wizard/state.js';
import { stepCommand } from '../../src/plan/render.js';
import { validateAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';

const steps = Number(process.argv[2] ?? 10_000);
const v = validateAnswers(
  { role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: Array.from({ length: Math.ceil(steps / 2) }, (_, i) => `user${i}@example.com`).join('\n') },
  'setup',
);
const p = plan('setup', v.answers!);
const height = 20;
let l: ListState = { cursor: 0, top: 0 };
const keyMs: number[] = [];
let sink = 0;
for (let i = 0; i < 220; i++) {
  const t0 = performance.now();
  l = moveList(l, p.steps.length, height, i % 50 === 49 ? 'end' : i % 50 === 0 ? 'home' : i % 7 === 0 ? height : 1);
  const { start, end } = visible(l, p.steps.length, height);
  for (let r = start; r < end; r++) sink += `${r === l.cursor ? '>' : ' '} ${p.steps[r].title} ${stepCommand(p.steps[r])}`.length;
  if (i >= 20) keyMs.push(performance.now() - t0);
}
process.stdout.write(JSON.stringify({ method: 'window', steps: p.steps.length, keyMs, sink }) + '\n');
