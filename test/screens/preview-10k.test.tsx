// The preview of a 10,000-step plan (5,000 placeholders): key press to frame, measured and printed (not asserted).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { KEY, sleep, startWizard, throughHosts } from './helpers.js';

afterEach(() => cleanup());

const N = 5000;

describe('Preview of 10,000 steps', () => {
  it('scrolls and filters with the frame rebuilt from the visible window only', async () => {
    const t = startWizard();
    const file = t.file('peer-5000.txt', Array.from({ length: N }, (_, i) => `user${i}@example.com`).join('\n') + '\n');
    await throughHosts(t);
    await t.waitFor('Accounts that live on');
    await t.choose('Read them from a file');
    await t.press(KEY.enter);
    await t.waitFor('path:');
    await t.type(file);
    await t.press(KEY.enter);
    await t.waitFor(`${N} account(s)`);
    await t.choose('Continue with');
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan', 60_000);
    await t.press(KEY.enter);
    await t.waitFor(`Preview: ${2 * N + 4} steps`);

    // Every frame write after a key, timed.
    const stdout = t.r.stdout as unknown as { write: (s: string) => void };
    const orig = stdout.write.bind(stdout);
    let lastWrite = 0;
    let writes = 0;
    stdout.write = (s: string) => {
      lastWrite = performance.now();
      writes++;
      orig(s);
    };
    const timings: Record<string, number[]> = {};
    async function timed(label: string, key: string, done: () => boolean): Promise<void> {
      const before = writes;
      const start = performance.now();
      t.r.stdin.write(key);
      const deadline = start + 5000;
      while (!(writes > before && done())) {
        if (performance.now() > deadline) throw new Error(`no frame after ${label}:\n${t.live()}`);
        await new Promise((r) => setImmediate(r));
      }
      (timings[label] ??= []).push(lastWrite - start);
      await sleep(2);
    }
    for (let i = 0; i < 30; i++) {
      const want = i + 1;
      await timed('Down', KEY.down, () => t.state().preview.cursor === want);
    }
    for (let i = 0; i < 10; i++) {
      const from = t.state().preview.cursor;
      await timed('PgDn', KEY.pageDown, () => t.state().preview.cursor > from);
    }
    await timed('End', '\u001B[F', () => t.state().preview.cursor === 2 * N + 3);
    expect(t.live()).toContain(`${2 * N + 4}/${2 * N + 4} MANUAL`);
    await timed('Home', '\u001B[H', () => t.state().preview.cursor === 0);
    // filter: typing one character at a time, every keystroke re-filters 10,004 steps
    await t.press('/');
    await t.waitFor('Filter:');
    let typed = '';
    for (const ch of 'user4242') {
      typed += ch;
      const want = typed;
      await timed('filter keystroke', ch, () => t.state().preview.filter === want && t.live().includes('match'));
    }
    expect(t.live()).toMatch(/3 of 10004 match/);
    await t.press(KEY.enter);
    expect(t.live()).toContain('Placeholder for user4242@example.com (locked)');

    // 24 rows: the frame keeps 23 lines at most, whatever the plan's length
    expect(t.live().split('\n').length).toBeLessThanOrEqual(23);
    const rows = Object.entries(timings).map(([k, v]) => {
      const sorted = [...v].sort((a, b) => a - b);
      return `${k.padEnd(17)} n=${String(v.length).padStart(2)}  median ${sorted[Math.floor(v.length / 2)].toFixed(1).padStart(6)} ms  max ${sorted[v.length - 1].toFixed(1).padStart(6)} ms`;
    });
    console.log(`preview of ${2 * N + 4} steps, key press to frame (ink-testing-library, unthrottled):\n${rows.join('\n')}`);
  }, 120_000);
});
