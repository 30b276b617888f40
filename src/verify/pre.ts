/**
 * `zsplit verify --pre`: before applying anything. Names resolve, the MX records and where they
 * point, the peer answers SMTP, zmprov runs, Zimbra's version, who runs the commands, server-level
 * MTA values that hide global ones, existing catch-alls, and main.cf against LDAP. Read-only.
 */
import { userInfo } from 'node:os';
import type { Executor } from '../exec/types.js';
import { Zmprov } from '../exec/zmprov.js';
import { allValues } from '../flow/index.js';
import type { Answers, Job } from '../model/types.js';
import type { Observed } from '../plan/index.js';
import { directoryFromObserved } from '../plan/flowcheck.js';
import { entryKey } from '../zimbra/commands.js';
import { parseZmcontrolVersion } from '../cli/target.js';
import { resolveHost, resolveMx, type DnsOptions, type HostResolution } from './dns.js';
import { expectedPostconf, POSTCONF_PARAMS, sameSet } from './expect.js';
import { observeForFlow } from './observe.js';
import { makeReport, type Check, type VerifyReport } from './report.js';
import { smtpBanner, replyLine } from './smtp.js';
import { probeStartTls, type TlsProbe } from './tls.js';
import { mxFor } from './state.js';

export interface PreOptions {
  exec: Executor;
  job: Job;
  answers: Answers;
  /** The version the operator typed (--zimbra-version), to compare with zmcontrol -v. */
  typedVersion?: string;
  /** --rehearsal was asked for (else a rehearsal executor means zmprov was not found here). */
  rehearsalRequested?: boolean;
  dns?: DnsOptions;
  timeoutMs?: number;
  /** Where Zimbra's MTA takes SMTP (default 25): its STARTTLS is checked there. */
  zimbraSmtpPort?: number;
  /** Extra trusted CA certificates (PEM, --ca) for the STARTTLS checks. */
  ca?: string[];
}

/**
 * One STARTTLS check: offered, handshake, trusted chain, valid for `names` (the names the other
 * side's connectors use). `required`: the other side refuses mail without it (Microsoft 365
 * connectors with -TlsSettings DomainValidation), so a failure is a fail, not a warning.
 */
export function tlsCheck(target: string, p: TlsProbe, required: boolean, use: string): Check {
  const check = 'tls';
  const bad = required ? 'fail' : 'warn';
  if (p.error && !p.handshake) return { check, target, status: bad, detail: p.offered ? 'STARTTLS handshake failed' : 'could not check STARTTLS', reason: `${p.error}: ${use}`, durationMs: p.durationMs };
  if (!p.offered) return { check, target, status: bad, detail: 'STARTTLS not offered', reason: `mail between the two systems goes unencrypted; ${use}`, durationMs: p.durationMs };
  const wrongNames = Object.entries(p.names).filter(([, why]) => why !== undefined);
  const detail = `${p.protocol ?? 'TLS'}, certificate ${p.subject ?? '?'}${p.altNames ? ` (${p.altNames})` : ''}, valid to ${p.validTo ?? '?'}`;
  if (wrongNames.length) return { check, target, status: bad, detail, reason: `the certificate is not valid for ${wrongNames.map(([n]) => n).join(', ')}: ${use}`, durationMs: p.durationMs };
  if (!p.trusted) return { check, target, status: bad, detail, reason: `the certificate chain is not trusted (${p.trustError ?? 'unknown'}): ${use}`, durationMs: p.durationMs };
  return { check, target, status: 'pass', detail, durationMs: p.durationMs };
}

export async function verifyPre(o: PreOptions): Promise<VerifyReport> {
  const a = o.answers;
  const dns = o.dns ?? {};
  const timeoutMs = o.timeoutMs ?? 10_000;
  const checks: Check[] = [];
  const notes: string[] = [];

  // --- names
  const hosts = [...new Set([...a.zimbraHosts, a.mailboxHost, a.peer.host].map((h) => h.toLowerCase()))];
  const resolved = new Map<string, HostResolution>();
  await Promise.all(hosts.map(async (h) => resolved.set(h, await resolveHost(h, dns))));
  for (const h of hosts) {
    const r = resolved.get(h)!;
    checks.push(
      r.ok
        ? { check: 'resolve', target: h, status: 'pass', detail: `${r.addresses.join(', ')} (${r.via})` }
        : { check: 'resolve', target: h, status: 'fail', detail: `does not resolve (${r.via})`, reason: `${r.error}: SMTP to ${h} and transports naming it fail` },
    );
  }

  // --- MX
  const zimbraSide = new Set([...a.zimbraHosts.map((h) => h.toLowerCase()), ...a.zimbraHosts.flatMap((h) => resolved.get(h.toLowerCase())?.addresses ?? [])]);
  const peerSide = new Set([a.peer.host.toLowerCase(), ...(resolved.get(a.peer.host.toLowerCase())?.addresses ?? []), ...a.peer.ips.map((i) => i.split('/')[0])]);
  const mxNow = o.job === 'setup' && a.role === 'primary' ? 'peer' : mxFor(o.job, a);
  for (const d of a.domains) {
    const mx = await resolveMx(d, dns);
    if (!mx.ok) {
      checks.push({ check: 'mx', target: d, status: 'fail', detail: `no MX records (${mx.via})`, reason: `${mx.error}: cannot tell where Internet mail for ${d} enters` });
      continue;
    }
    for (const r of mx.records) {
      const addrs = zimbraSide.has(r.exchange) || peerSide.has(r.exchange) ? [r.exchange] : (await resolveHost(r.exchange, dns)).addresses;
      const side = addrs.some((x) => zimbraSide.has(x)) ? 'zimbra' : addrs.some((x) => peerSide.has(x)) ? 'peer' : 'other';
      const where = side === 'zimbra' ? 'Zimbra' : side === 'peer' ? `the peer (${a.peer.host})` : 'neither Zimbra nor the peer';
      const c: Check = { check: 'mx', target: d, status: side === mxNow ? 'pass' : 'warn', detail: `${r.priority} ${r.exchange} -> ${where}` };
      if (side !== mxNow) {
        c.reason =
          side === 'other'
            ? `${r.exchange} is a third host (a filter or gateway?): it must hand ${d} to the ${mxNow === 'zimbra' ? 'Zimbra MTA' : 'peer'}, zsplit's traces assume the MX is the ${mxNow === 'zimbra' ? 'Zimbra MTA' : 'peer'}`
            : mxNow === 'peer' && a.role === 'primary'
              ? `the MX already points at Zimbra: mail for the peer's users is rejected until their placeholders exist; the MX change belongs at the end`
              : `the ${o.job} expects the MX on ${mxNow === 'zimbra' ? 'Zimbra' : 'the peer'} (the authoritative side)`;
      }
      checks.push(c);
    }
  }
  checks.push({
    check: 'mx',
    target: a.domains.join(', '),
    status: 'info',
    detail:
      o.job === 'setup' && a.role === 'primary'
        ? `the MX moves to ${a.zimbraHosts[0]} LAST, after every other step and a tested mail flow (zsplit verify --post)`
        : `the MX stays on the authoritative side (${mxFor(o.job, a) === 'zimbra' ? a.zimbraHosts[0] : a.peer.host}); change it last, if at all`,
  });

  // --- the peer answers SMTP
  const peerAddr = resolved.get(a.peer.host.toLowerCase())?.addresses[0] ?? a.peer.host;
  const banner = await smtpBanner(peerAddr, a.peer.port, { timeoutMs });
  checks.push(
    banner.banner && banner.banner.code === 220
      ? { check: 'smtp peer', target: `${a.peer.host}:${a.peer.port}`, status: 'pass', detail: replyLine(banner.banner), durationMs: banner.durationMs }
      : {
          check: 'smtp peer',
          target: `${a.peer.host}:${a.peer.port}`,
          status: 'fail',
          detail: banner.banner ? replyLine(banner.banner) : 'no banner',
          reason: `${banner.error ?? 'not a 220 greeting'}: Zimbra could not hand mail to the peer (placeholders and the domain transport go there)`,
          durationMs: banner.durationMs,
        },
  );

  // --- TLS between the two systems, for the names each side's connectors use
  if (banner.banner?.code === 220)
    checks.push(tlsCheck(`${a.peer.host}:${a.peer.port}`, await probeStartTls(peerAddr, a.peer.port, [a.peer.host], { timeoutMs, ca: o.ca }), false, `Zimbra hands mail to ${a.peer.host} by that name`));
  if (!o.exec.rehearsal) {
    const zimbraAddr = resolved.get(a.zimbraHosts[0].toLowerCase())?.addresses[0] ?? a.zimbraHosts[0];
    const port = o.zimbraSmtpPort ?? 25;
    // Microsoft 365's connectors to Zimbra insist on it (-TlsSettings DomainValidation -TlsDomain <Zimbra host>).
    const m365 = a.peer.kind === 'm365';
    checks.push(
      tlsCheck(`${a.zimbraHosts[0]}:${port}`, await probeStartTls(zimbraAddr, port, [a.zimbraHosts[0]], { timeoutMs, ca: o.ca }), m365, m365 ? `Microsoft 365's connector validates ${a.zimbraHosts[0]} (-TlsDomain) and refuses to deliver otherwise` : `the peer sends to ${a.zimbraHosts[0]} by that name`),
    );
  }

  // --- zmprov runs, and what it reads
  if (o.exec.rehearsal) {
    checks.push(
      o.rehearsalRequested
        ? { check: 'zmprov', target: o.exec.label, status: 'info', detail: 'rehearsal: the simulated Zimbra answers zmprov, zmcontrol, postconf and postmap' }
        : {
            check: 'zmprov',
            target: o.exec.label,
            status: 'fail',
            detail: 'zmprov is not installed on this host',
            reason: 'zsplit fell back to the simulated Zimbra; run it on the Zimbra server, over --target ssh://..., or give --zmprov PATH',
          },
    );
  }
  const zmprov = new Zmprov(o.exec);
  let observed: Observed | undefined;
  const started = performance.now();
  try {
    observed = await observeForFlow(zmprov, o.job, a);
    checks.push({ check: 'zmprov', target: o.exec.label, status: 'pass', detail: `runs: read the MTA settings and ${observed.accounts?.length ?? 0} account(s) (${zmprov.stats.starts} start(s))`, durationMs: performance.now() - started });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    checks.push({
      check: 'zmprov',
      target: o.exec.label,
      status: 'fail',
      detail: err.code === 'ENOENT' ? 'zmprov not found' : 'zmprov failed',
      reason: `${err.message.split('\n')[0]}${err.code === 'ENOENT' ? ' (--zmprov PATH, or ZSPLIT_ZMPROV)' : ''}`,
    });
  }

  // --- version
  try {
    const v = await o.exec.run('zmcontrol', ['-v'], { timeoutMs: timeoutMs * 3 });
    const version = v.exitCode === 0 ? parseZmcontrolVersion(v.stdout) : undefined;
    if (!version) checks.push({ check: 'version', target: 'zmcontrol -v', status: 'fail', detail: 'no version', reason: (v.stderr || v.stdout).trim() || `exit ${v.exitCode}` });
    else if (o.typedVersion && o.typedVersion.split(/[._-]/).slice(0, 3).join('.') !== version) {
      checks.push({ check: 'version', target: 'zmcontrol -v', status: 'warn', detail: v.stdout.trim(), reason: `--zimbra-version says ${o.typedVersion}: the plan's commands differ before and after 8.7` });
    } else checks.push({ check: 'version', target: 'zmcontrol -v', status: 'pass', detail: v.stdout.trim() });
  } catch (e) {
    checks.push({ check: 'version', target: 'zmcontrol -v', status: 'fail', detail: 'zmcontrol could not run', reason: (e as Error).message });
  }

  // --- who runs the commands
  const me = userInfo().username;
  const viaSu = /su - zimbra|runuser/.test(o.exec.label);
  const user: Check = { check: 'user', target: me, status: 'pass', detail: `zsplit runs as ${me}; commands run ${o.exec.label}` };
  if (!o.exec.rehearsal && o.exec.targetId === 'local') {
    if (viaSu && me !== 'root') {
      user.status = 'fail';
      user.reason = `switching to the zimbra user with su needs root; run zsplit as root or as zimbra, or pass --run-as current`;
    } else if (!viaSu && me !== 'zimbra' && me !== 'root') {
      user.status = 'warn';
      user.reason = `zmprov and postconf run as ${me}, not as zimbra: they may lack the LDAP password and the Postfix config`;
    }
  }
  checks.push(user);

  if (observed) {
    const dir = directoryFromObserved(a, observed);
    // --- server-level MTA values that hide global ones (zimbra.md 7.7)
    for (const attr of ['zimbraMtaRelayHost', 'zimbraMtaMyNetworks']) {
      const global = allValues(dir.config, attr);
      for (const h of a.zimbraHosts) {
        const server = allValues(dir.servers[h], attr);
        if (server.length === 0) {
          checks.push({ check: 'mta level', target: `${h} ${attr}`, status: 'pass', detail: `no server value; the global value applies (${global.join(' ') || 'unset'})` });
        } else {
          checks.push({
            check: 'mta level',
            target: `${h} ${attr}`,
            status: 'warn',
            detail: `server value ${server.join(' ')} (global: ${global.join(' ') || 'unset'})`,
            reason: `a server value overrides the global one: a global change (zmprov mcf ${attr}) would be ineffective on ${h}; zsplit writes it with zmprov ms`,
          });
        }
      }
    }
    // --- catch-alls (zimbra.md 7.1, 7.4): accounts of the shared domains (gaa), and any account
    // anywhere whose catch-all key is a shared domain (zmprov -l sa, zimbra.md 7.4)
    const catchAllOf = new Map<string, string[]>();
    for (const x of observed.accounts ?? []) {
      const keys = allValues(x.attrs, 'zimbraMailCatchAllAddress');
      if (keys.length) catchAllOf.set(x.name, keys);
    }
    try {
      const sa = await zmprov.batch(
        a.domains.map((d) => ['sa', `(zimbraMailCatchAllAddress=@${d})`]),
        { ldap: true, timeoutMs: timeoutMs * 6 },
      );
      sa.lines.forEach((line, i) => {
        if (line.status !== 'ok') return;
        for (const name of line.output.split('\n').map((l) => l.trim().toLowerCase()).filter((l) => l.includes('@'))) {
          if (!catchAllOf.has(name)) catchAllOf.set(name, [`@${a.domains[i]}`]);
        }
      });
    } catch {
      // the gaa listing above still covers the shared domains' own accounts
    }
    for (const [name, keys] of catchAllOf) {
      checks.push({
        check: 'catch-all',
        target: name,
        status: 'fail',
        detail: `account catch-all ${keys.join(' ')}`,
        reason:
          a.role === 'secondary'
            ? 'with the domain catch-all the setup adds, ldap-vam.cf returns both and unknown addresses are delivered to this mailbox AND forwarded (zimbra.md 7.4)'
            : 'a catch-all mailbox on the authoritative side accepts every unknown address instead of rejecting it at RCPT',
      });
    }
    for (const d of a.domains) {
      const e = observed.entries[entryKey({ kind: 'domain', name: d })];
      if (e === null) {
        checks.push({ check: 'domain', target: d, status: 'fail', detail: 'no such domain on Zimbra', reason: `create it first (zmprov cd ${d})` });
        continue;
      }
      const ca = allValues(e, 'zimbraMailCatchAllAddress');
      if (ca.length === 0) checks.push({ check: 'catch-all', target: d, status: 'pass', detail: 'no domain catch-all' });
      else
        checks.push({
          check: 'catch-all',
          target: d,
          status: a.role === 'primary' ? 'fail' : 'info',
          detail: `domain catch-all ${ca.join(' ')} -> ${allValues(e, 'zimbraMailCatchAllForwardingAddress').join(' ') || '(no forwarding address)'}`,
          reason: a.role === 'primary' ? 'a primary must not forward unknown addresses: with a peer that forwards them back, mail loops (zimbra.md 7.1)' : undefined,
        });
    }
    if (catchAllOf.size === 0) checks.push({ check: 'catch-all', target: 'accounts', status: 'pass', detail: 'no account is a catch-all mailbox' });

    // --- main.cf against LDAP
    try {
      const r = await o.exec.run('postconf', ['-h', ...POSTCONF_PARAMS], { timeoutMs });
      if (r.exitCode !== 0) checks.push({ check: 'postconf', target: POSTCONF_PARAMS.join(' '), status: 'fail', detail: `exit ${r.exitCode}`, reason: (r.stderr || r.stdout).trim() });
      else {
        const got = r.stdout.replace(/\n$/, '').split('\n');
        const want = expectedPostconf(dir, a);
        POSTCONF_PARAMS.forEach((p, i) => {
          const actual = (got[i] ?? '').trim();
          const same =
            p === 'mynetworks'
              ? sameSet(want[p].split(/[\s,]+/).filter(Boolean), actual.split(/[\s,]+/).filter(Boolean))
              : p === 'smtp_dns_support_level'
                ? (want[p] || 'enabled') === (actual || 'enabled')
                : want[p] === actual;
          checks.push({
            check: 'postconf',
            target: p,
            status: same ? 'pass' : 'warn',
            detail: actual === '' ? '(empty)' : actual,
            expected: want[p],
            actual,
            reason: same ? undefined : `LDAP says "${want[p]}": main.cf is not rewritten yet (zmmtactl reload) or was edited by hand, and zmconfigd will overwrite it`,
          });
        });
      }
    } catch (e) {
      checks.push({ check: 'postconf', target: POSTCONF_PARAMS.join(' '), status: 'fail', detail: 'postconf could not run', reason: (e as Error).message });
    }
  }
  return makeReport('pre', checks, notes);
}
