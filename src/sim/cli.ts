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
 *   ZSPLIT_SIM_FAIL       regex: zmprov commands whose argv (joined by spaces) matches fail
 *   ZSPLIT_SIM_FAIL_CODE  `code` or `code (message)` (default service.FAILURE)
 *   ZSPLIT_SIM_FAIL_NTH   only the Nth match of each process fails
 *   ZSPLIT_SIM_FAIL_ONCE  1: only the first match ever fails (counted in the sidecar log)
 *   ZSPLIT_SIM_SOAP_DOWN  1: mailboxd is down, zmprov without -l fails with zclient.IO_ERROR
 *
 * Output goes to the real descriptors as it is produced and the state is saved after every
 * mutating command, so a process killed mid-batch leaves the completed lines applied.
 */
import { existsSync, readSync, writeSync } from 'node:fs';
import {
  appendSidecar,
  defaultState,
  loadState,
  readSidecar,
  saveState,
  type SimState,
} from './state.js';
import { runTool, isSimTool } from './tools.js';
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

/** All of stdin, tolerating a non-blocking descriptor (EAGAIN) and a closed one. */
function readStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        sleepSync(5);
        continue;
      }
      if (code === 'EOF') break;
      break; // EBADF and the like: no stdin
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
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
    // Only read when zmprov actually needs stdin (interactive mode, the -l da prompt).
    stdin: readStdin,
    inject: injectionFromEnv(env, statePath),
    soapDown: env.ZSPLIT_SIM_SOAP_DOWN === '1',
    startDelayMs: tool === 'zmprov' ? intEnv(env, 'ZSPLIT_SIM_START_MS') : 0,
    cmdDelayMs: intEnv(env, 'ZSPLIT_SIM_CMD_MS'),
    sleep: sleepSync,
    onOutput: (fd, text) => writeAll(fd, text),
    onLog: (rec) => appendSidecar(statePath, rec),
    onCommand: (ev) => {
      if (ev.mutated) {
        mutated = true;
        saveState(statePath, state, { fsync: false });
      }
    },
  });
  if (mutated) saveState(statePath, state);
  // LDAP-backed mode (src/sim/ldap.ts, ZSPLIT_SIM_LDAP): what changed lands in slapd too.
  const ldapExit = mutated ? syncLdapFromEnv(statePath, state, env, (t) => writeAll(2, t)) : 0;
  process.exit(result.exitCode || ldapExit);
}
