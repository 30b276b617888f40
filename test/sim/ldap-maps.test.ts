/**
 * The simulator's Postfix maps (src/sim/ldap.ts, what its postmap -q evaluates and what its
 * LDAP-backed mode serves) ask what Zimbra's zmmtainit writes, extracted from that file.
 */
import { describe, expect, it } from 'vitest';
import { zimbraLdapMaps } from '../../src/sim/ldap.js';
import { SPLIT_MAPS, labMap, zimbraQuery, zmmtainitMaps } from '../lab/zmmtainit.js';

const parse = (text: string) => Object.fromEntries(text.split('\n').flatMap((l) => { const m = /^([a-z_]+) = (.*)$/.exec(l); return m ? [[m[1], m[2]]] : []; }));

describe('zmmtainit\'s LDAP maps', () => {
  const maps = zmmtainitMaps();

  it('zmmtainit writes every map the split domain depends on, each with a query filter', () => {
    for (const name of SPLIT_MAPS) expect(zimbraQuery(name, maps).query_filter, name).toMatch(/^\(&.*%s.*\)$/);
    expect(zimbraQuery('ldap-splitdomain.cf', maps).result_filter).toBe('OK');
  });

  it('the simulator\'s maps use the same filters and result attributes', () => {
    const sim = zimbraLdapMaps({ url: 'ldap://127.0.0.1:389' });
    expect(Object.keys(sim).length).toBeGreaterThan(0);
    for (const [name, text] of Object.entries(sim)) {
      const z = zimbraQuery(name, maps);
      expect({ name, ...parse(text) }).toMatchObject({ name, query_filter: z.query_filter, result_attribute: z.result_attribute });
    }
  });

  it('the lab map keeps the query lines byte for byte and points the connection at the lab', () => {
    const text = labMap('ldap-vam.cf', { url: 'ldap://127.0.0.9:3890', base: 'dc=lab' }, {}, maps);
    const p = parse(text);
    expect(p).toMatchObject({ ...zimbraQuery('ldap-vam.cf', maps), server_host: 'ldap://127.0.0.9:3890', search_base: 'dc=lab', bind: 'no' });
    expect(p.bind_pw).toBeUndefined();
  });
});
