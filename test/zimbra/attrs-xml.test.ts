/**
 * Every attribute a plan can write, checked against Zimbra's own zimbra-attrs.xml: it exists, it
 * may be set on that entry, +attr/-attr only on multi-valued ones, its value fits the type, and a
 * deprecated or not-yet-introduced attribute is never used for a version that does not have it.
 * The simulator's schema is held to the same file, so the two cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import type { Answers, Direction, Job, PeerKind, Role } from '../../src/model/types.js';
import { PEER_KINDS } from '../../src/model/types.js';
import { plan, stepValues } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import type { Step } from '../../src/plan/step.js';
import { inverseChange } from '../../src/plan/step.js';
import type { Change, Entry } from '../../src/zimbra/commands.js';
import { entryKey } from '../../src/zimbra/commands.js';
import { ATTRS } from '../../src/zimbra/attrs.js';
import { priorKey } from '../../src/plan/mta.js';
import { allAttrDefs, compareVersions } from '../../src/sim/schema.js';
import type { XmlAttr } from './attrs-xml.js';
import { readAttrsXml, settableOn } from './attrs-xml.js';

const XML = readAttrsXml();
const VERSIONS = ['8.5.1', '8.6.0', '8.7.0', '8.8.15', '9.0.0', '10.1.0'];

function answers(job: Job, role: Role, kind: PeerKind, version: string, direction: Direction = 'to-zimbra'): Answers {
  return {
    domains: ['example.com', 'example.org'],
    role,
    zimbraHosts: ['zimbra.example.com', 'mta2.example.com'],
    mailboxHost: 'zimbra.example.com',
    zimbraVersion: version,
    peer: { kind, host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32', '2001:db8::1/128'] },
    peerAccounts: [
      { address: 'bob@example.com', aliases: ['robert@example.com'] },
      { address: 'carol@example.org', aliases: [] },
    ],
    cutover: job === 'cutover' ? { users: ['bob@example.com'], direction, wave: 'wave-1' } : undefined,
    force: true,
  };
}

const server = (name: string): Entry => ({ kind: 'server', name });
const config: Entry = { kind: 'config', name: '' };

/** Observed states that take each branch of the MTA planning: server-level values, a global list to copy down. */
function observations(a: Answers): (Observed | undefined)[] {
  const [s1, s2] = a.zimbraHosts.map(server);
  const account = { kind: 'account' as const, name: 'bob@example.com' };
  const accounts = [{ name: 'bob@example.com', attrs: { zimbraMailTransport: ['lmtp:zimbra.example.com:7025'], zimbraMailHost: ['zimbra.example.com'] } }];
  return [
    undefined,
    {
      entries: {
        [entryKey(config)]: { zimbraMtaMyNetworks: ['127.0.0.0/8 [::1]/128'] },
        [entryKey(s1)]: {},
        [entryKey(s2)]: { zimbraMtaMyNetworks: ['127.0.0.0/8 10.0.0.0/24'], zimbraMtaRelayHost: ['old.example.com:25'], zimbraMtaSmtpDnsSupportLevel: ['dnssec'], zimbraMtaDnsLookupsEnabled: ['TRUE'] },
        [entryKey(account)]: { zimbraAccountStatus: ['locked'], zimbraMailHost: ['zimbra.example.com'] },
      },
      accounts,
    },
  ];
}

interface Write {
  where: string;
  entry: Entry;
  change: Change;
  version: string;
}

/** Every change the plans make, and every change their rollback makes (inverses of each step against several before-values). */
function allWrites(): Write[] {
  const out: Write[] = [];
  for (const version of VERSIONS)
    for (const job of ['setup', 'cutover', 'unsplit'] as Job[])
      for (const role of ['primary', 'secondary'] as Role[])
        for (const kind of PEER_KINDS)
          for (const direction of (job === 'cutover' ? ['to-zimbra', 'to-peer'] : ['to-zimbra']) as Direction[]) {
            const base = answers(job, role, kind, version, direction);
            // unsplit also with a setup journal's before-values (restores, the split-domain check's removal)
            const prior = { runs: ['r'], values: { [priorKey(config, 'zimbraMtaRestriction')]: ['reject_invalid_helo_hostname'], [priorKey(config, 'zimbraMtaSmtpDnsSupportLevel')]: ['dnssec'], [priorKey(server('zimbra.example.com'), 'zimbraMtaMyNetworks')]: [] } };
            for (const a of job === 'unsplit' ? [base, { ...base, prior }] : [base])
            for (const observed of observations(a)) {
              const where = `${job} ${role} ${kind} ${version}${job === 'cutover' ? ` ${direction}` : ''}${observed ? ' (observed)' : ''}`;
              for (const s of plan(job, a, observed).steps as Step[]) {
                if (s.kind !== 'zmprov' || !s.entry || !s.change) continue;
                out.push({ where, entry: s.entry, change: s.change, version });
                for (const before of [null, [], ['something-else'], ...(s.change.op === 'set' ? [s.change.values] : [])]) {
                  const inv = s.change.op === 'delete' ? null : inverseChange(s.change, before);
                  // An inverse `set` writes back what Zimbra held: its values are Zimbra's own, only the form is checked.
                  if (inv) out.push({ where: `${where} rollback of ${s.id}`, entry: s.entry, change: inv.op === 'set' ? { ...inv, values: inv.values.slice(0, 1).map(() => '') } : inv, version });
                  // stepValues must agree (it is what the engine journals).
                  if (before !== null || s.change.op === 'create') stepValues(s, before);
                }
              }
            }
          }
  return out;
}

function fitsType(a: XmlAttr, value: string): string | null {
  if (value === '') return null; // unsetting
  if (a.max !== undefined && value.length > a.max) return `longer than ${a.max}`;
  switch (a.type) {
    case 'enum':
      return (a.value ?? '').split(',').includes(value) ? null : `not one of ${a.value}`;
    case 'regex':
      return new RegExp(`^(?:${a.value})$`).test(value) ? null : `does not match ${a.value}`;
    case 'boolean':
      return value === 'TRUE' || value === 'FALSE' ? null : 'not TRUE/FALSE';
    case 'integer':
    case 'long':
    case 'port':
      return /^[+-]?\d+$/.test(value) ? null : 'not a number';
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value) ? null : 'not an address';
    case 'id':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? null : 'not an id';
    default:
      return null;
  }
}

/** Whether `version` has the attribute: since lists the first version of each line that got it ("8.7.0,9.0.0"). */
function known(a: XmlAttr, version: string): boolean {
  if (!a.since.length) return true;
  return compareVersions(version, a.since.reduce((m, s) => (compareVersions(s, m) < 0 ? s : m))) >= 0;
}

function problems(w: Write): string[] {
  const out: string[] = [];
  // aaa/raa are Provisioning.addAlias/removeAlias, not a modify: zimbraMailAlias is immutable only to ma.
  const check = (attr: string, values: string[], form: 'set' | 'add/remove' | 'create' | 'alias') => {
    const a = XML.get(attr.toLowerCase());
    if (!a) return void out.push(`${attr}: not in zimbra-attrs.xml`);
    if (!settableOn(a).has(w.entry.kind)) out.push(`${attr}: not settable on ${w.entry.kind} (optionalIn/requiredIn ${a.classes.join(',')})`);
    if ((form === 'add/remove' || form === 'alias') && !a.multi) out.push(`${attr}: +/- on a single-valued attribute`);
    if (form === 'set' && !a.multi && values.length > 1) out.push(`${attr}: ${values.length} values on a single-valued attribute`);
    // createDomain sets zimbraDomainType itself, past the immutable check; other creates check it.
    if (form !== 'alias' && a.immutable && !(form === 'create' && a.name === 'zimbraDomainType' && w.entry.kind === 'domain')) out.push(`${attr}: immutable, changed after creation`);
    if (!known(a, w.version)) out.push(`${attr}: since ${a.since.join(',')}, used for ${w.version}`);
    if (a.deprecatedSince && compareVersions(w.version, a.deprecatedSince) >= 0) out.push(`${attr}: deprecated since ${a.deprecatedSince}, used for ${w.version}`);
    for (const v of values) {
      const bad = fitsType(a, v);
      if (bad) out.push(`${attr}=${JSON.stringify(v)}: ${bad} (${a.type})`);
    }
  };
  const c = w.change;
  switch (c.op) {
    case 'set':
      check(c.attr, c.values, 'set');
      break;
    case 'add':
    case 'remove':
      check(c.attr, [c.value], 'add/remove');
      break;
    case 'create':
      for (const [k, v] of c.attrs) check(k, [v], 'create');
      if ('aliasOf' in c && c.aliasOf !== undefined && w.entry.kind !== 'domain') out.push('an alias target on a non-domain');
      break;
    case 'addAlias':
    case 'removeAlias':
      if (w.entry.kind !== 'account') out.push(`alias on a ${w.entry.kind}`);
      check('zimbraMailAlias', [c.alias], 'alias');
      break;
    case 'delete':
      break;
  }
  return out.map((p) => `${w.where}: ${w.entry.kind} ${w.entry.name}: ${p}`);
}

describe('plans against zimbra-attrs.xml', () => {
  it('reads the real file', () => {
    expect(XML.size).toBeGreaterThan(1500);
    expect(XML.get('zimbramailtransport')).toMatchObject({ id: 247, type: 'astring', multi: false });
  });

  const writes = allWrites();

  it('every attribute written, by every job, role, version and peer, and by every rollback, is one Zimbra allows there', () => {
    expect(writes.length).toBeGreaterThan(1000);
    const attrs = new Set(writes.flatMap((w) => (w.change.op === 'set' || w.change.op === 'add' || w.change.op === 'remove' ? [w.change.attr] : w.change.op === 'create' ? w.change.attrs.map(([k]) => k) : [])));
    // The set the plans reach is the set zsplit claims to handle (an attribute nobody plans is dead weight; one missing is unchecked).
    for (const a of ['zimbraMailTransport', 'zimbraMailCatchAllAddress', 'zimbraMailCatchAllForwardingAddress', 'zimbraAccountStatus', 'zimbraMtaRelayHost', 'zimbraMtaMyNetworks', 'zimbraMtaDnsLookupsEnabled', 'zimbraMtaSmtpDnsSupportLevel'])
      expect(attrs, a).toContain(a);
    const found = [...new Set(writes.flatMap(problems))];
    expect(found.slice(0, 30)).toEqual([]);
  });

  it('zsplit\'s own attribute table agrees with the file on cardinality', () => {
    for (const [name, info] of Object.entries(ATTRS)) {
      const a = XML.get(name.toLowerCase());
      expect(a, name).toBeDefined();
      expect({ name, multi: a!.multi }).toEqual({ name, multi: info.multi });
      expect({ name, mta: a!.requiresRestart === 'mta' || a!.classes.includes('server') }).toEqual({ name, mta: info.mtaLevel });
    }
  });
});

describe('the simulator\'s schema against zimbra-attrs.xml', () => {
  const CLASS: Record<string, string> = { config: 'config', account: 'account', domain: 'domain', server: 'server', cos: 'cos', distributionList: 'distributionList' };
  const defs = allAttrDefs('99.0.0').filter((d) => d.name.startsWith('zimbra'));

  it.each(defs.map((d) => [d.name, d] as const))('%s', (name, d) => {
    const a = XML.get(name.toLowerCase());
    expect(a, `${name} is not in zimbra-attrs.xml`).toBeDefined();
    const x = a!;
    const mine = {
      id: d.id,
      type: d.type,
      value: d.type === 'enum' || d.type === 'regex' ? d.value : undefined,
      multi: d.multi,
      immutable: Boolean(d.immutable),
      since: d.since,
      deprecatedSince: d.deprecatedSince,
      max: d.max,
      serverInherited: d.flags?.includes('serverInherited') ?? false,
      domainInherited: d.flags?.includes('domainInherited') ?? false,
      accountInherited: d.flags?.includes('accountInherited') ?? false,
    };
    expect(mine).toEqual({
      id: mine.id === undefined ? undefined : x.id,
      type: x.type,
      value: x.type === 'enum' || x.type === 'regex' ? x.value : undefined,
      multi: x.multi,
      immutable: x.immutable,
      since: x.since.length ? x.since.reduce((m, s) => (compareVersions(s, m) < 0 ? s : m)) : undefined,
      deprecatedSince: x.deprecatedSince,
      max: mine.max === undefined ? undefined : x.max,
      serverInherited: x.flags.includes('serverInherited'),
      domainInherited: x.flags.includes('domainInherited'),
      accountInherited: x.flags.includes('accountInherited'),
    });
    const allowed = settableOn(x);
    for (const c of d.classes) expect(allowed, `${name} on ${c}`).toContain(CLASS[c]);
  });
});
