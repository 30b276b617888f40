/**
 * Lab, Zimbra SECONDARY with an authoritative Postfix peer (the MX stays on the peer).
 * Real Postfix x2 + real slapd on loopback (<run block>.4:2525 "Zimbra MTA", <run block>.5:2525 peer:
 * other addresses than primary.test.ts, so both lab files can run at the same time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncLdap } from '../../src/sim/ldap.js';
import { defaultState, saveState } from '../../src/sim/state.js';
import { startDnsServer, type DnsServer } from '../verify/dns-server.js';
import { cleanup, labDir, labEnabled, labNet, run, SIM_BIN, Timings, ZSPLIT } from './lab.js';
import { labBin, peerPostfix, runPeerCommands, zimbraMta } from './mta.js';
import { sendMail, type PostfixInstance } from './postfix.js';
import { Slapd } from './slapd.js';

// This run's loopback block (lab.ts labNet): another lab run on the machine has its own.
const ip = labNet();
const ZIMBRA_IP = ip(4);
const PEER_IP = ip(5);
/** An address inside a RegExp. */
const esc = (a: string) => a.replace(/\./g, '\\.');
const PORT = 2525;
const PEER_USERS = [
  { address: 'carol@example.com', aliases: ['caroline@example.com'] },
  { address: 'dave@example.com', aliases: [] },
];

// Postfix's postlogd takes log lines as datagrams, which a busy machine can drop: a lab test
// whose log line went missing is tried again (each test leaves the lab as it found it).
describe.runIf(labEnabled('secondary.test.ts'))('lab: Zimbra secondary + authoritative Postfix peer (real Postfix, real slapd)', { retry: 2 }, () => {
  const t = new Timings();
  let dir: string;
  let slapd: Slapd;
  let zimbra: PostfixInstance;
  let peer: PostfixInstance;
  let dns: DnsServer;
  let env: NodeJS.ProcessEnv;
  let answers: string[];

  const zsplit = (args: string[]) => run(process.execPath, [ZSPLIT, ...args, ...answers, '--zmprov', join(SIM_BIN, 'zmprov'), '--run-as', 'current', '--state-dir', join(dir, 'zsplit')], env);
  const zmprov = (...args: string[]) => run(join(SIM_BIN, 'zmprov'), args, env);
  const verifyPost = (...extra: string[]) => zsplit(['verify', '--post', '--zimbra-smtp-port', String(PORT), '--timeout', '5', ...extra]);

  beforeAll(async () => {
    dir = labDir('secondary');
    slapd = new Slapd(join(dir, 'ldap'));
    await slapd.start();
    const statePath = join(dir, 'sim-state.json');
    const state = defaultState({ hostname: ZIMBRA_IP, ip: ZIMBRA_IP });
    saveState(statePath, state);
    syncLdap(statePath, state, { url: slapd.url, bindDn: slapd.bindDn, password: slapd.password, base: slapd.base });
    t.mark('slapd started, directory loaded');

    zimbra = zimbraMta(join(dir, 'zimbra'), slapd, ZIMBRA_IP, PORT);
    peer = peerPostfix(join(dir, 'peer'), PEER_IP, PORT, PEER_USERS, 'relay');
    await Promise.all([zimbra.start(), peer.start()]);
    t.mark('two Postfix instances started');

    dns = await startDnsServer({ mx: { 'example.com': [{ priority: 10, exchange: 'mx.example.com' }] }, a: { 'mx.example.com': [PEER_IP] } });
    env = { ...process.env, ...slapd.env, ZSPLIT_SIM_STATE: statePath, ZSPLIT_ZIMBRA_BIN: labBin(dir, zimbra), ZSPLIT_SIM_START_MS: '0', CI: 'true' };
    mkdirSync(join(dir, 'zsplit'), { recursive: true });
    writeFileSync(join(dir, 'peer-accounts.txt'), PEER_USERS.map((u) => [u.address, ...u.aliases].join(' ')).join('\n') + '\n');
    answers = ['--role', 'secondary', '--domain', 'example.com', '--zimbra-host', ZIMBRA_IP, '--zimbra-version', '10.1.0', '--peer-kind', 'postfix', '--peer-host', PEER_IP, '--peer-port', String(PORT), '--peer-ip', PEER_IP, '--peer-accounts', join(dir, 'peer-accounts.txt')];
  }, 60_000);

  afterAll(async () => {
    await Promise.all([zimbra?.stop(), peer?.stop()]);
    await slapd?.stop();
    await dns?.close();
    t.mark('stopped');
    t.print('secondary lab');
    if (dir) cleanup(dir);
  }, 60_000);

  it('before the setup: verify --pre passes the MX check (the MX stays on the peer) and the peer rejects Zimbra users', async () => {
    const r = await zsplit(['verify', '--pre', '--json', '--dns-server', dns.address]);
    const report = JSON.parse(r.out);
    expect(report.checks.find((c: { check: string; status: string }) => c.check === 'mx' && c.status !== 'info')).toMatchObject({ status: 'pass', detail: `10 mx.example.com -> the peer (${PEER_IP})` });
    expect(report.ok).toBe(true);
    // the peer does not know Zimbra's users yet: its own relay_recipient_maps refuse them
    expect((await sendMail(PEER_IP, PORT, 'someone@example.net', 'alice@example.com', 'too early')).rcpt.code).toBe(550);
    t.mark('verify --pre');
  });

  it('zsplit apply setup (real process) lands in slapd and in main.cf (zmmtactl reload), then the generated peer commands run', async () => {
    const r = await zsplit(['apply', 'setup', '--yes']);
    expect(r.code, r.out + r.err).toBe(0);
    const domain = Object.values(slapd.search('(zimbraDomainName=example.com)'))[0];
    expect(domain).toMatchObject({ zimbraMailCatchAllAddress: ['@example.com'], zimbraMailCatchAllForwardingAddress: ['@example.com'], zimbraMailTransport: [`smtp:[${PEER_IP}]:${PORT}`] });
    // zmconfigd's part (the lab's zmmtactl): relay host and DNS from the directory
    expect(zimbra.postconf('-h', 'relayhost').trim()).toBe(`[${PEER_IP}]:${PORT}`);
    expect(zimbra.postconf('-h', 'smtp_dns_support_level').trim()).toBe('disabled');
    t.mark(`apply setup (${(r.ms / 1000).toFixed(2)} s)`);

    const p = await zsplit(['plan', 'setup', '--connect', '--format', 'json']);
    const commands = (JSON.parse(p.out).steps as { where: string; manual?: { commands: string[] } }[]).filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands);
    expect(commands.join('\n')).toContain(`alice@example.com smtp:[${ZIMBRA_IP}]:25`);
    const ran = runPeerCommands(peer, commands, { ip: ZIMBRA_IP, port: PORT });
    console.log(`[lab] secondary: peer commands as run:\n  ${ran.join('\n  ')}`);
    expect(peer.postconf('-h', 'relay_recipient_maps')).toContain('zsplit_relay_recipients');
    expect(peer.postconf('-h', 'mynetworks')).toContain(`${ZIMBRA_IP}/32`);
    t.mark('peer commands');
  });

  it("a peer user's mail from the Internet (MX: the peer) is delivered on the peer", async () => {
    expect((await sendMail(PEER_IP, PORT, 'someone@example.net', 'carol@example.com', 'to carol from the internet')).rcpt.code).toBe(250);
    expect((await sendMail(PEER_IP, PORT, 'someone@example.net', 'caroline@example.com', 'to caroline from the internet')).rcpt.code).toBe(250);
    const box = await peer.waitForMail('carol@example.com', 2);
    expect(box.join('\n')).toContain('Subject: to caroline from the internet');
    expect(zimbra.maildir('carol@example.com')).toHaveLength(0);
    t.mark('peer user delivered on the peer');
  });

  it("a Zimbra user's mail from the Internet goes through the peer and is delivered in Zimbra", async () => {
    expect((await sendMail(PEER_IP, PORT, 'someone@example.net', 'alice@example.com', 'to alice via the peer')).rcpt.code).toBe(250);
    const box = await zimbra.waitForMail('alice@example.com');
    expect(box[0]).toContain('Subject: to alice via the peer');
    expect(box[0]).toMatch(/Received: from peer\.zsplit-lab\.invalid/);
    expect(peer.maildir('alice@example.com')).toHaveLength(0);
    t.mark('Zimbra user delivered on Zimbra');
  });

  it('seed 000, "Zimbra is slave, mail from a Zimbra user to the old system": catch-all, domain transport, peer MTA, peer store; trace and real MTAs agree', async () => {
    const tr = await zsplit(['trace', 'dave@example.com', '--from', 'zimbra', '--connect', '--json']);
    const trace = JSON.parse(tr.out).traces[0];
    expect(trace.outcome).toBe('delivered-peer');
    expect(trace.hops.map((h: { system: string }) => h.system)).toEqual(['zimbra-mailbox', 'zimbra-mta', 'zimbra-mta', 'zimbra-mta', 'peer-mta', 'peer-mailbox']);
    expect(trace.hops[1].decision).toContain('no account or alias; matched by catch-all @example.com');
    expect(trace.hops[3].decision).toContain(`domain example.com zimbraMailTransport smtp:[${PEER_IP}]:${PORT}`);
    expect((await sendMail(ZIMBRA_IP, PORT, 'alice@example.com', 'dave@example.com', 'from alice on zimbra')).rcpt.code).toBe(250);
    const box = await peer.waitForMail('dave@example.com');
    expect(box[0]).toMatch(/Received: from zimbra\.zsplit-lab\.invalid/);
    t.mark('Zimbra -> peer via domain transport');
  });

  it('an unknown address is rejected at RCPT by the authoritative peer, with the text the model predicts', async () => {
    const r = await sendMail(PEER_IP, PORT, 'someone@example.net', 'nosuch@example.com', 'unknown');
    expect(r.rcpt.code).toBe(550);
    const tr = await zsplit(['trace', 'nosuch@example.com', '--from', 'internet', '--connect', '--json']);
    const trace = JSON.parse(tr.out).traces[0];
    expect(trace).toMatchObject({ outcome: 'rejected', rejectedBy: 'peer-mta' });
    expect(trace.reason).toContain(`"550 ${r.rcpt.text}"`);
    t.mark('unknown rejected by the peer');
  });

  it('verify --post passes; with the domain transport removed it fails and says why; apply repairs it', async () => {
    const good = await verifyPost();
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(new RegExp(`PASS\\s+postmap transport\\s+example\\.com\\s+smtp:\\[${esc(PEER_IP)}\\]:${PORT}`));
    expect(good.out).toMatch(/PASS\s+postmap vam\s+@example\.com\s+@example\.com/);
    expect(good.out).toMatch(new RegExp(`PASS\\s+postconf\\s+relayhost\\s+\\[${esc(PEER_IP)}\\]:${PORT}`));
    expect(good.out).toMatch(/PASS\s+smtp peer\s+zsplit-verify-no-such-user@example\.com\s+RCPT 550/);
    expect(good.out).toMatch(/PASS\s+smtp zimbra\s+zsplit-verify-no-such-user@example\.com\s+RCPT 250/);

    expect((await zmprov('md', 'example.com', 'zimbraMailTransport', '')).code).toBe(0);
    const bad = await verifyPost('--json');
    expect(bad.code).toBe(3);
    const failed = JSON.parse(bad.out).checks.filter((c: { status: string }) => c.status === 'fail');
    const domainTransport = failed.find((c: { check: string; target: string }) => c.check === 'postmap transport' && c.target === 'example.com');
    expect(domainTransport.reason).toContain(`expected smtp:[${PEER_IP}]:${PORT}`);
    expect(failed.find((c: { check: string; target: string }) => c.check === 'flow now' && c.target === 'carol@example.com').reason).toMatch(/from zimbra: the plan gives DELIVERED on the peer, now BOUNCED/);
    // and Postfix does bounce it: a catch-all without a domain transport (zimbra.md 7.3)
    expect((await sendMail(ZIMBRA_IP, PORT, 'alice@example.com', 'carol@example.com', 'no domain transport')).rcpt.code).toBe(250);
    await zimbra.waitForLog(/to=<carol@example.com>, relay=none.*status=bounced/);

    expect((await zsplit(['apply', 'setup', '--yes'])).code).toBe(0);
    const fixed = await verifyPost();
    expect(fixed.code, fixed.out).toBe(0);
    t.mark('verify --post good / broken / repaired');
  });
});
