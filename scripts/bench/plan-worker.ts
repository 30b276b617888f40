// Benchmark worker (bundled and run in its own process by scripts/bench.ts): validation, plan and
// mail-flow check for N placeholder accounts, timed from the raw --peer-accounts text; peak RSS.
import { validateAnswers } from '../../src/model/validate.js';
import { planFlowCheck } from '../../src/plan/flowcheck.js';
import { plan } from '../../src/plan/index.js';

const n = Number(process.argv[2] ?? 100_000);
const text = Array.from({ length: n }, (_, i) => `user${i}@example.com`).join('\n') + '\n';
const t0 = performance.now();
const v = validateAnswers(
  { role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'postfix', peerIp: ['192.0.2.10'], peerAccounts: text },
  'setup',
);
if (!v.answers) throw new Error(JSON.stringify(v.errors.slice(0, 3)));
const t1 = performance.now();
const p = plan('setup', v.answers);
const t2 = performance.now();
// Partial figures first: the flow check may be cut off by the benchmark's time limit.
process.stdout.write(JSON.stringify({ phase: 'planned', n, validateMs: t1 - t0, planMs: t2 - t1, steps: p.steps.length, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
const check = planFlowCheck(p);
const t3 = performance.now();
process.stdout.write(
  JSON.stringify({ n, ms: t3 - t0, validateMs: t1 - t0, planMs: t2 - t1, flowMs: t3 - t2, steps: p.steps.length, flowOk: check.ok, maxRssKB: process.resourceUsage().maxRSS }) + '\n',
);
