/**
 * The two MTAs of a split domain in the lab: the "Zimbra MTA" (Zimbra's routing maps read from
 * slapd), the ZSPLIT_ZIMBRA_BIN folder that drives it, and the peer Postfix with zsplit's
 * generated peer-side commands run on it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_BIN } from './lab.js';
import { PostfixInstance } from './postfix.js';
import type { Slapd } from './slapd.js';
import { labMap, SPLIT_MAPS } from './zmmtainit.js';

/**
 * The lab's "Zimbra MTA": Zimbra's main.cf routing part (zmconfigd's values, the simulator's
 * postconfValues) with the ldap-*.cf maps reading slapd.
 *
 * lmtp -> local Maildirs: Zimbra's accounts carry `zimbraMailTransport lmtp:<mailhost>:7025`
 * (the mailbox server's LMTP). The lab has no mailboxd, so its master.cf defines the service
 * named `lmtp` as Postfix's virtual(8) delivery agent: Postfix picks the service by the
 * transport's name, virtual(8) ignores the next hop and delivers to virtual_mailbox_base + the
 * virtual_mailbox_maps answer. The LDAP entries stay exactly as zmprov wrote them (so
 * `postmap -q` shows Zimbra's real values); only ldap-vmm.cf gets a lab `result_format = %d/%u/`
 * so that the answer is a Maildir path (`example.com/alice/`).
 */
export function zimbraMta(dir: string, slapd: Slapd, ip: string, port: number, main: Record<string, string> = {}): PostfixInstance {
  // Zimbra's own map files, their query lines extracted from zmmtainit (test/lab/zmmtainit.ts).
  const conf = join(dir, 'conf');
  mkdirSync(conf, { recursive: true });
  for (const file of SPLIT_MAPS) {
    const extra: Record<string, string> = file === 'ldap-vmm.cf' ? { result_format: '%d/%u/' } : {};
    writeFileSync(join(conf, file), labMap(file, { url: slapd.url, base: slapd.base }, extra), { mode: 0o644 });
  }
  const map = (f: string) => `ldap:${join(conf, f)}`;
  return new PostfixInstance(dir, {
    name: 'zimbra',
    ip,
    port,
    main: {
      transport_maps: map('ldap-transport.cf'),
      virtual_alias_maps: map('ldap-vam.cf'),
      virtual_mailbox_maps: map('ldap-vmm.cf'),
      virtual_mailbox_domains: map('ldap-vmd.cf'),
      virtual_alias_domains: map('ldap-vad.cf'),
      virtual_transport: 'error',
      smtpd_relay_restrictions: 'permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination',
      smtpd_recipient_restrictions: 'reject_non_fqdn_recipient, permit_sasl_authenticated, permit_mynetworks, reject_unlisted_recipient, permit',
      hopcount_limit: '50',
      ...main,
    },
    master: { lmtp: 'lmtp      unix  -       n       n       -       -       virtual' },
  });
}

/**
 * A ZSPLIT_ZIMBRA_BIN folder for zsplit and its tests: zmprov, zmcontrol, zmhostname are the
 * simulator's; postconf and postmap are the real ones on the lab's Zimbra MTA (postmap with
 * /opt/zimbra/conf/ rewritten to the instance's conf folder); zmmtactl runs the simulator's and
 * then does what zmconfigd does on a real Zimbra: main.cf's relayhost, mynetworks and
 * smtp_dns_support_level from the directory (the simulator's postconf computes them), then a
 * Postfix reload.
 */
export function labBin(dir: string, mta: PostfixInstance): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const write = (name: string, text: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
  for (const t of ['zmprov', 'zmcontrol', 'zmhostname', 'postfix']) write(t, `exec ${join(SIM_BIN, t)} "$@"`);
  write('postconf', `exec /usr/sbin/postconf -c ${mta.conf} "$@"`);
  write(
    'postmap',
    [
      '# Zimbra keeps its maps in /opt/zimbra/conf; the lab MTA in its own conf folder.',
      'for a do',
      '  shift',
      `  case "$a" in *"/opt/zimbra/conf/"*) a=$(printf '%s' "$a" | sed "s#/opt/zimbra/conf/#${mta.conf}/#");; esac`,
      '  set -- "$@" "$a"',
      'done',
      `exec /usr/sbin/postmap -c ${mta.conf} "$@"`,
    ].join('\n'),
  );
  write(
    'zmmtactl',
    [
      `${join(SIM_BIN, 'zmmtactl')} "$@" || exit $?`,
      'case "$1" in reload|restart|start) ;; *) exit 0;; esac',
      '# zmconfigd: main.cf from LDAP, then reload',
      `relay=$(${join(SIM_BIN, 'postconf')} -h relayhost)`,
      `nets=$(${join(SIM_BIN, 'postconf')} -h mynetworks)`,
      `dns=$(${join(SIM_BIN, 'postconf')} -h smtp_dns_support_level)`,
      `/usr/sbin/postconf -c ${mta.conf} -e "relayhost = $relay" "mynetworks = $nets" "smtp_dns_support_level = \${dns:-enabled}" || exit 1`,
      `/usr/sbin/postfix -c ${mta.conf} reload >/dev/null 2>&1 || exit 1`,
    ].join('\n'),
  );
  return bin;
}

// ------------------------------------------------------------------------------------------ peer

export interface PeerUser {
  address: string;
  aliases: string[];
}

/**
 * The peer Postfix before zsplit, in the shape each role's generated commands presuppose:
 * - `virtual` (a Zimbra primary: the peer becomes secondary): the domain is a virtual mailbox
 *   domain with the peer's own users; the generated commands turn it into a relay domain whose
 *   own users keep the peer's virtual_transport and everything else goes to Zimbra.
 * - `relay` (a Zimbra secondary: the peer stays authoritative): the domain is a relay domain
 *   (zimbra.md 6.3, "Postfix as the primary or front MX"), own users routed to `virtual:` and
 *   listed in relay_recipient_maps; the generated commands add Zimbra's users to both.
 */
export function peerPostfix(dir: string, ip: string, port: number, users: PeerUser[], baseline: 'virtual' | 'relay', domain = 'example.com', extra: Record<string, string> = {}): PostfixInstance {
  const conf = join(dir, 'conf');
  mkdirSync(conf, { recursive: true });
  const file = (name: string, lines: string[]) => {
    writeFileSync(join(conf, name), lines.map((l) => `${l}\n`).join(''), { mode: 0o644 });
    return `texthash:${join(conf, name)}`;
  };
  const boxes = file('vmailbox', users.map((u) => `${u.address} ${u.address.split('@')[1]}/${u.address.split('@')[0]}/`));
  const aliases = file('virtual', users.flatMap((u) => u.aliases.map((a) => `${a} ${u.address}`)));
  const main: Record<string, string> = { virtual_mailbox_maps: boxes, virtual_alias_maps: aliases };
  if (baseline === 'virtual') main.virtual_mailbox_domains = domain;
  else {
    main.relay_domains = domain;
    main.transport_maps = file('local_transport', users.map((u) => `${u.address} virtual:`));
    main.relay_recipient_maps = file('local_recipients', users.flatMap((u) => [u.address, ...u.aliases]).map((a) => `${a} OK`));
  }
  return new PostfixInstance(dir, { name: 'peer', ip, port, main: { ...main, ...extra } });
}

/**
 * Runs zsplit's peer-side commands for kind `postfix` on the lab's peer, adapted only where the
 * lab differs from a real host:
 * - /etc/postfix/ -> the instance's config folder, and MAIL_CONFIG points postconf, postmap and
 *   postfix at it (so `postconf -h`, `postmap FILE`, `postfix check && postfix reload` run as
 *   generated; `hash:` maps stay `hash:`, built by the generated `postmap`);
 * - `smtp:[<zimbra ip>]:25` -> the lab's SMTP port for Zimbra (2525);
 * - a trailing `# ...` comment is dropped.
 * Returns what ran, for the test's log.
 */
export function runPeerCommands(peer: PostfixInstance, commands: string[], zimbra: { ip: string; port: number }): string[] {
  const ran: string[] = [];
  for (const raw of commands) {
    let cmd = raw.replaceAll('/etc/postfix/', `${peer.conf}/`).replaceAll(`smtp:[${zimbra.ip}]:25`, `smtp:[${zimbra.ip}]:${zimbra.port}`);
    cmd = cmd.replace(/\s+#.*$/, '');
    ran.push(cmd);
    const r = spawnSync('sh', ['-c', cmd], { env: peer.env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`peer command failed (${r.status}): ${cmd}\n${r.stderr}${r.stdout}`);
  }
  return ran;
}

