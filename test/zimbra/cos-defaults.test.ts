/**
 * The simulator's default COS is Zimbra's: every account-inherited attribute with a
 * `<defaultCOSValue>` in zimbra-attrs.xml, with its values, and `ga` without -e prints them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cosDefaults } from '../../src/sim/schema.js';
import { ATTRS_XML, readAttrsXml } from './attrs-xml.js';
import { simWorld } from '../helpers/sim.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** name -> default COS values, from the file itself. */
function xmlDefaults(): Map<string, string[]> {
  const text = readFileSync(ATTRS_XML, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/<attr\s[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/attr>/g)) {
    const values = [...m[2].matchAll(/<defaultCOSValue>([\s\S]*?)<\/defaultCOSValue>/g)].map((v) => v[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]));
    if (values.length) out.set(m[1], values);
  }
  return out;
}

describe('the default COS', () => {
  it('holds every account-inherited attribute zimbra-attrs.xml gives a default, with its values (Zimbra 10.1.0)', () => {
    const attrs = readAttrsXml();
    const want: Record<string, string[]> = {};
    for (const [name, values] of xmlDefaults()) if (attrs.get(name.toLowerCase())!.flags.includes('accountInherited')) want[name] = values;
    expect(Object.keys(want).length).toBeGreaterThan(400);
    expect(cosDefaults('10.1.0')).toEqual(want);
  });

  it('an older version lacks what came later (zimbraPrefShowAllNewMailNotifications is 8.7.0)', () => {
    const since = readAttrsXml().get('zimbraprefshowallnewmailnotifications')?.since;
    expect(since?.[0]).toBe('8.7.0');
    expect(cosDefaults('8.6.0')).not.toHaveProperty('zimbraPrefShowAllNewMailNotifications');
    expect(cosDefaults('10.1.0')).toHaveProperty('zimbraPrefShowAllNewMailNotifications');
  });

  it('ga without -e prints them for an account that sets none of them: about 20 KB, against a few hundred bytes with -e', () => {
    const w = simWorld();
    expect(w.zmprov('ca', 'newcomer@example.com', '', 'zimbraAccountStatus', 'locked').status).toBe(0);
    const full = w.zmprov('ga', 'newcomer@example.com').stdout;
    const own = w.zmprov('ga', '-e', 'newcomer@example.com').stdout;
    expect(full).toContain('zimbraPrefMailPollingInterval: 5m\n');
    expect(own).not.toContain('zimbraPrefMailPollingInterval');
    expect(full.length).toBeGreaterThan(15_000);
    expect(own.length).toBeLessThan(1_000);
  });
});
