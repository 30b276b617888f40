/**
 * Lab: Postfix peers by address class, with the commands zsplit prints.
 * A. Zimbra SECONDARY, the authoritative peer hosts the domain in virtual_mailbox_domains: before,
 *    it rejects Zimbra's users ("User unknown in virtual mailbox table"); relay_recipient_maps would
 *    not change that (relay domains only), and the relay-class commands refuse to run there. With
 *    --peer-address-class virtual the peer accepts them and hands them to Zimbra.
 * B. Zimbra PRIMARY, the peer becomes secondary and delivers its own users by LMTP (to a small LMTP
 *    sink, as to Dovecot): its own users keep that delivery (virtual_transport read on the peer),
 *    not virtual(8) into a Maildir; everyone else goes to Zimbra.
 * C. Zimbra's split-domain recipient check (zimbraMtaRestriction, smtpd_recipient_restrictions as
 *    zmconfigd renders Zimbra's template): on a secondary that catches all unknown users, a client
 *    outside mynetworks gets unknown addresses accepted without it, rejected with it.
 * Addresses .6-.14 of the run's loopback block (lab.ts labNet), apart from the other lab files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncLdap } from '../../src/sim/ldap.js';
import { defaultState, saveState } from '../../src/sim/state.js';
import { cleanup, labDir, labEnabled, labNet, run, SIM_BIN, Timings, waitFor, ZSPLIT } from './lab.js';
import { labBin, peerPostfix, runPeerCommands, zimbraMta } from './mta.js';
import { sendMail, type PostfixInstance } from './postfix.js';
import { Slapd } from './slapd.js';
import { LmtpSink } from './lmtp-sink.js';
import { renderRecipientRestrictions } from './zmmtainit.js';

const PORT = 2525;
// This run's loopback block (lab.ts labNet): another lab run on the machine has its own.
const ip = labNet();
const PEER_USERS = [
  { address: 'carol@example.com', aliases: ['caroline@example.com'] },
  { address: 'dave@example.com', aliases: [] },
];

interface Lab {
  dir: string;
  slapd: Slapd;
  zimbra: PostfixInstance;
  peer: PostfixInstance;
  env: NodeJS.ProcessEnv;
  answers: string[];
}

async function startLab(name: string, zimbraIp: string, peerIp: string, role: 'primary' | 'secondary', peerMain: Record<string, string>): Promise<Lab> {
  const dir = labDir(name);
  const slapd = new Slapd(join(dir, 'ldap'));
  await slapd.start();
  const statePath = join(dir, 'sim-state.json');
  const state = defaultState({ hostname: zimbraIp, ip: zimbraIp });
  saveState(statePath, state);
  syncLdap(statePath, state, { url: slapd.url, bindDn: slapd.bindDn, password: slapd.password, base: slapd.base });
  const zimbra = zimbraMta(join(dir, 'zimbra'), slapd, zimbraIp, PORT);
  const peer = peerPostfix(join(dir, 'peer'), peerIp, PORT, PEER_USERS, 'virtual', 'example.com', peerMain);
  await Promise.all([zimbra.start(), peer.start()]);
  const env = { ...process.env, ...slapd.env, ZSPLIT_SIM_STATE: statePath, ZSPLIT_ZIMBRA_BIN: labBin(dir, zimbra), ZSPLIT_SIM_START_MS: '0', CI: 'true' };
  mkdirSync(join(dir, 'zsplit'), { recursive: true });
  writeFileSync(join(dir, 'peer-accounts.txt'), PEER_USERS.map((u) => [u.address, ...u.aliases].join(' ')).join('\n') + '\n');
  const answers = ['--role', role, '--domain', 'example.com', '--zimbra-host', zimbraIp, '--zimbra-version', '10.1.0', '--peer-kind', 'postfix', '--peer-host', peerIp, '--peer-port', String(PORT), '--peer-ip', peerIp, '--peer-accounts', join(dir, 'peer-accounts.txt')];
  return { dir, slapd, zimbra, peer, env, answers };
}

async function stopLab(l: Lab | undefined): Promise<void> {
  if (!l) return;
  await Promise.all([l.zimbra.stop(), l.peer.stop()]);
  await l.slapd.stop();
  cleanup(l.dir);
}

const zsplit = (l: Lab, args: string[]) => run(process.execPath, [ZSPLIT, ...args, ...l.answers, '--zmprov', join(SIM_BIN, 'zmprov'), '--run-as', 'current', '--state-dir', join(l.dir, 'zsplit')], l.env);
async function peerCommandsOf(l: Lab, extra: string[]): Promise<string[]> {
  const p = await zsplit(l, ['plan', 'setup', '--connect', '--format', 'json', ...extra]);
  expect(p.code, p.err).toBe(0);
  return (JSON.parse(p.out).steps as { where: string; id: string; manual?: { commands: string[] } }[]).filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands);
}

describe.runIf(labEnabled('postfix-classes.test.ts'))('lab: Postfix peers by address class (real Postfix, real slapd)', { retry: 2 }, () => {
  const t = new Timings();
  afterAll(() => t.print('postfix address classes lab'));

  describe('A. authoritative peer with the domain in virtual_mailbox_domains (Zimbra secondary)', () => {
    let l: Lab;
    beforeAll(async () => {
      l = await startLab('classes-a', ip(6), ip(7), 'secondary', {});
      t.mark('lab A started');
    }, 60_000);
    afterAll(() => stopLab(l), 60_000);

    it('before: the peer rejects a Zimbra user as unknown in its virtual mailbox table', async () => {
      const r = await sendMail(ip(7), PORT, 'someone@example.net', 'alice@example.com', 'too early');
      expect(r.rcpt.code).toBe(550);
      expect(r.rcpt.text).toContain('User unknown in virtual mailbox table');
    });

    it('the relay-class commands (relay_recipient_maps) stop at their class check on this peer', async () => {
      expect((await zsplit(l, ['apply', 'setup', '--yes'])).code).toBe(0);
      const relay = await peerCommandsOf(l, ['--peer-address-class', 'relay']);
      expect(relay.join('\n')).toContain('relay_recipient_maps');
      expect(() => runPeerCommands(l.peer, relay, { ip: ip(6), port: PORT })).toThrow(/not listed in relay_domains/);
    });

    it('with --peer-address-class virtual the peer accepts the Zimbra user and hands it to Zimbra; its own users stay; unknown ones are rejected', async () => {
      const cmds = await peerCommandsOf(l, ['--peer-address-class', 'virtual']);
      const ran = runPeerCommands(l.peer, cmds, { ip: ip(6), port: PORT });
      console.log(`[lab] class A: peer commands as run:\n  ${ran.join('\n  ')}`);
      expect(l.peer.postconf('-h', 'virtual_alias_maps')).toContain('zsplit_virtual');
      expect((await sendMail(ip(7), PORT, 'someone@example.net', 'alice@example.com', 'to alice via the virtual peer')).rcpt.code).toBe(250);
      expect((await l.zimbra.waitForMail('alice@example.com'))[0]).toContain('Subject: to alice via the virtual peer');
      expect((await sendMail(ip(7), PORT, 'someone@example.net', 'carol@example.com', 'to carol')).rcpt.code).toBe(250);
      await l.peer.waitForMail('carol@example.com');
      expect((await sendMail(ip(7), PORT, 'someone@example.net', 'nosuch@example.com', 'unknown')).rcpt.code).toBe(550);
      t.mark('class A routed');
    });
  });

  describe("C. Zimbra's split-domain recipient check on a secondary (ldap-splitdomain.cf)", () => {
    let l: Lab;
    const ZIMBRA = ip(13);
    const CLIENT = ip(12);
    beforeAll(async () => {
      l = await startLab('classes-c', ZIMBRA, ip(14), 'secondary', {});
      t.mark('lab C started');
    }, 60_000);
    afterAll(() => stopLab(l), 60_000);

    /** RCPT from a client outside mynetworks (its own source address): the reply code. */
    async function rcptFromOutside(to: string): Promise<number> {
      const r = await run('swaks', ['--server', ZIMBRA, '--port', String(PORT), '--local-interface', CLIENT, '--helo', 'client.zsplit-lab.invalid', '--from', 'someone@example.net', '--to', to, '--quit-after', 'RCPT', '--timeout', '10'], l.env);
      // the reply after `-> RCPT TO:` (swaks marks replies `<-`, errors `<**`)
      const m = /^ *-> RCPT TO:.*\n *<[-~*]*\s+(\d{3})[ -]/m.exec(r.out);
      if (!m) throw new Error(`no RCPT reply from swaks: ${r.out}${r.err}`);
      return Number(m[1]);
    }
    /** What zmconfigd would do: smtpd_recipient_restrictions from Zimbra's template and the directory's zimbraMtaRestriction. */
    async function render(values: string[]): Promise<string> {
      const value = renderRecipientRestrictions(values, l.zimbra.conf);
      l.zimbra.postconf('-e', `smtpd_recipient_restrictions = ${value}`, 'mynetworks = 127.0.0.1/32');
      l.zimbra.reload();
      return value;
    }

    it('without the check the catch-all accepts any address from the internet (backscatter to come); with the values setup writes, unknown ones are refused at RCPT and Zimbra users still accepted', async () => {
      const r = await zsplit(l, ['apply', 'setup', '--yes']);
      expect(r.code, r.out + r.err).toBe(0);
      const g = await run(join(SIM_BIN, 'zmprov'), ['gacf', 'zimbraMtaRestriction'], l.env);
      const values = g.out.split('\n').flatMap((x) => (x.startsWith('zimbraMtaRestriction: ') ? [x.slice(22)] : []));
      expect(values).toEqual(expect.arrayContaining(['check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf', 'reject']));

      const without = await render(values.filter((v) => v !== 'reject' && !v.includes('ldap-splitdomain')));
      expect(without).not.toContain('splitdomain');
      await waitFor('the reload', async () => ((await rcptFromOutside('alice@example.com')) === 250 ? true : undefined), 15_000);
      expect(await rcptFromOutside('nosuch@example.com')).toBe(250);

      const withCheck = await render(values);
      expect(withCheck).toMatch(/check_recipient_access ldap:\S+\/ldap-splitdomain\.cf, reject, permit$/);
      await waitFor('the check in force', async () => ((await rcptFromOutside('nosuch@example.com')) >= 500 ? true : undefined), 15_000);
      expect(await rcptFromOutside('alice@example.com')).toBe(250);
      t.mark('split-domain check: with and without');
    });
  });

  describe('B. secondary peer that delivers its own users by LMTP (Zimbra primary)', () => {
    let l: Lab;
    let sink: LmtpSink;
    beforeAll(async () => {
      sink = new LmtpSink(ip(9), 2424);
      await sink.start();
      l = await startLab('classes-b', ip(10), ip(8), 'primary', { virtual_transport: `lmtp:inet:[${ip(9)}]:2424`, relay_domains: 'other.example' });
      t.mark('lab B started');
    }, 60_000);
    afterAll(async () => {
      await stopLab(l);
      await sink?.stop();
    }, 60_000);

    it('before: the peer delivers its own user to the LMTP store', async () => {
      expect((await sendMail(ip(8), PORT, 'someone@example.net', 'dave@example.com', 'to dave before')).rcpt.code).toBe(250);
      await waitFor('dave in the LMTP sink', () => (sink.to('dave@example.com').length ? true : undefined));
    });

    it('after setup and the printed peer commands: own users still by LMTP (not virtual:), other relay domains kept, Zimbra users to Zimbra', async () => {
      const r = await zsplit(l, ['apply', 'setup', '--yes']);
      expect(r.code, r.out + r.err).toBe(0);
      const cmds = await peerCommandsOf(l, ['--peer-address-class', 'virtual']);
      const ran = runPeerCommands(l.peer, cmds, { ip: ip(10), port: PORT });
      console.log(`[lab] class B: peer commands as run:\n  ${ran.join('\n  ')}`);
      expect(l.peer.postconf('-h', 'relay_domains').split(/[\s,]+/).filter(Boolean)).toEqual(['example.com', 'other.example']);
      expect(l.peer.postconf('-h', 'virtual_mailbox_domains').trim()).toBe('');

      // carol lives on the peer: mail entering at Zimbra (the MX) goes to the peer and into its LMTP store
      expect((await sendMail(ip(10), PORT, 'someone@example.net', 'caroline@example.com', 'to caroline via zimbra')).rcpt.code).toBe(250);
      await waitFor('caroline (carol) in the LMTP sink', () => (sink.to('carol@example.com').length || sink.to('caroline@example.com').length ? true : undefined), 15_000);
      expect(l.peer.maildir('carol@example.com')).toHaveLength(0);
      // alice lives on Zimbra: mail entering at the peer is relayed to Zimbra
      expect((await sendMail(ip(8), PORT, 'someone@example.net', 'alice@example.com', 'to alice via the peer')).rcpt.code).toBe(250);
      expect((await l.zimbra.waitForMail('alice@example.com'))[0]).toContain('Subject: to alice via the peer');
      t.mark('class B routed');
    });
  });
});
