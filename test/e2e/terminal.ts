/** The real wizard (bin/zsplit.js) in a pseudo-terminal, its output run through a terminal emulator. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/zsplit.js');

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  esc: '\u001B',
  space: ' ',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export interface TermOptions {
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  /** Reuse the state of an earlier session. */
  dir?: string;
  /** A "real" local target: the simulator's executables (bin/sim) as Zimbra's, not --rehearsal. */
  local?: boolean;
}

export function openWizard(opts: TermOptions = {}) {
  let cols = opts.cols ?? 80;
  let rows = opts.rows ?? 24;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'zsplit-e2e-'));
  const stateDir = join(dir, 'state');
  const simState = join(dir, 'sim.json');
  mkdirSync(stateDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !['CI', 'NO_COLOR', 'FORCE_COLOR', 'VITEST', 'NODE_ENV'].includes(k) && !k.startsWith('VITEST_') && !k.startsWith('ZSPLIT_')) env[k] = v;
  Object.assign(env, { TERM: 'xterm-256color', ZSPLIT_SIM_START_MS: '0' }, opts.env ?? {});
  const term = new xterm.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  if (opts.local) Object.assign(env, { ZSPLIT_ZIMBRA_BIN: join(ROOT, 'bin/sim'), ZSPLIT_SIM_STATE: simState });
  const args = opts.local ? ['--run-as', 'current', '--state-dir', stateDir] : ['--rehearsal', '--state-dir', stateDir, '--sim-state', simState];
  const p = pty.spawn(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols, rows, cwd: dir, env });
  let raw = '';
  let pending = 0;
  p.onData((d) => {
    raw += d;
    pending++;
    term.write(d, () => pending--);
  });
  let exitCode: number | undefined;
  const exited = new Promise<number>((res) => p.onExit((e) => res((exitCode = e.exitCode))));
  /** Heights of the live frame (from the header line down) of every screen captured. */
  const heights: { lines: number; screen: string }[] = [];

  function screen(): string {
    const b = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < rows; i++) out.push(b.getLine(b.baseY + i)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  /** Everything the terminal shows and scrolled off the top. */
  function history(): string {
    const b = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  function record(s: string): void {
    const lines = s.split('\n');
    const top = lines.findIndex((l) => l.startsWith('REHEARSAL:'));
    if (top < 0) return;
    let bottom = lines.length - 1;
    while (bottom > top && lines[bottom].trim() === '') bottom--;
    heights.push({ lines: bottom - top + 1, screen: s });
  }

  async function waitFor(test: string | RegExp | ((screen: string) => boolean), timeout = 10_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const s = pending === 0 ? screen() : '';
      if (s && (typeof test === 'string' ? s.includes(test) : test instanceof RegExp ? test.test(s) : test(s))) {
        record(s);
        return s;
      }
      if (exitCode !== undefined) throw new Error(`zsplit exited (${exitCode}) while waiting for ${String(test)}:\n${screen()}`);
      if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${String(test)}:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      p.write(k);
      await new Promise((r) => setTimeout(r, k === KEYS.esc ? 80 : 50));
    }
  }

  /**
   * Types text and waits until the screen shows it: the next key (Enter) must not arrive in the
   * same read, or it would be taken as part of a paste.
   */
  async function type(text: string): Promise<void> {
    p.write(text);
    await waitFor(text);
    await new Promise((r) => setTimeout(r, 30));
  }

  /** Moves the menu cursor until the selected line (`> `) holds `label`. */
  async function choose(label: string): Promise<void> {
    const selected = (): { cur: number; want: number; line: string } => {
      const lines = screen().split('\n');
      const top = lines.findIndex((l) => l.startsWith('REHEARSAL:'));
      const live = lines.slice(Math.max(0, top));
      const cur = live.findIndex((l) => /^\s*> /.test(l));
      return { cur, want: live.findIndex((l) => l.includes(label)), line: cur >= 0 ? live[cur] : '' };
    };
    /** The screen once it stopped changing (Ink may draw a frame in several writes). */
    const settled = async (): Promise<void> => {
      let last = '';
      for (let k = 0; k < 100; k++) {
        const now = pending === 0 ? screen() : '';
        if (now && now === last) return;
        last = now;
        await new Promise((r) => setTimeout(r, 40));
      }
    };
    for (let i = 0; i < 16; i++) {
      await settled();
      const { cur, want, line } = selected();
      if (cur >= 0 && line.includes(label)) return;
      if (want < 0) break;
      await press(want < cur ? KEYS.up : KEYS.down);
      // one key at a time, each seen on the screen before the next (a loaded machine redraws late)
      await waitFor(() => selected().cur !== cur || selected().line !== line, 5000).catch(() => undefined);
    }
    throw new Error(`no menu line with "${label}":\n${screen()}`);
  }

  return {
    dir,
    stateDir,
    simState,
    term,
    screen,
    history,
    waitFor,
    press,
    type,
    choose,
    heights,
    raw: () => raw,
    exited,
    /** Resizes the terminal (SIGWINCH to zsplit) and the emulator. */
    resize(c: number, r: number): void {
      cols = c;
      rows = r;
      p.resize(c, r);
      term.resize(c, r);
    },
    kill: () => {
      try {
        p.kill();
      } catch {
        // already gone
      }
    },
    sim(): { accounts: Record<string, Record<string, string[]>>; servers: Record<string, Record<string, string[]>> } {
      return JSON.parse(readFileSync(simState, 'utf8'));
    },
    file(name: string, text: string): string {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    },
  };
}

export type Wizard = ReturnType<typeof openWizard>;
