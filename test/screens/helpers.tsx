/** The wizard in ink-testing-library, on the in-process simulator (rehearsal), with key helpers that wait for frames. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../screens/App.js';
import { parseFlags } from '../../src/cli/args.js';
import type { CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { RehearsalExecutor } from '../../src/exec/rehearsal.js';
import type { Injection } from '../../src/sim/index.js';
import { WizardController } from '../../src/wizard/controller.js';
import { SavedAnswers } from '../../src/wizard/saved.js';
import type { WizardState } from '../../src/wizard/state.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
  tab: '\t',
  ctrlC: '\u0003',
  space: ' ',
} as const;

export interface WizardOptions {
  /** Extra flags, as on the command line. */
  flags?: string[];
  cols?: number;
  rows?: number;
  inject?: Injection;
  /** Reuse the directory of an earlier world (state dir, simulator state). */
  dir?: string;
  /** The simulator presented as a real target (not rehearsal), as a local Zimbra would be. */
  real?: boolean;
}

const ENV = { ZSPLIT_SIM_START_MS: '0' };

export function world(dir = mkdtempSync(join(tmpdir(), 'zsplit-screens-'))) {
  const stateDir = join(dir, 'state');
  const simState = join(dir, 'sim.json');
  mkdirSync(stateDir, { recursive: true });
  const base = ['--rehearsal', '--state-dir', stateDir, '--sim-state', simState];
  return {
    dir,
    stateDir,
    simState,
    base,
    sim(): { accounts: Record<string, Record<string, string[]>>; servers: Record<string, Record<string, string[]>>; domains: Record<string, Record<string, string[]>> } {
      return JSON.parse(readFileSync(simState, 'utf8'));
    },
    file(name: string, text: string): string {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    /** The headless CLI in-process, on the same state (e.g. to set up placeholders first). */
    async cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, env: { ...process.env, ...ENV }, cwd: dir };
      const code = await run([...argv, ...base], io);
      return { code, out, err };
    },
  };
}

export type World = ReturnType<typeof world>;

/** A primary setup of example.com applied headless: placeholders for `users`, routed to mail.example.com. */
export async function primarySetup(w: World, users: string[]): Promise<void> {
  const accounts = w.file('peer-accounts.txt', users.join('\n') + '\n');
  const r = await w.cli(['apply', 'setup', '--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-kind', 'postfix', '--peer-host', 'mail.example.com', '--peer-ip', '192.0.2.10', '--peer-accounts', accounts, '--yes']);
  if (r.code !== 0) throw new Error(`setup failed: ${r.err}${r.out}`);
}

/** The text with its line breaks and runs of spaces squeezed (wrapped messages read as one). */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export function startWizard(opts: WizardOptions = {}) {
  const w = world(opts.dir);
  const flags = parseFlags([...w.base, ...(opts.flags ?? [])]).values;
  const io: CliIO = { out: () => undefined, err: () => undefined, isTTY: true, env: { ...process.env, ...ENV }, cwd: w.dir };
  const exec = new RehearsalExecutor(w.simState, { startDelayMs: 0, inject: opts.inject, env: {} });
  if (opts.real) {
    Object.defineProperty(exec, 'rehearsal', { value: false });
    Object.defineProperty(exec, 'label', { value: 'local, su - zimbra' });
    Object.defineProperty(exec, 'targetId', { value: 'local' });
  }
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const controller = new WizardController({ flags, io, exec, saved: SavedAnswers.open(w.stateDir), size: { cols, rows }, noColor: true, flushMs: 5 });
  const exits: number[] = [];
  controller.onExit = (code) => exits.push(code);
  const r = render(<App controller={controller} />);
  const stdout = r.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  Object.defineProperty(stdout, 'columns', { value: cols, configurable: true, writable: true });
  Object.defineProperty(stdout, 'rows', { value: rows, configurable: true, writable: true });
  stdout.emit('resize');
  controller.start();

  /** The last frame, without its SGR codes (the caret of a text field is reverse video). */
  const frame = (): string => (r.lastFrame() ?? '').replace(/\u001B\[[0-9;]*m/g, '');
  /** The live part of the last frame (without what <Static> wrote above it). */
  const live = (): string => {
    const f = frame();
    const i = f.lastIndexOf(HEADER_MARK);
    return i >= 0 ? f.slice(i) : f;
  };
  const state = (): WizardState => controller.getState();

  async function waitFor(test: string | RegExp | ((s: WizardState, frame: string) => boolean), timeout = 5000): Promise<string> {
    const start = Date.now();
    const ok = () => {
      const f = live();
      if (typeof test === 'string') return f.includes(test);
      if (test instanceof RegExp) return test.test(f);
      return test(state(), f);
    };
    while (!ok()) {
      if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${String(test)}; screen ${state().screen}; frame:\n${live()}`);
      await sleep(10);
    }
    return live();
  }

  /** Writes keys one by one, waiting after each (ink applies input on a later tick; a lone Esc waits for more bytes). */
  async function press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      r.stdin.write(k);
      await sleep(k === KEY.esc ? 40 : 25);
    }
  }

  /** Types text as one chunk (as a fast typist or a paste). */
  async function type(text: string): Promise<void> {
    r.stdin.write(text);
    await sleep(30);
  }

  /** Moves the cursor of the current menu until the selected line (`> ...`) contains `label`. */
  async function choose(label: string, limit = 16): Promise<void> {
    for (let i = 0; i < limit; i++) {
      const lines = live().split('\n');
      const cur = lines.findIndex((l) => /^\s*> /.test(l));
      const want = lines.findIndex((l) => l.includes(label));
      if (cur >= 0 && lines[cur].includes(label)) return;
      if (want < 0) break;
      await press(want < cur ? KEY.up : KEY.down);
    }
    throw new Error(`no menu line with "${label}":\n${live()}`);
  }

  return { ...w, r, controller, frame, live, state, waitFor, press, type, choose, exits, stdout, unmount: () => cleanup() };
}

/** The header line every screen starts with in rehearsal. */
export const HEADER_MARK = 'REHEARSAL: simulated Zimbra';

/** Fills Role and Hosts for a primary postfix setup with the given relay IP, ending on the next screen. */
export async function throughHosts(t: ReturnType<typeof startWizard>, opts: { role?: 'primary' | 'secondary'; peerIp?: string } = {}): Promise<void> {
  await t.waitFor('First-time setup');
  await t.choose('First-time setup');
  await t.press(KEY.enter);
  await t.waitFor("Zimbra's role");
  if (opts.role === 'secondary') await t.press(KEY.down);
  await t.press(KEY.enter); // role confirmed, on to the peer kind
  await t.choose('Postfix');
  await t.press(KEY.enter);
  await t.waitFor('Hosts and addresses');
  // Down to the peer host (domain, zimbra host, mailbox host, version are detected or optional)
  await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
  await t.type('mail.example.com');
  await t.press(KEY.down, KEY.down);
  await t.type(opts.peerIp ?? '192.0.2.10');
  await t.press(KEY.down, KEY.down, KEY.enter);
}
