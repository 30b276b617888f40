/** Chooses where commands run (local, ssh, rehearsal) and detects Zimbra's version and host. */
import { existsSync } from 'node:fs';
import { privateDir } from '../journal/statedir.js';
import { join } from 'node:path';
import { LocalExecutor } from '../exec/local.js';
import { toolPath } from '../exec/paths.js';
import { RehearsalExecutor } from '../exec/rehearsal.js';
import { parseSshTarget, SshExecutor } from '../exec/ssh.js';
import type { Executor } from '../exec/types.js';
import type { Flags } from './args.js';
import { UsageError } from './args.js';
import type { CliIO } from './io.js';

export function stateDir(flags: Flags, io: CliIO): string {
  const dir = flags['state-dir'] ?? io.env.ZSPLIT_STATE_DIR ?? join(io.env.XDG_STATE_HOME ?? join(io.env.HOME ?? '/root', '.local', 'state'), 'zsplit');
  privateDir(dir, 'state dir', false);
  return dir;
}

export function rehearsalStatePath(flags: Flags, io: CliIO): string {
  return flags['sim-state'] ?? io.env.ZSPLIT_SIM_STATE ?? join(stateDir(flags, io), 'rehearsal', 'sim-state.json');
}

export function makeExecutor(flags: Flags, io: CliIO): Executor {
  const runAs = (flags['run-as'] ?? 'zimbra') as 'zimbra' | 'current';
  if (runAs !== 'zimbra' && runAs !== 'current') throw new UsageError(`--run-as: "${runAs}" must be zimbra or current`, '--run-as');
  const paths = { zmprov: flags.zmprov ?? io.env.ZSPLIT_ZMPROV, binDir: io.env.ZSPLIT_ZIMBRA_BIN };
  const target = flags.target ?? 'local';
  if (flags.rehearsal) return new RehearsalExecutor(rehearsalStatePath(flags, io), { startDelayMs: simDelay(io), env: io.env });
  if (target.startsWith('ssh://')) {
    const t = parseSshTarget(target);
    if (!t) throw new UsageError(`--target: "${target}" is not ssh://user@host[:port]`, '--target');
    return new SshExecutor(t, { ...paths, runAs });
  }
  if (target !== 'local') throw new UsageError(`--target: "${target}" must be local or ssh://user@host[:port]`, '--target');
  if (!existsSync(toolPath('zmprov', paths))) {
    if (flags.zmprov || io.env.ZSPLIT_ZMPROV) throw new UsageError(`--zmprov: ${toolPath('zmprov', paths)} does not exist`, '--zmprov');
    io.err(`zsplit: no Zimbra on this host (${toolPath('zmprov', paths)} not found): REHEARSAL on the simulated Zimbra, nothing real is changed.\n`);
    return new RehearsalExecutor(rehearsalStatePath(flags, io), { startDelayMs: simDelay(io), env: io.env });
  }
  return new LocalExecutor({ ...paths, runAs, env: io.env });
}

/** The simulated JVM start: realistic by default, 0 in tests (ZSPLIT_SIM_START_MS). */
function simDelay(io: CliIO): number {
  const v = Number(io.env.ZSPLIT_SIM_START_MS ?? 400);
  return Number.isFinite(v) && v >= 0 ? v : 400;
}

/** `Release 10.1.0_GA_4655.RHEL8_64_20240819064312 RHEL8_64 FOSS edition.` -> 10.1.0 */
export function parseZmcontrolVersion(text: string): string | undefined {
  return /Release (\d+\.\d+\.\d+)/.exec(text)?.[1];
}

export async function detectZimbra(exec: Executor): Promise<{ version?: string; hostname?: string }> {
  const [v, h] = await Promise.all([exec.run('zmcontrol', ['-v']).catch(() => undefined), exec.run('zmhostname', []).catch(() => undefined)]);
  return {
    version: v && v.exitCode === 0 ? parseZmcontrolVersion(v.stdout) : undefined,
    hostname: h && h.exitCode === 0 ? h.stdout.trim() || undefined : undefined,
  };
}
