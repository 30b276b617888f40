/** The simulator's LDAP-backed mode (src/sim/ldap.ts) without a server: entries, LDIF, the hook. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSchema, ldapEntries, ldifDiff, ROUTING_ATTRS, snapshotPath, syncLdapFromEnv, zimbraLdapMaps } from '../../src/sim/ldap.js';
import { defaultState, loadState } from '../../src/sim/state.js';
import { SIM_BIN } from '../helpers/sim.js';

describe('LDAP entries and LDIF', () => {
  it('one entry per account and domain, routing attributes only', () => {
    const s = defaultState();
    const e = ldapEntries(s, 'o=lab');
    expect(Object.keys(e).sort()).toEqual(['zsplitName=account:admin@example.com,o=lab', 'zsplitName=account:alice@example.com,o=lab', 'zsplitName=account:bob@example.com,o=lab', 'zsplitName=domain:example.com,o=lab']);
    const alice = e['zsplitName=account:alice@example.com,o=lab'];
    expect(alice).toEqual({ zimbraMailDeliveryAddress: ['alice@example.com'], zimbraMailTransport: ['lmtp:zimbra.example.com:7025'], zimbraMailStatus: ['enabled'], zimbraMailHost: ['zimbra.example.com'], zimbraAccountStatus: ['active'] });
    expect(Object.keys(alice).every((a) => (ROUTING_ATTRS as readonly string[]).includes(a))).toBe(true);
  });

  it('the difference: add, replace of changed attributes only (empty = removed), delete', () => {
    const s = defaultState();
    const before = ldapEntries(s, 'o=lab');
    s.accounts['bob@example.com'].zimbraMailTransport = ['smtp:[mail.example.com]:25'];
    s.accounts['bob@example.com'].zimbraMailAlias = ['Robert@example.com', 'robert@example.com'];
    delete s.accounts['alice@example.com'].zimbraMailStatus;
    delete s.accounts['admin@example.com'];
    s.accounts['zoë@example.com'] = { zimbraMailDeliveryAddress: ['zoë@example.com'], zimbraMailStatus: ['enabled'] };
    const ldif = ldifDiff(before, ldapEntries(s, 'o=lab'));
    expect(ldif).toContain('dn: zsplitName=account:admin@example.com,o=lab\nchangetype: delete\n');
    expect(ldif).toContain('dn: zsplitName=account:bob@example.com,o=lab\nchangetype: modify\nreplace: zimbraMailAlias\nzimbraMailAlias: Robert@example.com\n-\nreplace: zimbraMailTransport\nzimbraMailTransport: smtp:[mail.example.com]:25\n-\n');
    expect(ldif).toContain('dn: zsplitName=account:alice@example.com,o=lab\nchangetype: modify\nreplace: zimbraMailStatus\n-\n');
    // a DN and values that are not plain ASCII go base64
    expect(ldif).toContain(`dn:: ${Buffer.from('zsplitName=account:zoë@example.com,o=lab').toString('base64')}\nchangetype: add\nobjectClass: zsplitLabEntry\nzsplitName:: ${Buffer.from('account:zoë@example.com').toString('base64')}`);
    expect(ldifDiff(before, before)).toBe('');
  });

  it('the schema defines every attribute the Zimbra maps use, and the maps use only defined ones', () => {
    const schema = labSchema();
    const maps = Object.values(zimbraLdapMaps({ url: 'ldap://127.0.0.1:1' })).join('\n');
    const used = new Set([...maps.matchAll(/\((zimbra\w+)=/g), ...maps.matchAll(/(?:result_attribute = |,)(zimbra\w+)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(8);
    for (const a of used) expect(schema).toContain(`NAME '${a}'`);
    expect(maps).toContain('query_filter = (&(|(zimbraMailDeliveryAddress=%s)(zimbraDomainName=%s))(zimbraMailStatus=enabled))');
  });
});

describe('the simulator hook', () => {
  it('without ZSPLIT_SIM_LDAP nothing happens; with an unreachable server zmprov still saves, says why and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-ldap-'));
    const state = join(dir, 's.json');
    const env = { ...process.env, ZSPLIT_SIM_STATE: state, ZSPLIT_SIM_START_MS: '0' };
    const ok = spawnSync(join(SIM_BIN, 'zmprov'), ['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25'], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(existsSync(snapshotPath(state))).toBe(false);

    const bad = spawnSync(join(SIM_BIN, 'zmprov'), ['ma', 'bob@example.com', 'zimbraAccountStatus', 'locked'], { env: { ...env, ZSPLIT_SIM_LDAP: 'ldap://127.0.0.1:1', ZSPLIT_SIM_LDAP_PASSWORD: 'x' }, encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('zsplit simulator: LDAP sync: ldapmodify on ldap://127.0.0.1:1 failed');
    expect(loadState(state).accounts['bob@example.com'].zimbraAccountStatus).toEqual(['locked']);
    expect(existsSync(snapshotPath(state))).toBe(false);
    // a read does not sync
    const read = spawnSync(join(SIM_BIN, 'zmprov'), ['ga', 'bob@example.com', 'zimbraAccountStatus'], { env: { ...env, ZSPLIT_SIM_LDAP: 'ldap://127.0.0.1:1' }, encoding: 'utf8' });
    expect(read.status).toBe(0);
    expect(syncLdapFromEnv(state, loadState(state), {}, () => undefined)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
