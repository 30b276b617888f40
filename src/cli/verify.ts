/**
 * `zsplit verify --pre|--post [JOB] [answers]`: the preflight before apply and the read-only
 * checks after it, as a pass/fail table (or --json). Exit 0 when every check passes, 3 otherwise.
 *
 *   --zimbra-smtp-port P   where Zimbra's MTA takes SMTP (default 25)
 *   --dns-server IP[:PORT] resolve through this server instead of the system's resolver
 *   --timeout SECONDS      per SMTP connect/reply and DNS query (default 10)
 *   --address A            another sample address for --post (repeatable)
 *   --ca FILE              PEM CA certificates the STARTTLS checks of --pre trust besides Node's own
 */
import { readFileSync } from 'node:fs';
import { verifyPost } from '../verify/post.js';
import { verifyPre } from '../verify/pre.js';
import { parseDnsServer } from '../verify/dns.js';
import { pemCertificates } from '../verify/tls.js';
import { renderReport } from '../verify/report.js';
import type { Flags } from './args.js';
import { UsageError } from './args.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';
import { peerModeFlag } from './plan.js';
import { connectedAnswers, jobAndRest, savedBase } from './trace.js';

function intFlag(flags: Flags, name: 'zimbra-smtp-port' | 'timeout', fallback: number, max: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`--${name}: "${v}" must be a number from 1 to ${max}`, `--${name}`);
  return Number(v);
}

/** --ca FILE: a readable file holding at least one PEM certificate, each one parseable. */
function caFlag(path: string | undefined): string[] | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, '--ca');
  }
  let certs: string[];
  try {
    certs = pemCertificates(text);
  } catch (e) {
    throw new UsageError(`--ca: ${path}: a certificate in it cannot be read (${(e as Error).message})`, '--ca');
  }
  if (certs.length === 0) throw new UsageError(`--ca: ${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`, '--ca');
  return certs;
}

export async function verifyCommand(flags: Flags, positionals: string[], io: CliIO): Promise<number> {
  if (Boolean(flags.pre) === Boolean(flags.post)) throw new UsageError('choose one: zsplit verify --pre (before apply) or --post (after apply)', flags.pre ? '--post' : '--pre');
  const { job, rest } = jobAndRest(flags, positionals);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"; sample addresses go in --address`);
  const zimbraSmtpPort = intFlag(flags, 'zimbra-smtp-port', 25, 65535);
  const timeoutMs = intFlag(flags, 'timeout', 10, 600) * 1000;
  let server: string | undefined;
  if (flags['dns-server'] !== undefined) {
    server = parseDnsServer(flags['dns-server']);
    if (!server) throw new UsageError(`--dns-server: "${flags['dns-server']}" must be an IP address, optionally with :PORT`, '--dns-server');
  }
  const ca = caFlag(flags.ca);
  if (ca && flags.post) throw new UsageError('--ca: only verify --pre checks STARTTLS', '--ca');
  const peerMode = peerModeFlag(flags);
  for (const a of flags.address ?? []) if (!/^[^@\s]+@[^@\s]+$/.test(a)) throw new UsageError(`--address: "${a}" is not an address`, '--address');

  const { exec, answers } = await connectedAnswers(flags, job, io, await savedBase(flags, io));
  if (!answers) return EXIT.invalid;
  const dns = { server, timeoutMs: Math.min(timeoutMs, 5000) };
  const report = flags.pre
    ? await verifyPre({ exec, job, answers, typedVersion: flags['zimbra-version'], rehearsalRequested: Boolean(flags.rehearsal), dns, timeoutMs, zimbraSmtpPort, ca })
    : await verifyPost({ exec, job, answers, peerMode, addresses: flags.address, zimbraSmtpPort, dns, timeoutMs, rehearsalRequested: Boolean(flags.rehearsal) });
  if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(renderReport(report, Number(io.env.COLUMNS) > 0 ? Number(io.env.COLUMNS) : 110));
  return report.ok ? EXIT.ok : EXIT.changesPending;
}
