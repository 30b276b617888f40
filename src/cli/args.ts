/** Flags shared by the headless commands, and their mapping to raw answers. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RawAnswers } from '../model/validate.js';

export class UsageError extends Error {
  constructor(message: string, public readonly flag?: string) {
    super(message);
  }
}

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  config: { type: 'string' },
  domain: { type: 'string', multiple: true },
  role: { type: 'string' },
  'zimbra-host': { type: 'string', multiple: true },
  'mailbox-host': { type: 'string' },
  'zimbra-version': { type: 'string' },
  'peer-kind': { type: 'string' },
  'peer-host': { type: 'string' },
  'peer-port': { type: 'string' },
  'peer-ip': { type: 'string', multiple: true },
  'peer-accounts': { type: 'string' },
  users: { type: 'string' },
  direction: { type: 'string' },
  wave: { type: 'string' },
  'allow-wide-network': { type: 'boolean' },
  force: { type: 'boolean' },
  'peer-mode': { type: 'string' },
  'no-flow-check': { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'run-as': { type: 'string' },
  zmprov: { type: 'string' },
  target: { type: 'string' },
  'state-dir': { type: 'string' },
  rehearsal: { type: 'boolean' },
  'sim-state': { type: 'string' },
  plan: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  step: { type: 'boolean' },
  resume: { type: 'boolean' },
  refresh: { type: 'boolean' },
  run: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  pre: { type: 'boolean' },
  post: { type: 'boolean' },
  connect: { type: 'boolean' },
  address: { type: 'string', multiple: true },
  'zimbra-smtp-port': { type: 'string' },
  'dns-server': { type: 'string' },
  timeout: { type: 'string' },
  gaa: { type: 'string' },
  gd: { type: 'string' },
  gacf: { type: 'string' },
  gs: { type: 'string' },
} as const;

export type Flags = ReturnType<typeof parseFlags>['values'];

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const m = /'(--?[\w-]+)'/.exec((e as Error).message);
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''), m?.[1]);
  }
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, flag);
  }
}

/** Raw answers from --config (JSON, camelCase) overlaid with flags. */
export function rawAnswers(f: Flags): RawAnswers {
  let base: RawAnswers = {};
  if (f.config) {
    try {
      base = JSON.parse(readText(f.config, '--config')) as RawAnswers;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--config: ${f.config} is not valid JSON: ${(e as Error).message}`, '--config');
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UsageError('--config: expected a JSON object', '--config');
  }
  const pick = <T>(flag: T | undefined, fallback: T | undefined) => (flag !== undefined ? flag : fallback);
  return {
    domain: pick(f.domain, base.domain),
    role: pick(f.role, base.role),
    zimbraHost: pick(f['zimbra-host'], base.zimbraHost),
    mailboxHost: pick(f['mailbox-host'], base.mailboxHost),
    zimbraVersion: pick(f['zimbra-version'], base.zimbraVersion),
    peerKind: pick(f['peer-kind'], base.peerKind),
    peerHost: pick(f['peer-host'], base.peerHost),
    peerPort: pick(f['peer-port'], base.peerPort),
    peerIp: pick(f['peer-ip'], base.peerIp),
    peerAccounts: f['peer-accounts'] !== undefined ? readText(f['peer-accounts'], '--peer-accounts') : base.peerAccounts,
    users: f.users !== undefined ? readText(f.users, '--users') : base.users,
    direction: pick(f.direction, base.direction),
    wave: pick(f.wave, base.wave),
    allowWideNetwork: pick(f['allow-wide-network'], base.allowWideNetwork),
    force: pick(f.force, base.force),
  };
}
