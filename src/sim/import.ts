/**
 * Builds a SimState from text captured on a real server, so a rehearsal runs against a copy of
 * that server's directory: `zmprov -l gaa -v`, `zmprov gd DOMAIN` (one or several), `zmprov gacf`
 * and optionally `zmprov gs HOST`. Those commands expand inherited values (COS defaults, global
 * config); values identical to what would be inherited are dropped again, so the imported entries
 * hold what is stored on them (the `-e` view). Capturing with `-e` avoids that guesswork.
 */
import { parseEntries } from '../zimbra/parse.js';
import { parseDistributionLists } from '../inventory/zimbra.js';
import { isModernMta } from '../zimbra/attrs.js';
import { cosDefaults, hasFlag } from './schema.js';
import { SINGLE_SERVER_SERVICES, type Attrs, type SimState, first, getAttr } from './state.js';

export interface SnapshotText {
  /** `zmprov -l gaa -v [domain]` */
  gaa: string;
  /** `zmprov gd DOMAIN` (several outputs may be concatenated) */
  gd: string;
  /** `zmprov gacf` */
  gacf: string;
  /** `zmprov gs HOST` (several may be concatenated) */
  gs?: string;
  /** `zmprov gadl -v [DOMAIN]`: distribution lists (their own attributes; members are zimbraMailForwardingAddress) */
  gadl?: string;
  /** `zmcontrol -v` output or a bare version ("8.8.15"); guessed from the config when absent. */
  version?: string;
  /** The local server (`zmhostname`); defaults to the first server, else the accounts' mail host. */
  hostname?: string;
  /** The text was captured with -e (nothing inherited to strip). */
  exact?: boolean;
}

function sameValues(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((v, i) => v === b[i]);
}

function parseVersion(text: string | undefined, config: Attrs): string {
  const m = text ? /(\d+\.\d+\.\d+(?:_(?:BETA|RC)\d*)?)/.exec(text) : null;
  if (m) return m[1].replace(/_GA$/, '');
  // Only 8.7+ knows zimbraMtaSmtpDnsSupportLevel.
  return getAttr(config, 'zimbraMtaSmtpDnsSupportLevel') ? '10.1.0' : '8.6.0';
}

export function importSnapshot(snap: SnapshotText): SimState {
  const configEntry = parseEntries(snap.gacf).find((e) => e.name === '') ?? parseEntries(snap.gacf)[0];
  const config: Attrs = { ...(configEntry?.attrs ?? {}) };
  const version = parseVersion(snap.version, config);
  const strip = !snap.exact;

  const accounts: Record<string, Attrs> = {};
  const cos = cosDefaults(version);
  for (const e of parseEntries(snap.gaa)) {
    if (!e.name) continue;
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(e.attrs)) {
      if (k === 'userPassword' || k === 'zimbraPasswordHistory') continue; // secrets never enter the simulator's state
      if (strip && sameValues(v, cos[k])) continue;
      attrs[k] = v;
    }
    accounts[e.name.toLowerCase()] = attrs;
  }

  const domains: Record<string, Attrs> = {};
  for (const e of parseEntries(snap.gd)) {
    if (!e.name) continue;
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(e.attrs)) {
      if (strip && hasFlag(k, 'domainInherited') && sameValues(v, config[k])) continue;
      attrs[k] = v;
    }
    domains[e.name.toLowerCase()] = attrs;
  }

  const servers: Record<string, Attrs> = {};
  for (const e of parseEntries(snap.gs ?? '')) {
    if (!e.name) continue;
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(e.attrs)) {
      if (strip && hasFlag(k, 'serverInherited') && sameValues(v, config[k])) continue;
      attrs[k] = v;
    }
    servers[e.name] = attrs;
  }

  const mailHosts = Object.values(accounts)
    .map((a) => first(a, 'zimbraMailHost'))
    .filter((h): h is string => !!h);
  const hostname = snap.hostname?.trim() || Object.keys(servers)[0] || mailHosts[0] || 'zimbra.example.com';
  if (!servers[hostname]) {
    // No `gs` captured: a stand-in server entry, so mail-host checks and postconf have a host.
    const services = SINGLE_SERVER_SERVICES.filter((s) => isModernMta(version) || s !== 'dnscache');
    servers[hostname] = {
      cn: [hostname],
      objectClass: ['zimbraServer'],
      zimbraServiceEnabled: [...services],
      zimbraServiceHostname: [hostname],
      zimbraServiceInstalled: [...services],
    };
  }

  const lists: Record<string, Attrs> = {};
  for (const l of parseDistributionLists(snap.gadl ?? '')) lists[l.name] = l.attrs;

  return { version, hostname, config, servers, domains, accounts, ...(Object.keys(lists).length ? { lists } : {}) };
}
