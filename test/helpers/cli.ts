import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

/** Runs the CLI in-process and captures what it printed. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, env: { ...process.env, ...env }, cwd: process.cwd() };
  const code = await run(argv, io);
  return { code, out, err };
}

export const SECONDARY = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'exchange'];
