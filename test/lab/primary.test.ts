/**
 * Lab, Zimbra PRIMARY (authoritative) with a Postfix peer that forwards unknown users to Zimbra.
 * Real Postfix x2 + real slapd on loopback (<run block>.2:2525 "Zimbra MTA", <run block>.3:2525 peer);
 * `zsplit apply setup` runs as a real process against the simulated zmprov in LDAP-backed mode,
 * so what it applies lands in slapd and the real Postfix routes by it.
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
const ZIMBRA_IP = ip(2);
const PEER_IP = ip(3);
/** An address inside a RegExp. */
const esc = (a: string) => a.replace(/\./g, '\\.');
const PORT = 2525;
const PEER_USERS = [
  { address: 'carol@example.com', aliases: ['caroline@example.com'] },
  { address: 'dave@example.com', aliases: [] },
];

// Postfix's postlogd takes log lines as datagrams, which a busy machine can drop: a lab test
// whose log line went missing is tried again (each test leaves the lab as it found it).
describe.runIf(labEnabled('primary.test.ts'))('lab: Zimbra primary + Postfix peer (real Postfix, real slapd)', { retry: 2 }, () => {
  const t = new Timings();
  let dir: string;
  let slapd: Slapd;
  let zimbra: PostfixInstance;
  let peer: PostfixInstance;
  let dns: DnsServer;
  let env: NodeJS.ProcessEnv;
  let answers: string[];
  let statePath: string;

  const zsplit = (args: string[], extra: string[] = []) => run(process.execPath, [ZSPLIT, ...args, ...answers, ...extra, '--zmprov', join(SIM_BIN, 'zmprov'), '--run-as', 'current', '--state-dir', join(dir, 'zsplit')], env);
  const zmprov = (...args: string[]) => run(join(SIM_BIN, 'zmprov'), args, env);

  beforeAll(async () => {
    dir = labDir('primary');
    slapd = new Slapd(join(dir, 'ldap'));
    await slapd.start();
    t.mark('slapd started');

    // The simulated Zimbra: its server is the lab MTA's address, so transports use IP literals.
    statePath = join(dir, 'sim-state.json');
    const state = defaultState({ hostname: ZIMBRA_IP, ip: ZIMBRA_IP });
    saveState(statePath, state);
    syncLdap(statePath, state, { url: slapd.url, bindDn: slapd.bindDn, password: slapd.password, base: slapd.base });

    zimbra = zimbraMta(join(dir, 'zimbra'), slapd, ZIMBRA_IP, PORT);
    peer = peerPostfix(join(dir, 'peer'), PEER_IP, PORT, PEER_USERS, 'virtual');
    await Promise.all([zimbra.start(), peer.start()]);
    t.mark('two Postfix instances started');

    dns = await startDnsServer({ mx: { 'example.com': [{ priority: 10, exchange: 'mx.example.com' }] }, a: { 'mx.example.com': [PEER_IP] } });
    const bin = labBin(dir, zimbra);
    env = { ...process.env, ...slapd.env, ZSPLIT_SIM_STATE: statePath, ZSPLIT_ZIMBRA_BIN: bin, ZSPLIT_SIM_START_MS: '0', CI: 'true' };
    mkdirSync(join(dir, 'zsplit'), { recursive: true });
    writeFileSync(join(dir, 'peer-accounts.txt'), PEER_USERS.map((u) => [u.address, ...u.aliases].join(' ')).join('\n') + '\n');
    answers = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', ZIMBRA_IP, '--zimbra-version', '10.1.0', '--peer-kind', 'postfix', '--peer-host', PEER_IP, '--peer-port', String(PORT), '--peer-ip', PEER_IP, '--peer-accounts', join(dir, 'peer-accounts.txt')];
  }, 60_000);

  afterAll(async () => {
    await Promise.all([zimbra?.stop(), peer?.stop()]);
    await slapd?.stop();
    await dns?.close();
    t.mark('stopped');
    t.print('primary lab');
    if (dir) cleanup(dir);
  }, 60_000);

  it('verify --pre: names, MX through the test resolver, the peer banner, zmprov, version, catch-alls, postconf', async () => {
    const r = await zsplit(['verify', '--pre', '--json', '--dns-server', dns.address, '--timeout', '5']);
    const report = JSON.parse(r.out);
    const by = (check: string, target?: string) => report.checks.find((c: { check: string; target: string }) => c.check === check && (target === undefined || c.target === target));
    expect(by('mx', 'example.com')).toMatchObject({ status: 'pass', detail: `10 mx.example.com -> the peer (${PEER_IP})` });
    expect(by('smtp peer').status).toBe('pass');
    expect(by('smtp peer').detail).toContain('ESMTP zsplit-lab peer');
    expect(by('zmprov').status).toBe('pass');
    expect(by('version').detail).toContain('Release 10.1.0');
    expect(by('catch-all', 'example.com').status).toBe('pass');
    // main.cf of the lab MTA was written by hand, not by zmconfigd: mynetworks differs from LDAP
    expect(by('postconf', 'mynetworks').status).toBe('warn');
    expect(dns.queries).toContain('example.com/15');
    expect(r.code, r.out + r.err).toBe(0);
    t.mark('verify --pre');
  });

  it('refuses a both-sides-catch-all setup (a secondary Zimbra with a forward-unknown peer): exit 2 with the looping trace, nothing applied', async () => {
    const secondary = answers.map((a) => (a === 'primary' ? 'secondary' : a));
    const r = await run(process.execPath, [ZSPLIT, 'apply', 'setup', ...secondary, '--peer-mode', 'forward-unknown', '--yes', '--zmprov', join(SIM_BIN, 'zmprov'), '--run-as', 'current', '--state-dir', join(dir, 'zsplit')], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('=> LOOP: mail loops');
    expect(r.err).toContain('554 5.4.0 Error: too many hops');
    expect(r.err).toMatch(new RegExp(`peer MTA ${esc(PEER_IP)} <[^>]+> -> Zimbra MTA ${esc(ZIMBRA_IP)}`));
    expect(Object.values(slapd.search('(zimbraMailCatchAllAddress=*)'))).toHaveLength(0);
    t.mark('refused loop plan');
  });

  it('zsplit apply setup (a real process, simulated zmprov writing to slapd) and the generated peer commands', async () => {
    const r = await zsplit(['apply', 'setup', '--yes']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('COMPLETED');
    // what zmprov applied is in LDAP, where Postfix reads it
    const carol = slapd.search('(zimbraMailDeliveryAddress=carol@example.com)');
    expect(Object.values(carol)[0]).toMatchObject({ zimbraMailTransport: [`smtp:[${PEER_IP}]:${PORT}`], zimbraAccountStatus: ['locked'], zimbraMailAlias: ['caroline@example.com'] });
    t.mark(`apply setup (${(r.ms / 1000).toFixed(2)} s)`);

    const p = await zsplit(['plan', 'setup', '--connect', '--format', 'json']);
    expect(p.code, p.err).toBe(0);
    const steps = JSON.parse(p.out).steps as { where: string; manual?: { commands: string[] } }[];
    const commands = steps.filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands);
    expect(commands.join('\n')).toContain(`example.com 'smtp:[${ZIMBRA_IP}]:25'`);
    const ran = runPeerCommands(peer, commands, { ip: ZIMBRA_IP, port: PORT });
    console.log(`[lab] primary: peer commands as run:\n  ${ran.join('\n  ')}`);
    // prepended: Postfix's own default (empty from compatibility level 2, $mydestination before) stays after it
    expect(peer.postconf('-h', 'relay_domains')).toMatch(/^example\.com \$\{\{\$compatibility_level\}/);
    expect(peer.postconf('-xh', 'relay_domains').trim()).toBe('example.com');
    expect(peer.postconf('-h', 'transport_maps')).toContain(`hash:${peer.conf}/zsplit_transport`);
    t.mark('peer commands');
  });

  it("a peer user's mail entering at the MX (Zimbra) is delivered on the peer, also through an alias", async () => {
    const a = await sendMail(ZIMBRA_IP, PORT, 'someone@example.net', 'carol@example.com', 'to carol via zimbra');
    expect(a.rcpt.code).toBe(250);
    const b = await sendMail(ZIMBRA_IP, PORT, 'someone@example.net', 'caroline@example.com', 'to caroline via zimbra');
    expect(b.rcpt.code).toBe(250);
    const box = await peer.waitForMail('carol@example.com', 2);
    expect(box.join('\n')).toContain('Subject: to carol via zimbra');
    expect(box.join('\n')).toContain('Subject: to caroline via zimbra');
    expect(zimbra.maildir('carol@example.com')).toHaveLength(0);
    // seed 000, "Zimbra is master, mail sent from the internet, account lives on the old system":
    // the model's hops are the ones the real MTAs took
    const tr = await zsplit(['trace', 'carol@example.com', '--from', 'internet', '--connect', '--json']);
    const trace = JSON.parse(tr.out).traces[0];
    expect(trace.hops.map((h: { system: string }) => h.system)).toEqual(['internet', 'zimbra-mta', 'zimbra-mta', 'peer-mta', 'peer-mailbox']);
    expect(trace.hops[2].decision).toBe(`account zimbraMailTransport smtp:[${PEER_IP}]:${PORT}`);
    // postlogd writes the log asynchronously: wait for the line rather than read it at once
    await zimbra.waitForLog(new RegExp(`to=<carol@example.com>, relay=${PEER_IP.replace(/\./g, '\\.')}\\[${PEER_IP.replace(/\./g, '\\.')}\\]:${PORT}.*status=sent`));
    t.mark('peer user delivered on the peer');
  });

  it("a Zimbra user's mail is delivered in Zimbra, from the Internet and from a peer user", async () => {
    expect((await sendMail(ZIMBRA_IP, PORT, 'someone@example.net', 'alice@example.com', 'to alice from the internet')).rcpt.code).toBe(250);
    expect((await sendMail(PEER_IP, PORT, 'dave@example.com', 'alice@example.com', 'to alice from dave on the peer')).rcpt.code).toBe(250);
    const box = await zimbra.waitForMail('alice@example.com', 2);
    expect(box.join('\n')).toContain('Subject: to alice from dave on the peer');
    expect(peer.maildir('alice@example.com')).toHaveLength(0);
    t.mark('Zimbra user delivered on Zimbra');
  });

  it('an unknown address is rejected at RCPT by Zimbra (authoritative), as the model traces it', async () => {
    const r = await sendMail(ZIMBRA_IP, PORT, 'someone@example.net', 'nosuch@example.com', 'unknown');
    expect(r.rcpt.code).toBe(550);
    expect(r.rcpt.text).toMatch(/^5\.1\.1 <nosuch@example\.com>: Recipient address rejected/);
    const tr = await zsplit(['trace', 'nosuch@example.com', '--from', 'internet', '--connect', '--json']);
    const trace = JSON.parse(tr.out).traces[0];
    expect(trace).toMatchObject({ outcome: 'rejected', rejectedBy: 'zimbra-mta' });
    t.mark('unknown rejected');
  });

  it('verify --post passes on the good setup (postmap on real Postfix+LDAP, postconf, SMTP probes against both MTAs)', async () => {
    const logBefore = zimbra.log().length + peer.log().length;
    const r = await zsplit(['verify', '--post', '--zimbra-smtp-port', String(PORT), '--timeout', '5']);
    console.log(`[lab] primary: verify --post (good setup):\n${r.out}`);
    expect(r.out).toContain('verify --post: OK');
    expect(r.out).toMatch(new RegExp(`PASS\\s+postmap transport\\s+carol@example\\.com\\s+smtp:\\[${esc(PEER_IP)}\\]:${PORT}`));
    expect(r.out).toMatch(/PASS\s+postmap vam\s+caroline@example\.com\s+carol@example\.com/);
    expect(r.out).toMatch(/PASS\s+smtp zimbra\s+zsplit-verify-no-such-user@example\.com\s+RCPT 550/);
    expect(r.out).toMatch(/PASS\s+smtp peer\s+zsplit-verify-no-such-user@example\.com\s+RCPT 250/);
    expect(r.code).toBe(0);
    // the probes queued nothing (no DATA): no message reached either queue manager
    expect(logBefore).toBeGreaterThan(0);
    expect(`${zimbra.log()}${peer.log()}`.match(/qmgr\[\d+\]: \w+: from=<>/g) ?? []).toHaveLength(0);
    t.mark(`verify --post ok (${(r.ms / 1000).toFixed(2)} s)`);
  });

  it("verify --post fails with the reason when a placeholder's transport is removed; apply puts it back", async () => {
    const broken = await zmprov('ma', 'carol@example.com', 'zimbraMailTransport', '');
    expect(broken.code, broken.err).toBe(0);
    const r = await zsplit(['verify', '--post', '--zimbra-smtp-port', String(PORT), '--timeout', '5', '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.out);
    const failed = report.checks.filter((c: { status: string }) => c.status === 'fail');
    const transport = failed.find((c: { check: string; target: string }) => c.check === 'postmap transport' && c.target === 'carol@example.com');
    expect(transport.reason).toContain(`expected smtp:[${PEER_IP}]:${PORT}`);
    expect(transport.reason).toContain("Postfix's map answers nothing (not found)");
    expect(failed.find((c: { check: string }) => c.check === 'changes').detail).toContain('Route carol@example.com');
    expect(failed.find((c: { check: string; target: string }) => c.check === 'flow now' && c.target === 'carol@example.com').reason).toContain('BOUNCED');
    // the real MTA agrees: accepted (carol is still listed), then bounced by virtual_transport = error
    expect((await sendMail(ZIMBRA_IP, PORT, 'alice@example.com', 'carol@example.com', 'to carol, transport removed')).rcpt.code).toBe(250);
    await zimbra.waitForLog(/to=<carol@example.com>, relay=none.*status=bounced/);

    const fix = await zsplit(['apply', 'setup', '--yes']);
    expect(fix.code, fix.out + fix.err).toBe(0);
    const again = await zsplit(['verify', '--post', '--zimbra-smtp-port', String(PORT), '--timeout', '5']);
    expect(again.code, again.out).toBe(0);
    t.mark('broken and repaired');
  });

  it('forced both-sides catch-all: the real MTAs bounce with "too many hops", and the model traces the loop', async () => {
    // Zimbra gets the secondary's catch-all while the peer forwards unknown users to Zimbra.
    const force = await zmprov('md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com', 'zimbraMailCatchAllForwardingAddress', '@example.com', 'zimbraMailTransport', `smtp:[${PEER_IP}]:${PORT}`);
    expect(force.code, force.err).toBe(0);
    const tr = await zsplit(['trace', 'nosuch@example.com', '--from', 'internet', '--connect']);
    expect(tr.out).toContain('=> LOOP: mail loops');

    const before = zimbra.maildir('alice@example.com').length;
    const started = performance.now();
    const r = await sendMail(ZIMBRA_IP, PORT, 'alice@example.com', 'nosuch@example.com', 'into the loop');
    expect(r.rcpt.code).toBe(250);
    const bounced = await Promise.race([zimbra.waitForLog(/too many hops/, 20_000), peer.waitForLog(/too many hops/, 20_000)]);
    expect(bounced).toContain('5.4.0 Error: too many hops');
    // the bounce reaches the sender, alice, in her Zimbra Maildir
    const box = await zimbra.waitForMail('alice@example.com', before + 1, 20_000);
    expect(box.slice(before).join('\n')).toMatch(/too many hops/);
    const hops = (zimbra.log().match(new RegExp(`to=<nosuch@example.com>, relay=${esc(PEER_IP)}`, 'g')) ?? []).length;
    console.log(`[lab] primary: loop bounced after ${((performance.now() - started) / 1000).toFixed(2)} s, ${hops} hand-offs Zimbra -> peer`);
    expect(hops).toBeGreaterThan(10);
    t.mark('loop: too many hops');
  });
});
