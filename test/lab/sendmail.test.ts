/**
 * Lab: the shell commands zsplit generates for a Sendmail peer, run on a REAL Sendmail 8.17 (the
 * Debian packages, unpacked by .ci/run) in a private network namespace with loopback only
 * (test/lab/sendmail.ts). The commands come from the real planner (`plan()` on answers that
 * `validateAnswers` accepted), the mail is real SMTP, and the "Zimbra MTA" is a catcher that
 * records each envelope Sendmail hands over.
 *
 * - 127.0.0.3:25  the Zimbra MTA (catcher); the answers' Zimbra host is this IP
 * - 127.0.0.2:25  Sendmail that stays authoritative (setup with Zimbra secondary)
 * - 127.0.0.4:25  Sendmail that becomes secondary (setup with Zimbra primary)
 * - 127.0.0.5:25  Sendmail for a setup planned without reading Zimbra (no Zimbra users yet)
 * - 127.0.0.6:25  Sendmail whose sendmail.mc itself puts the domain in class w (LOCAL_DOMAIN)
 * - 127.0.0.9     the internet's SMTP client
 *
 * Each peer has its own users as aliases of root (carol, caroline -> carol, dave); its local
 * mailer appends to mail/<user>. No retries: the tests of a peer build on each other (a second
 * run of an appending command would not be the same test), and nothing here drops messages.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { peerWording } from '../../src/flow/peer.js';
import { addressError, validateAnswers, type RawAnswers } from '../../src/model/validate.js';
import { plan } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/observed.js';
import { cleanup, ROOT, Timings } from './lab.js';
import { missingSendmailLab, Netns, REBUILD, SendmailPeer, sendmailLabDir, sendmailLabEnabled, type Caught, type SmtpResult } from './sendmail.js';

const ZIMBRA_IP = '127.0.0.3';
const AUTH_IP = '127.0.0.2';
const SEC_IP = '127.0.0.4';
const EMPTY_IP = '127.0.0.5';
const STUBBORN_IP = '127.0.0.6';
const INTERNET = '127.0.0.9';
const SYSTEM = 'shell on the Sendmail host (as root)';
const ALIASES = { carol: 'root', caroline: 'carol', dave: 'root' };
/** Valid for zsplit (dot-atom: ' ` $ { } | are atext), hostile to any shell that would expand it. */
const HOSTILE = "o'neil`touch${IFS}PWNED`$HOME|{x}@example.com";
const routed = (a: string) => a.replace(/@example\.com$/, '@zimbra-route.example.com');
const BASE: RawAnswers = { domain: 'example.com', zimbraHost: ZIMBRA_IP, zimbraVersion: '10.1.0', peerKind: 'sendmail', peerPort: '25' };

function answers(job: 'setup' | 'cutover' | 'unsplit', raw: RawAnswers) {
  const v = validateAnswers({ ...BASE, ...raw }, job);
  expect(v.errors).toEqual([]);
  return v.answers!;
}

/** The Sendmail host's commands of a plan (the manual steps for its root shell). */
function sendmailCommands(job: 'setup' | 'cutover' | 'unsplit', raw: RawAnswers, observed?: Observed): string[] {
  const p = plan(job, answers(job, raw), observed);
  const steps = p.steps.filter((s) => s.where === 'peer');
  expect(steps.length).toBeGreaterThan(0);
  for (const s of steps) expect(s.manual?.system).toBe(SYSTEM);
  return steps.flatMap((s) => s.manual!.commands);
}

/** The sendmail.mc lines zsplit added: those of `mc` that the baseline does not have, in order. */
function addedMcLines(peer: SendmailPeer, mc: string): string[] {
  const before = new Set(peer.baselineMc().split('\n'));
  return mc.split('\n').filter((l) => !before.has(l));
}

function noShellExpansion(...dirs: string[]): void {
  for (const d of dirs) expect(readdirSync(d).filter((f) => /pwned/i.test(f)), `files in ${d}`).toEqual([]);
}

describe.runIf(sendmailLabEnabled('sendmail.test.ts'))('lab: zsplit Sendmail commands on a real Sendmail (private network namespace, loopback only)', () => {
  const t = new Timings();
  let dir: string;
  let ns: Netns;
  let auth: SendmailPeer;
  let sec: SendmailPeer;
  let seen = 0;

  /** Sessions the Zimbra catcher received since the last call. */
  const newlyCaught = async (): Promise<Caught[]> => {
    const all = await ns.caught();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const rcptsFrom = (sessions: Caught[], client: string) => sessions.filter((s) => s.client === client).flatMap((s) => s.rcpts).sort();
  /** The RCPT reply codes, with the replies' text in the failure message. */
  const expectCodes = (r: SmtpResult, codes: number[]) => expect(r.rcpts.map((x) => x.code), r.rcpts.map((x) => `${x.code} ${x.text}`).join(' | ')).toEqual(codes);
  const message = (subject: string) => `From: <someone@example.net>\nTo: <undisclosed@example.com>\nSubject: ${subject}\n\n${subject}\n`;
  const fromInternet = (peer: SendmailPeer, rcpts: string[], subject?: string) =>
    ns.smtp({ bind: INTERNET, host: peer.o.ip, from: 'someone@example.net', rcpts, data: subject === undefined ? undefined : message(subject) });
  /** Zimbra relaying internet mail through the peer: RCPT only, no message. */
  const relayFrom = (bind: string, peer: SendmailPeer) => ns.smtp({ bind, host: peer.o.ip, from: 'alice@example.com', rcpts: ['someone@example.net'] });

  // A lab that could not start fails every test (not "skipped": CI counts failed tests).
  let labError: Error | undefined;
  beforeEach(() => {
    if (labError) throw labError;
  });

  beforeAll(async () => {
    try {
      await startLab();
    } catch (e) {
      labError = e as Error;
    }
  }, 60_000);

  async function startLab(): Promise<void> {
    const missing = missingSendmailLab();
    if (missing.length) throw new Error(`the Sendmail lab cannot run: missing ${missing.join('; ')}`);
    dir = sendmailLabDir('peers');
    ns = new Netns(dir, 'peer.example.com', {
      [AUTH_IP]: 'peer.example.com',
      [ZIMBRA_IP]: 'zimbra.zsplit-lab.invalid',
      [SEC_IP]: 'peer2.example.com',
      [EMPTY_IP]: 'peer3.example.com',
      [STUBBORN_IP]: 'peer4.example.com',
      [INTERNET]: 'client.zsplit-lab.invalid',
    });
    await ns.start();
    await ns.catcher(ZIMBRA_IP);
    auth = new SendmailPeer(ns, join(dir, 'authoritative'), { ip: AUTH_IP, hostName: 'peer.example.com', localHostNames: ['example.com'], aliases: ALIASES });
    sec = new SendmailPeer(ns, join(dir, 'secondary'), { ip: SEC_IP, hostName: 'peer2.example.com', localHostNames: ['example.com'], aliases: ALIASES });
    for (const p of [auth, sec]) {
      p.write();
      await p.compile();
    }
    await Promise.all([auth.start(), sec.start()]);
    t.mark('namespace, catcher, two Sendmail daemons');
  }

  afterAll(async () => {
    await Promise.all([auth?.stop(), sec?.stop()]);
    await ns?.stop();
    t.mark('stopped');
    t.print('sendmail lab');
    if (dir) cleanup(dir);
  }, 30_000);

  it('the namespace has loopback only, and the hostile test address is valid for zsplit', async () => {
    expect(await ns.interfaces()).toEqual(['lo']);
    expect(addressError(HOSTILE, ['example.com'])).toBeUndefined();
  });

  describe('setup with Zimbra secondary: Sendmail stays authoritative', () => {
    const observed: Observed = {
      entries: {},
      accounts: [
        { name: 'alice@example.com', attrs: { zimbraMailTransport: [`lmtp:${ZIMBRA_IP}:7025`], zimbraMailAlias: ['alicia@example.com'] } },
        { name: HOSTILE, attrs: { zimbraMailTransport: [`lmtp:${ZIMBRA_IP}:7025`] } },
      ],
    };
    const raw: RawAnswers = { role: 'secondary', peerHost: AUTH_IP, peerIp: AUTH_IP };

    it('before: Sendmail delivers its own users, rejects Zimbra users at RCPT and relays nothing for Zimbra', async () => {
      const r = await fromInternet(auth, ['carol@example.com', 'alice@example.com'], 'auth-before');
      expectCodes(r, [250, 550]);
      expect(r.rcpts[1].text).toMatch(/User unknown/);
      expect(r.data?.code).toBe(250);
      expect(auth.mailbox('root')).toContain('Subject: auth-before');
      const relay = await relayFrom(ZIMBRA_IP, auth);
      expect(relay.rcpts[0].code).toBe(550);
      expect(relay.rcpts[0].text).toMatch(/Relaying denied/);
      expect(await newlyCaught()).toEqual([]);
      t.mark('authoritative: before');
    });

    it('the generated commands run as generated: exact map lines, FEATUREs before the first MAILER(), nothing executed from an address', async () => {
      const commands = sendmailCommands('setup', raw, observed);
      expect(commands).toContain(REBUILD);
      const ran = await auth.run(commands);
      console.log(`[lab] sendmail authoritative setup, as run:\n  ${ran.join('\n  ')}`);
      expect(auth.read('virtusertable')).toBe(
        ['alice@example.com', 'alicia@example.com', HOSTILE].map((a) => `${a}\t${routed(a)}\n`).join(''),
      );
      expect(auth.read('mailertable')).toBe(`zimbra-route.example.com\tesmtp:[${ZIMBRA_IP}]\n`);
      expect(auth.read('access')).toBe(`Connect:${ZIMBRA_IP}\tRELAY\n`);
      const mc = auth.read('sendmail.mc');
      expect(addedMcLines(auth, mc)).toEqual(["FEATURE(`virtusertable')dnl", "FEATURE(`mailertable')dnl"]);
      const lines = mc.split('\n');
      expect(lines.indexOf("FEATURE(`mailertable')dnl")).toBe(lines.findIndex((l) => l.startsWith('MAILER(')) - 1);
      // m4 compiled them into sendmail.cf (the maps are the lab's files)
      expect(auth.read('sendmail.cf')).toContain(`Kvirtuser hash ${auth.dir}/virtusertable`);
      expect(auth.read('sendmail.cf')).toContain(`Kmailertable hash ${auth.dir}/mailertable`);
      noShellExpansion(auth.dir, dir, ROOT);
      t.mark('authoritative: setup commands');
    });

    it('after: Zimbra users (the hostile one too) reach Zimbra as user@zimbra-route.example.com, own users stay, unknown users get 550 at RCPT, Zimbra may relay', async () => {
      const r = await fromInternet(auth, ['alice@example.com', 'alicia@example.com', HOSTILE, 'carol@example.com', 'nosuch@example.com'], 'auth-after');
      expectCodes(r, [250, 250, 250, 250, 550]);
      // the text zsplit's trace model predicts for an authoritative Sendmail
      expect(`${r.rcpts[4].code} ${r.rcpts[4].text}`).toBe(peerWording('sendmail', ZIMBRA_IP).reject('nosuch@example.com'));
      expect(r.data?.code).toBe(250);
      const caught = await newlyCaught();
      expect(rcptsFrom(caught, AUTH_IP)).toEqual(['alice@zimbra-route.example.com', 'alicia@zimbra-route.example.com', routed(HOSTILE)].sort());
      expect(caught.every((s) => s.data.includes('Subject: auth-after'))).toBe(true);
      expect(auth.mailbox('root')).toContain('Subject: auth-after');
      // Zimbra (its IP in access as Connect:... RELAY) may relay internet mail; the internet may not
      expect((await relayFrom(ZIMBRA_IP, auth)).rcpts[0].code).toBe(250);
      const open = await relayFrom(INTERNET, auth);
      expect(open.rcpts[0]).toMatchObject({ code: 550 });
      expect(open.rcpts[0].text).toMatch(/Relaying denied/);
      noShellExpansion(auth.dir, dir, ROOT);
      t.mark('authoritative: mail after setup');
    });

    it('cutover to Zimbra and back: virtusertable gains, then loses, exactly those users', async () => {
      const there = sendmailCommands('cutover', { ...raw, users: ['dave@example.com'], direction: 'to-zimbra', wave: 'wave-1' });
      await auth.run(there);
      expect(auth.read('virtusertable').split('\n').at(-2)).toBe('dave@example.com\tdave@zimbra-route.example.com');
      const r = await fromInternet(auth, ['dave@example.com'], 'dave-on-zimbra');
      expectCodes(r, [250]);
      expect(rcptsFrom(await newlyCaught(), AUTH_IP)).toEqual(['dave@zimbra-route.example.com']);
      expect(auth.mailbox('root')).not.toContain('Subject: dave-on-zimbra');

      const back = sendmailCommands('cutover', { ...raw, users: ['dave@example.com', HOSTILE], direction: 'to-peer', wave: 'wave-1-back' });
      await auth.run(back);
      expect(auth.read('virtusertable')).toBe(['alice@example.com', 'alicia@example.com'].map((a) => `${a}\t${routed(a)}\n`).join(''));
      const r2 = await fromInternet(auth, ['dave@example.com', HOSTILE, 'alice@example.com'], 'dave-back');
      // dave is a local user again; the hostile address is known nowhere on the authoritative Sendmail now
      expectCodes(r2, [250, 550, 250]);
      expect(auth.mailbox('root')).toContain('Subject: dave-back');
      expect(rcptsFrom(await newlyCaught(), AUTH_IP)).toEqual(['alice@zimbra-route.example.com']);
      noShellExpansion(auth.dir, dir, ROOT);
      t.mark('authoritative: cutover and back');
    });

    it('unsplit removes the routing: Zimbra users are unknown again and Zimbra may no longer relay', async () => {
      await auth.run(sendmailCommands('unsplit', { peerHost: AUTH_IP }));
      expect(auth.read('virtusertable')).toBe('');
      expect(auth.read('mailertable')).toBe('');
      expect(auth.read('access')).toBe('');
      const r = await fromInternet(auth, ['alice@example.com', 'carol@example.com']);
      expectCodes(r, [550, 250]);
      expect((await relayFrom(ZIMBRA_IP, auth)).rcpts[0].code).toBe(550);
      expect(await newlyCaught()).toEqual([]);
      t.mark('authoritative: unsplit');
    });
  });

  describe('setup with Zimbra primary: Sendmail becomes secondary (LUSER_RELAY)', () => {
    const raw: RawAnswers = { role: 'primary', peerHost: SEC_IP, peerIp: SEC_IP, peerAccounts: ['carol@example.com caroline@example.com', 'dave@example.com'] };

    it('what real Sendmail does: LUSER_RELAY + preserve_luser_host for a domain in local-host-names replace the domain with the relay host', async () => {
      // Both lines before the first MAILER(), example.com in class w: zsplit's commands before
      // this lab (relay:<host>) and the bracketed form. Zimbra would reject either address.
      for (const [relay, got] of [[ZIMBRA_IP, `alice@${ZIMBRA_IP}`], [`[${ZIMBRA_IP}]`, `alice@[${ZIMBRA_IP}]`]]) {
        writeFileSync(sec.mc, sec.baselineMc().replace(/^MAILER\(/m, `define(\`LUSER_RELAY', \`relay:${relay}')dnl\nFEATURE(\`preserve_luser_host')dnl\nMAILER(`));
        await sec.rebuild();
        expectCodes(await fromInternet(sec, ['alice@example.com'], `class-w ${relay}`), [250]);
        // "This feature only works if the hostname is passed to the mailer ... in the default
        // configuration the local mailer does not receive the hostname" (cf/README)
        expect(rcptsFrom(await newlyCaught(), SEC_IP)).toEqual([got]);
      }
      writeFileSync(sec.mc, sec.baselineMc());
      await sec.rebuild();
      expectCodes(await fromInternet(sec, ['alice@example.com']), [550]);
      t.mark('secondary: class w demonstration');
    });

    it('the generated commands run as generated: LUSER_RELAY and FEATUREs before the first MAILER(), the domain moves from local-host-names to mailertable local:', async () => {
      const commands = sendmailCommands('setup', raw);
      const ran = await sec.run(commands);
      console.log(`[lab] sendmail secondary setup, as run:\n  ${ran.join('\n  ')}`);
      const mc = sec.read('sendmail.mc');
      expect(addedMcLines(sec, mc)).toEqual([
        `define(\`LUSER_RELAY', \`relay:[${ZIMBRA_IP}]')dnl`,
        "FEATURE(`preserve_luser_host')dnl",
        "FEATURE(`virtusertable')dnl",
        "FEATURE(`mailertable')dnl",
        "VIRTUSER_DOMAIN(`example.com')dnl",
      ]);
      const lines = mc.split('\n');
      expect(lines.indexOf("VIRTUSER_DOMAIN(`example.com')dnl")).toBe(lines.findIndex((l) => l.startsWith('MAILER(')) - 1);
      expect(sec.read('mailertable')).toBe(`example.com\tlocal:\nzimbra-route.example.com\tesmtp:[${ZIMBRA_IP}]\n`);
      expect(sec.read('local-host-names')).toBe('');
      expect(sec.read('virtusertable')).toBe('');
      expect(sec.read('sendmail.cf')).toMatch(/^DLrelay:\[127\.0\.0\.3\]$/m);
      t.mark('secondary: setup commands');
    });

    it('after: unknown users reach Zimbra with their own address (+detail and the hostile one too), own users and aliases stay local', async () => {
      const r = await fromInternet(sec, ['alice@example.com', 'alice+news@example.com', HOSTILE, 'carol@example.com', 'caroline@example.com'], 'sec-after');
      expectCodes(r, [250, 250, 250, 250, 250]);
      expect(r.data?.code).toBe(250);
      const caught = await newlyCaught();
      // Through the local mailer (no F=u) Sendmail folds the local part to lower case; Zimbra's
      // address lookups ignore case. Through virtusertable (below) the case is kept.
      expect(rcptsFrom(caught, SEC_IP)).toEqual(['alice@example.com', 'alice+news@example.com', HOSTILE.toLowerCase()].sort());
      expect(caught.every((s) => s.data.includes('Subject: sec-after'))).toBe(true);
      expect(sec.mailbox('root')).toContain('Subject: sec-after');
      noShellExpansion(sec.dir, dir, ROOT);
      t.mark('secondary: mail after setup');
    });

    it('cutover to Zimbra and back works on the secondary too (virtusertable for a VIRTUSER_DOMAIN)', async () => {
      await sec.run(sendmailCommands('cutover', { ...raw, users: ['dave@example.com', HOSTILE], direction: 'to-zimbra', wave: 'wave-1' }));
      expect(sec.read('virtusertable')).toBe(['dave@example.com', HOSTILE].map((a) => `${a}\t${routed(a)}\n`).join(''));
      expectCodes(await fromInternet(sec, ['dave@example.com', HOSTILE], 'dave-to-zimbra'), [250, 250]);
      expect(rcptsFrom(await newlyCaught(), SEC_IP)).toEqual(['dave@zimbra-route.example.com', routed(HOSTILE)].sort());
      expect(sec.mailbox('root')).not.toContain('Subject: dave-to-zimbra');

      await sec.run(sendmailCommands('cutover', { ...raw, users: ['dave@example.com', HOSTILE], direction: 'to-peer', wave: 'wave-1-back' }));
      expect(sec.read('virtusertable')).toBe('');
      expectCodes(await fromInternet(sec, ['dave@example.com', HOSTILE], 'dave-back-on-peer'), [250, 250]);
      expect(sec.mailbox('root')).toContain('Subject: dave-back-on-peer');
      // the hostile address is no local user: LUSER_RELAY sends it to Zimbra with its own address
      expect(rcptsFrom(await newlyCaught(), SEC_IP)).toEqual([HOSTILE.toLowerCase()]);
      noShellExpansion(sec.dir, dir, ROOT);
      t.mark('secondary: cutover and back');
    });

    it('unsplit removes LUSER_RELAY and the routing: example.com is no longer this host\'s, mail for it is not accepted from the internet', async () => {
      await sec.run(sendmailCommands('unsplit', { peerHost: SEC_IP }));
      expect(addedMcLines(sec, sec.read('sendmail.mc'))).toEqual(["FEATURE(`virtusertable')dnl", "FEATURE(`mailertable')dnl"]);
      expect(sec.read('mailertable')).toBe('');
      const r = await fromInternet(sec, ['alice@example.com', 'carol@example.com']);
      expectCodes(r, [550, 550]);
      expect(r.rcpts[0].text).toMatch(/Relaying denied/);
      expect(await newlyCaught()).toEqual([]);
      t.mark('secondary: unsplit');
    });
  });

  it('setup with Zimbra primary stops, saying why, when the domain stays in class w through sendmail.mc (LOCAL_DOMAIN)', async () => {
    const stubborn = new SendmailPeer(ns, join(dir, 'stubborn'), { ip: STUBBORN_IP, hostName: 'peer4.example.com', localHostNames: ['example.com'], aliases: ALIASES, mc: ["LOCAL_DOMAIN(`example.com')dnl"] });
    stubborn.write();
    await stubborn.compile();
    await stubborn.start();
    try {
      await expect(stubborn.run(sendmailCommands('setup', { role: 'primary', peerHost: STUBBORN_IP, peerIp: STUBBORN_IP }))).rejects.toThrow(
        /example\.com is still in class w \(LOCAL_DOMAIN or Cw in sendmail\.mc\?\)/,
      );
      expect(stubborn.read('local-host-names')).toBe('');
    } finally {
      await stubborn.stop();
    }
    t.mark('secondary: domain kept in class w by the .mc');
  });

  it('setup planned without reading Zimbra (no Zimbra users yet): the commands still run (virtusertable is created for makemap)', async () => {
    const empty = new SendmailPeer(ns, join(dir, 'empty'), { ip: EMPTY_IP, hostName: 'peer3.example.com', localHostNames: ['example.com'], aliases: ALIASES });
    empty.write();
    await empty.compile();
    await empty.start();
    try {
      expect(existsSync(join(empty.dir, 'virtusertable'))).toBe(false);
      await empty.run(sendmailCommands('setup', { role: 'secondary', peerHost: EMPTY_IP, peerIp: EMPTY_IP }));
      expect(empty.read('virtusertable')).toBe('');
      expect(existsSync(join(empty.dir, 'virtusertable.db'))).toBe(true);
      expectCodes(await fromInternet(empty, ['carol@example.com', 'alice@example.com']), [250, 550]);
    } finally {
      await empty.stop();
    }
    t.mark('authoritative without Zimbra users');
  });
});
