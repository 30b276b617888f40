/**
 * The simulator as executables (bin/sim/zmprov, zmcontrol, ...): what zsplit spawns in rehearsal
 * through ZSPLIT_ZIMBRA_BIN, and what the engine tests run as real child processes.
 *
 * Environment:
 *   ZSPLIT_SIM_STATE      state file (required); created with defaultState() when missing
 *   ZSPLIT_SIM_VERSION    version for a new state file (default 10.1.0)
 *   ZSPLIT_SIM_HOSTNAME   host name for a new state file
 *   ZSPLIT_SIM_START_MS   simulated JVM start per zmprov process (default 0)
 *   ZSPLIT_SIM_CMD_MS     time per zmprov command (default 0)
 *   ZSPLIT_SIM_LIST_ACCOUNT_US  time per account a listing (gaa) returns, in µs (default 0)
 *   ZSPLIT_SIM_LINE_US    time per line zmprov prints, in µs (default 0): see ZmprovIO.lineUs
 *   ZSPLIT_SIM_FAIL       regex: zmprov commands whose argv (joined by spaces) matches fail
 *   ZSPLIT_SIM_FAIL_CODE  `code` or `code (message)` (default service.FAILURE)
 *   ZSPLIT_SIM_FAIL_NTH   only the Nth match of each process fails
 *   ZSPLIT_SIM_FAIL_ONCE  1: only the first match ever fails (counted in the sidecar log)
 *   ZSPLIT_SIM_SOAP_DOWN  1: mailboxd is down, zmprov without -l fails with zclient.IO_ERROR
 *   ZSPLIT_SIM_JLINE      tty: zmprov's JLine line editing found a controlling terminal, so in
 *                         stdin mode it echoes each line read and emits terminal escape
 *                         sequences into stdout (an emulation: see jlineEcho in prov/io.ts)
 *
 * Output goes to the real descriptors as it is produced. Each mutating command appends what it
 * changed to the state's write-ahead log (state.ts) and the process's last save rewrites the
 * state file, so a process killed mid-batch leaves the completed lines applied.
 *
 * Stdin mode (`zmprov [options]` with no command and no -f) reads its pipe as lines arrive, with
 * blocking reads on fd 0, and answers each line (output, then the next `prov> ` prompt) before it
 * reads the next one, as the real interactive zmprov does: a client can hold it open as a session.
 */
import { existsSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import {
  appendSidecar,
  appendWal,
  defaultState,
  loadState,
  readSidecar,
  saveState,
  type SimState,
} from './state.js';
import { runTool, isSimTool } from './tools.js';
import type { LineSource } from './tokenize.js';
import type { Injection } from './zmprov.js';
import { zmprovMode } from './index.js';
import { syncLdapFromEnv } from './ldap.js';

function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function intEnv(env: NodeJS.ProcessEnv, name: string): number {
  const n = Number.parseInt(env[name] ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

const broken = new Set<number>();

/**
 * Writes everything, synchronously, in order. Like Java's PrintStream (which never throws, it
 * only sets an error flag), a closed reader does not stop the process: if the parent dies and the
 * pipe breaks, the batch still runs to the end, as a real zmprov would.
 */
function writeAll(fd: number, text: string): void {
  if (broken.has(fd)) return;
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      // A non-blocking pipe that is momentarily full: wait a little and retry.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') sleepSync(1);
      else {
        broken.add(fd);
        return;
      }
    }
  }
}

/**
 * stdin as lines, read as they arrive: a blocking read on fd 0 only when no whole line is
 * buffered, so a line is answered before the next one is even read (java.io.BufferedReader over
 * System.in). \n, \r and \r\n end a line. Tolerates a non-blocking descriptor (EAGAIN) and a
 * closed one (end of input).
 */
export class FdLineReader implements LineSource {
  private text = '';
  private eof = false;
  private skipLf = false;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buf = Buffer.alloc(65536);

  constructor(private readonly fd = 0) {}

  private fill(): boolean {
    if (this.eof) return false;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          sleepSync(2);
          continue;
        }
        n = 0; // EOF, EBADF and the like: no more input
      }
      if (n === 0) {
        this.eof = true;
        this.text += this.decoder.end();
        return false;
      }
      this.text += this.decoder.write(this.buf.subarray(0, n));
      return true;
    }
  }

  readLine(): string | null {
    for (;;) {
      if (this.skipLf && this.text.length > 0) {
        if (this.text[0] === '\n') this.text = this.text.slice(1);
        this.skipLf = false;
      }
      const i = this.text.search(/[\r\n]/);
      if (i !== -1) {
        const line = this.text.slice(0, i);
        // A CR may be followed by an LF that has not arrived yet: drop it when it does, never wait for it.
        if (this.text[i] === '\r') this.skipLf = true;
        this.text = this.text.slice(i + 1);
        return line;
      }
      if (!this.fill()) {
        if (this.skipLf && this.text[0] === '\n') this.text = this.text.slice(1);
        if (this.text.length === 0) return null;
        const rest = this.text;
        this.text = '';
        return rest;
      }
    }
  }
}

/** The failure injection asked for by ZSPLIT_SIM_FAIL* (also honoured by the in-process rehearsal executor). */
export function injectionFromEnv(env: NodeJS.ProcessEnv, statePath: string): Injection | undefined {
  if (!env.ZSPLIT_SIM_FAIL) return undefined;
  const once = env.ZSPLIT_SIM_FAIL_ONCE === '1';
  const match = new RegExp(env.ZSPLIT_SIM_FAIL);
  return {
    match,
    code: env.ZSPLIT_SIM_FAIL_CODE || undefined,
    nth: intEnv(env, 'ZSPLIT_SIM_FAIL_NTH') || undefined,
    once,
    // Earlier firings of the same pattern, by any process on this state.
    firedBefore: once ? readSidecar(statePath).filter((r) => r.type === 'inject' && r.match === match.source).length : 0,
  };
}

/** Runs one simulated tool as this process and exits with its exit code. */
export function main(tool: string, argv: string[], env: NodeJS.ProcessEnv = process.env): never {
  const statePath = env.ZSPLIT_SIM_STATE;
  if (!statePath) {
    writeAll(2, `${tool}: ZSPLIT_SIM_STATE is not set (the zsplit simulator needs a state file)\n`);
    process.exit(1);
  }
  if (!isSimTool(tool)) {
    writeAll(2, `zsplit simulator: unknown tool ${tool}\n`);
    process.exit(127);
  }
  let state: SimState;
  if (existsSync(statePath)) state = loadState(statePath);
  else {
    state = defaultState({ version: env.ZSPLIT_SIM_VERSION || undefined, hostname: env.ZSPLIT_SIM_HOSTNAME || undefined });
    saveState(statePath, state);
  }
  const mode = tool === 'zmprov' ? zmprovMode(argv) : 'tool';
  let mutated = false;
  appendSidecar(statePath, { type: 'start', tool, argv, mode, time: new Date().toISOString(), pid: process.pid });

  const result = runTool(state, tool, argv, {
    // Only read when zmprov actually needs stdin (interactive mode, the -l da prompt), a line at a time.
    stdin: new FdLineReader(0),
    lineEditing: env.ZSPLIT_SIM_JLINE === 'tty' ? 'tty' : undefined,
    inject: injectionFromEnv(env, statePath),
    soapDown: env.ZSPLIT_SIM_SOAP_DOWN === '1',
    startDelayMs: tool === 'zmprov' ? intEnv(env, 'ZSPLIT_SIM_START_MS') : 0,
    cmdDelayMs: intEnv(env, 'ZSPLIT_SIM_CMD_MS'),
    listAccountUs: intEnv(env, 'ZSPLIT_SIM_LIST_ACCOUNT_US'),
    lineUs: intEnv(env, 'ZSPLIT_SIM_LINE_US'),
    sleep: sleepSync,
    onOutput: (fd, text) => writeAll(fd, text),
    onLog: (rec) => appendSidecar(statePath, rec),
    onCommand: (ev) => {
      if (ev.mutated) {
        mutated = true;
        if (ev.touched?.length) appendWal(statePath, state, ev.touched);
        else saveState(statePath, state, { fsync: false });
      }
    },
  });
  if (mutated) saveState(statePath, state);
  // LDAP-backed mode (src/sim/ldap.ts, ZSPLIT_SIM_LDAP): what changed lands in slapd too.
  const ldapExit = mutated ? syncLdapFromEnv(statePath, state, env, (t) => writeAll(2, t)) : 0;
  process.exit(result.exitCode || ldapExit);
}
