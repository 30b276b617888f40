// Distribution lists as ProvUtil and LdapProvisioning handle them: cdl, gdl (dumpGroup's format),
// gadl, mdl, ddl, adlm/rdlm (members in zimbraMailForwardingAddress), adla/rdla, rdl, and the
// address namespace lists share with accounts and aliases (one DN per address under ou=people).
import { describe, expect, it } from 'vitest';
import { parseState, serializeState } from '../../src/sim/state.js';
import { ldapLookup } from '../../src/sim/tools.js';
import { expectedMapValues } from '../../src/verify/expect.js';
import type { Answers } from '../../src/model/types.js';
import { sim } from './helpers.js';

const ID1 = '00000000-0000-4000-8000-000000000001';

describe('createDistributionList (cdl) and getDistributionList (gdl)', () => {
  it('prints the new id; gdl dumps the header with memberCount, the attributes, then members', () => {
    const { zm } = sim();
    const c = zm(['cdl', 'staff@example.com', 'displayName', 'All Staff']);
    expect(c).toMatchObject({ exitCode: 0, stdout: `${ID1}\n`, stderr: '' });
    expect(zm(['adlm', 'staff@example.com', 'alice@example.com', 'bob@example.com']).exitCode).toBe(0);
    const g = zm(['gdl', 'staff@example.com']);
    expect(g.exitCode).toBe(0);
    expect(g.stdout).toBe(
      [
        '# distributionList staff@example.com memberCount=2',
        'cn: All Staff',
        'displayName: All Staff',
        'mail: staff@example.com',
        'objectClass: zimbraDistributionList',
        'objectClass: zimbraMailRecipient',
        'uid: staff',
        'zimbraCreateTimestamp: 20250301100000Z',
        `zimbraId: ${ID1}`,
        'zimbraMailAlias: staff@example.com',
        'zimbraMailForwardingAddress: alice@example.com',
        'zimbraMailForwardingAddress: bob@example.com',
        'zimbraMailHost: zimbra.example.com',
        'zimbraMailStatus: enabled',
        '',
        'members',
        'alice@example.com',
        'bob@example.com',
        '',
      ].join('\n'),
    );
  });

  it('gdl with attribute names filters the attributes, never the members; by id too', () => {
    const { zm } = sim();
    zm(['cdl', 'staff@example.com']);
    zm(['adlm', 'staff@example.com', 'alice@example.com']);
    expect(zm(['gdl', ID1, 'zimbraMailStatus']).stdout).toBe('# distributionList staff@example.com memberCount=1\nzimbraMailStatus: enabled\n\nmembers\nalice@example.com\n');
  });

  it('an unknown list: NO_SUCH_DISTRIBUTION_LIST with the key as given; no default domain is added', () => {
    const { zm } = sim();
    zm(['cdl', 'staff@example.com']);
    for (const cmd of [['gdl', 'nope@example.com'], ['ddl', 'nope@example.com'], ['adlm', 'nope@example.com', 'a@example.com'], ['mdl', 'nope@example.com', 'description', 'x'], ['gdl', 'staff']]) {
      const r = zm(cmd);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`ERROR: account.NO_SUCH_DISTRIBUTION_LIST (no such distribution list: ${cmd[1]})\n`);
    }
  });

  it('refuses a bad address, a missing domain, an alias domain', () => {
    const { zm } = sim();
    expect(zm(['cdl', 'staff']).stderr).toBe('ERROR: service.INVALID_REQUEST (invalid request: must be valid list address: staff)\n');
    expect(zm(['cdl', 'staff@nowhere.test']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.test)\n');
    zm(['cad', 'alias.example', 'example.com']);
    expect(zm(['cdl', 'staff@alias.example']).stderr).toBe('ERROR: service.INVALID_REQUEST (invalid request: domain type must be local)\n');
    expect(zm(['cdl', 'staff@example.com', 'zimbraPrefMailForwardingAddress', 'x@example.com']).stderr).toMatch(/^ERROR: service\.INVALID_REQUEST \(invalid request: LDAP schema violation/);
  });
});

describe('one address namespace for accounts, aliases and lists', () => {
  it('cdl on an account, an alias or a list: DISTRIBUTION_LIST_EXISTS', () => {
    const { zm } = sim();
    zm(['aaa', 'alice@example.com', 'ali@example.com']);
    zm(['cdl', 'staff@example.com']);
    for (const addr of ['alice@example.com', 'ali@example.com', 'STAFF@example.com']) {
      const r = zm(['cdl', addr]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`ERROR: account.DISTRIBUTION_LIST_EXISTS (email address already exists: ${addr.toLowerCase()})\n`);
    }
  });

  it('ca, aaa and adla on a list address or a list alias: ACCOUNT_EXISTS at its DN', () => {
    const { zm } = sim();
    zm(['cdl', 'staff@example.com']);
    zm(['adla', 'staff@example.com', 'team@example.com']);
    expect(zm(['ca', 'staff@example.com', '']).stderr).toBe('ERROR: account.ACCOUNT_EXISTS (email address already exists: staff@example.com, at DN: uid=staff,ou=people,dc=example,dc=com)\n');
    expect(zm(['aaa', 'bob@example.com', 'team@example.com']).stderr).toBe('ERROR: account.ACCOUNT_EXISTS (email address already exists: team@example.com, at DN: uid=team,ou=people,dc=example,dc=com)\n');
    expect(zm(['adla', 'staff@example.com', 'bob@example.com']).stderr).toBe('ERROR: account.ACCOUNT_EXISTS (email address already exists: bob@example.com, at DN: uid=bob,ou=people,dc=example,dc=com)\n');
    // ga does not find a list
    expect(zm(['ga', 'staff@example.com']).stderr).toBe('ERROR: account.NO_SUCH_ACCOUNT (no such account: staff@example.com)\n');
  });
});

describe('members (adlm / rdlm)', () => {
  it('adlm adds lower-cased, skips present ones, refuses the list itself; rdlm removes, names unknown ones', () => {
    const { zm, state } = sim();
    zm(['cdl', 'staff@example.com']);
    zm(['adla', 'staff@example.com', 'team@example.com']);
    expect(zm(['adlm', 'staff@example.com', 'Alice@Example.com', 'ext@other.test']).exitCode).toBe(0);
    expect(zm(['adlm', 'staff@example.com', 'alice@example.com']).exitCode).toBe(0);
    expect(state.lists!['staff@example.com'].zimbraMailForwardingAddress).toEqual(['alice@example.com', 'ext@other.test']);
    expect(zm(['adlm', 'staff@example.com', 'team@example.com']).stderr).toBe('ERROR: service.INVALID_REQUEST (invalid request: Cannot add self as a member: team@example.com)\n');
    expect(zm(['rdlm', 'staff@example.com', 'nobody@example.com']).stderr).toBe(
      'ERROR: account.NO_SUCH_MEMBER (non-existent members: nobody@example.com in distribution list: staff@example.com)\n',
    );
    expect(zm(['rdlm', 'staff@example.com', 'ALICE@example.com', 'ext@other.test']).exitCode).toBe(0);
    expect(state.lists!['staff@example.com'].zimbraMailForwardingAddress).toBeUndefined();
    expect(zm(['gdl', 'staff@example.com']).stdout).toMatch(/^# distributionList staff@example\.com memberCount=0\n[\s\S]*\n\nmembers\n$/);
  });

  it('deleting an account, an alias or a list takes its addresses out of every list', () => {
    const { zm, state } = sim();
    zm(['aaa', 'alice@example.com', 'ali@example.com']);
    zm(['cdl', 'staff@example.com']);
    zm(['cdl', 'all@example.com']);
    zm(['adlm', 'all@example.com', 'staff@example.com', 'ali@example.com', 'bob@example.com', 'alice@example.com']);
    zm(['raa', 'alice@example.com', 'ali@example.com']);
    zm(['da', 'bob@example.com']);
    zm(['ddl', 'staff@example.com']);
    expect(state.lists!['all@example.com'].zimbraMailForwardingAddress).toEqual(['alice@example.com']);
    expect(state.lists!['staff@example.com']).toBeUndefined();
  });
});

describe('aliases, modify, rename, listing', () => {
  it('adla adds to mail and zimbraMailAlias; gdl finds the list by its alias; rdla removes it', () => {
    const { zm, state } = sim();
    zm(['cdl', 'staff@example.com']);
    expect(zm(['adla', 'staff@example.com', 'Team@example.com']).exitCode).toBe(0);
    expect(state.lists!['staff@example.com'].zimbraMailAlias).toEqual(['staff@example.com', 'team@example.com']);
    expect(state.lists!['staff@example.com'].mail).toEqual(['staff@example.com', 'team@example.com']);
    expect(zm(['gdl', 'team@example.com']).stdout).toMatch(/^# distributionList staff@example\.com memberCount=0\n/);
    expect(zm(['rdla', 'staff@example.com', 'other@example.com']).stderr).toBe('ERROR: account.NO_SUCH_ALIAS (no such alias: other@example.com)\n');
    expect(zm(['rdla', 'nope@example.com', 'team@example.com']).stderr).toBe('ERROR: account.NO_SUCH_DISTRIBUTION_LIST (no such distribution list: nope@example.com)\n');
    expect(zm(['rdla', 'staff@example.com', 'team@example.com']).exitCode).toBe(0);
    expect(state.lists!['staff@example.com'].zimbraMailAlias).toEqual(['staff@example.com']);
  });

  it('mdl checks attributes as for any entry (+/- and the schema)', () => {
    const { zm, state } = sim();
    zm(['cdl', 'staff@example.com']);
    expect(zm(['mdl', 'staff@example.com', 'zimbraMailStatus', 'disabled', 'description', 'the team']).exitCode).toBe(0);
    expect(state.lists!['staff@example.com'].zimbraMailStatus).toEqual(['disabled']);
    expect(zm(['mdl', 'staff@example.com', 'zimbraMailStatus', 'off']).stderr).toMatch(/^ERROR: account\.INVALID_ATTR_VALUE /);
    expect(zm(['mdl', 'staff@example.com', 'zimbraBogus', 'x']).stderr).toBe('ERROR: account.INVALID_ATTR_NAME (unknown attribute: zimbraBogus)\n');
    expect(zm(['mdl', 'staff@example.com', '+zimbraMailForwardingAddress', 'x@example.com']).exitCode).toBe(0);
    expect(zm(['gdl', 'staff@example.com']).stdout).toMatch(/memberCount=1\n/);
  });

  it('rdl renames the list, its mail and its own zimbraMailAlias; the new name must be free', () => {
    const { zm, state } = sim();
    zm(['cdl', 'staff@example.com']);
    zm(['adla', 'staff@example.com', 'team@example.com']);
    expect(zm(['rdl', 'staff@example.com', 'alice@example.com']).stderr).toBe('ERROR: account.DISTRIBUTION_LIST_EXISTS (email address already exists: alice@example.com)\n');
    expect(zm(['rdl', 'staff@example.com', 'people@example.com']).exitCode).toBe(0);
    expect(Object.keys(state.lists!)).toEqual(['people@example.com']);
    expect(state.lists!['people@example.com']).toMatchObject({ mail: ['people@example.com', 'team@example.com'], zimbraMailAlias: ['people@example.com', 'team@example.com'], uid: ['people'] });
  });

  it('gadl lists names by domain in order; -v dumps each; an unknown domain is an error', () => {
    const { zm } = sim();
    zm(['cd', 'other.test']);
    zm(['cdl', 'zeta@example.com']);
    zm(['cdl', 'alpha@example.com']);
    zm(['cdl', 'beta@other.test']);
    zm(['adlm', 'alpha@example.com', 'bob@example.com']);
    expect(zm(['gadl', 'example.com']).stdout).toBe('alpha@example.com\nzeta@example.com\n');
    expect(zm(['gadl']).stdout).toBe('alpha@example.com\nzeta@example.com\nbeta@other.test\n');
    const v = zm(['gadl', '-v', 'example.com']).stdout;
    expect(v).toMatch(/^# distributionList alpha@example\.com memberCount=1\n[\s\S]*\n\nmembers\nbob@example\.com\n# distributionList zeta@example\.com memberCount=0\n[\s\S]*\n\nmembers\n$/);
    expect(zm(['gadl', 'nowhere.test']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.test)\n');
    expect(zm(['gadl', 'example.com', 'other.test']).stdout).toMatch(/^invalid arg: other\.test, already specified domain: example\.com\n/);
  });

  it('sa finds lists too (ProvUtil\'s default types), dumped as groups with -v; types narrows it', () => {
    const { zm } = sim();
    zm(['cdl', 'staff@example.com']);
    expect(zm(['sa', '(mail=*)']).stdout).toBe('admin@example.com\nalice@example.com\nbob@example.com\nstaff@example.com\n');
    expect(zm(['sa', '-v', '(uid=staff)']).stdout).toMatch(/^# distributionList staff@example\.com memberCount=0\n/);
    expect(zm(['sa', '(mail=*)', 'types', 'accounts']).stdout).not.toContain('staff@example.com');
    expect(zm(['sa', '(mail=*)', 'types', 'distributionlists']).stdout).toBe('staff@example.com\n');
  });

  it('dd refuses a domain that still holds a list', () => {
    const { zm } = sim();
    zm(['cd', 'other.test']);
    zm(['cdl', 'beta@other.test']);
    expect(zm(['dd', 'other.test']).stderr).toBe('ERROR: account.DOMAIN_NOT_EMPTY (domain not empty: other.test)\n');
  });
});

describe('lists in the state and in Postfix\'s maps', () => {
  it('a list and its removal leave the state file byte-identical; lists survive a save and load', () => {
    const { zm, state } = sim();
    const before = serializeState(state);
    zm(['cdl', 'staff@example.com']);
    const saved = serializeState(state);
    expect(parseState(saved).lists).toEqual(state.lists);
    zm(['ddl', 'staff@example.com']);
    expect(serializeState(state)).toBe(before);
  });

  it('ldap-vam.cf expands an enabled list (and its alias) to its members', () => {
    const { zm, state } = sim();
    zm(['cdl', 'staff@example.com']);
    zm(['adla', 'staff@example.com', 'team@example.com']);
    zm(['adlm', 'staff@example.com', 'alice@example.com', 'bob@example.com']);
    expect(ldapLookup(state, 'ldap-vam.cf', 'team@example.com')).toBe('alice@example.com,bob@example.com');
    zm(['mdl', 'staff@example.com', 'zimbraMailStatus', 'disabled']);
    expect(ldapLookup(state, 'ldap-vam.cf', 'staff@example.com')).toBeUndefined();
  });

  it('verify expects what the maps answer for a list read from the directory', () => {
    const answers = { zimbraVersion: '10.1.0', zimbraHosts: ['zimbra.example.com'] } as Answers;
    const lists = { 'staff@example.com': { zimbraMailAlias: ['staff@example.com', 'team@example.com'], zimbraMailForwardingAddress: ['alice@example.com'], zimbraMailStatus: ['enabled'] } };
    const d = { config: {}, servers: {}, domains: {}, accounts: {}, lists };
    expect(expectedMapValues(d, answers, 'ldap-vam.cf', 'team@example.com')).toEqual(['alice@example.com']);
  });
});
