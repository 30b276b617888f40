// The session's child process (src/exec/session.ts): a command that cannot start named in the
// error, and a tool still open when zsplit exits killed with it (like one-shot children).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcessSession } from '../../src/exec/session.js';
import { SessionEnded } from '../../src/exec/types.js';
import { SpawnError } from '../../src/exec/spawn.js';
import { alive, exitOf, waitFor } from '../helpers/wait.js';


describe('ProcessSession', () => {
  it('a tool that cannot start fails open() with an error naming the command', async () => {
    const e = await ProcessSession.open(['/nonexistent/zmprov', '-l'], { prompt: 'prov> ' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SpawnError);
    expect((e as SpawnError).code).toBe('ENOENT');
    expect((e as Error).message).toContain('/nonexistent/zmprov -l');
  });

  it('a tool still open when zsplit exits is killed with its process group (stdin closing is not enough)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-session-exit-'));
    // A tool that outlives the end of its stdin, with a child of its own in its process group (su's zmprov).
    const tool = join(dir, 'tool');
    writeFileSync(
      tool,
      `#!${process.execPath}
const kid = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
process.stdin.resume();
process.stdin.on('end', () => undefined);
setInterval(() => {}, 1000);
process.stdout.write('pids ' + process.pid + ' ' + kid.pid + '\\nprov> ');
`,
    );
    chmodSync(tool, 0o755);
    const driver = join(dir, 'driver.mts');
    writeFileSync(
      driver,
      `import { ProcessSession } from ${JSON.stringify(resolve('src/exec/session.ts'))};
const s = await ProcessSession.open([${JSON.stringify(tool)}], { prompt: 'prov> ' });
process.stdout.write(s.greeting);
process.exit(0);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', driver], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const { code } = await exitOf(child, 'the driver');
    const m = /pids (\d+) (\d+)/.exec(out);
    expect(code, out).toBe(0);
    expect(m, out).not.toBeNull();
    const pids = [Number(m![1]), Number(m![2])];
    try {
      await waitFor(() => pids.every((p) => !alive(p)), `the session's tool and its child (pids ${pids.join(', ')}) to be gone after zsplit exited`, 10_000);
    } finally {
      for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
    }
  });

  it('an answer longer than a string holds (a listing of a huge domain) fails its line and ends the tool, not zsplit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-session-big-'));
    const tool = join(dir, 'tool');
    // 560 million characters then a prompt: more than V8's longest string (2^29 - 24).
    writeFileSync(tool, `#!/bin/sh\nprintf 'prov> '\nwhile read line; do\n  if [ "$line" = big ]; then head -c 560000000 /dev/zero | tr '\\0' x; printf '\\nprov> '; else printf 'ok\\nprov> '; fi\ndone\n`);
    chmodSync(tool, 0o755);
    const s = await ProcessSession.open([tool], { prompt: 'prov> ' });
    expect((await s.send('small')).output).toBe('ok\n');
    // Before: "RangeError: Invalid string length" thrown from the pipe's data handler, which ended the process.
    const e = await s.send('big', { timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionEnded);
    expect((e as Error).message).toMatch(/^answer to: big is longer than 535822336 characters: killed pid \d+/);
    expect((e as SessionEnded).output.length).toBeLessThan(10_000);
    await waitFor(() => s.ended, 'the tool to be killed', 10_000);
    await expect(s.send('small')).rejects.toBeInstanceOf(SessionEnded);
  }, 120_000);

  it('an answer handed over as it arrives (onText) is the answer given whole, however it is cut and whatever it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-session-stream-'));
    const tricky = fc.constantFrom('abcprov> x\n', 'x\nprov', '> y\n', '\r\n', 'prov>\n', '\n\n', 'é😀\n', '# name a@example.com\nmail: a@example.com\n\n');
    const answer = fc.array(fc.oneof(tricky, fc.string({ maxLength: 20 })), { maxLength: 30 }).map((p) => p.join(''));
    const answers = fc.sample(answer, { numRuns: 60, seed: 7 }).map((a) => (a === '' || a.endsWith('\n') ? a : `${a}\n`)).filter((a) => !a.startsWith('prov> ') && !a.includes('\nprov> '));
    answers.push('x'.repeat(300_000) + '\n', '0\nafter an echo-like first line\n', '');
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
    const tool = join(dir, 'tool');
    // Echoes the line (as JLine on a pipe may), then writes its answer in pieces of 1 to 7 characters (a long one up to 5,000).
    writeFileSync(
      tool,
      `#!${process.execPath}
const answers = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(join(dir, 'answers.json'))}, 'utf8'));
let buf = '';
let busy = Promise.resolve();
const write = (t) => new Promise((r) => process.stdout.write(t, () => setImmediate(r)));
const answer = async (line) => {
  const text = Array.from(line + '\\n' + answers[Number(line)]); // cut between characters, never inside one
  const most = text.length > 2000 ? 5000 : 7;
  for (let i = 0; i < text.length; ) { const n = 1 + Math.floor(Math.random() * most); await write(text.slice(i, i + n).join('')); i += n; }
  await write('prov> ');
};
process.stdin.setEncoding('utf8').on('data', (d) => {
  buf += d;
  let nl;
  while ((nl = buf.indexOf('\\n')) >= 0) { const line = buf.slice(0, nl); buf = buf.slice(nl + 1); busy = busy.then(() => answer(line)); }
});
process.stdout.write('prov> ');
`,
    );
    chmodSync(tool, 0o755);
    const s = await ProcessSession.open([tool], { prompt: 'prov> ' });
    try {
      for (let i = 0; i < answers.length; i++) {
        const whole = (await s.send(String(i))).output;
        let handed = '';
        let pieces = 0;
        const r = await s.send(String(i), { onText: (t) => ((handed += t), pieces++) });
        expect(r.output).toBe('');
        expect(handed, `answer ${i}: ${JSON.stringify(answers[i].slice(0, 80))}`).toBe(whole);
        // The long one arrives in many pieces and is handed over as they come, not once at its end.
        if (answers[i].length > 2000) expect(pieces).toBeGreaterThan(10);
      }
    } finally {
      await s.close();
    }
  }, 120_000);
});
