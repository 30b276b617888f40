/**
 * Read-back by search: after a bulk change, the accounts whose new values all hold are named by
 * one `zmprov sa` LDAP search per group of accounts that received the same values, instead of
 * every account of the domain being printed with all its attributes (`gaa -v -e`). Pure: which
 * steps a search can confirm, and the filter that confirms them.
 *
 * Only what an equality filter proves exactly is confirmed this way: a single-valued attribute
 * set to one value, or created with it. Anything else (multi-valued attributes, removals, an
 * entry not named by its primary address) is read back value by value as before.
 */
import { ldapFilterValue } from '../zimbra/quote.js';
import { ATTRS } from '../zimbra/attrs.js';
import type { Step } from './step.js';

/** The value a confirmed step's attribute then holds (what the journal records as its after-value). */
export interface Confirmable {
  attr: string;
  value: string;
}

/** What a search can prove about one step, or undefined when its result must be read back. */
export function confirmable(s: Step): Confirmable | undefined {
  if (s.kind !== 'zmprov' || s.entry?.kind !== 'account' || !s.change || !s.probe) return undefined;
  const attr = s.probe.attr;
  // Unknown attributes may be multi-valued: never confirmed by a filter.
  if (!ATTRS[attr] || ATTRS[attr].multi) return undefined;
  const c = s.change;
  if (c.op === 'set' && c.attr === attr && c.values.length === 1) return { attr, value: c.values[0] };
  if (c.op === 'create') {
    const given = c.attrs?.filter(([a]) => a === attr) ?? [];
    if (given.length === 1) return { attr, value: given[0][1] };
  }
  return undefined;
}

export interface ConfirmGroup {
  domain: string;
  /** `(&(attr=value)...)`: every account it names holds every value. */
  filter: string;
  /** Lower-case account names of the group, each with the after-values it is confirmed to hold. */
  accounts: Map<string, Record<string, string[]>>;
}

/**
 * Groups the accounts of `steps` by domain and by the values they must now hold. An account with
 * any step a filter cannot prove is left out (read back as before), as are the other steps of it.
 */
export function confirmGroups(steps: readonly Step[]): ConfirmGroup[] {
  // Per account (lower-case name): the values it must hold, or null once any of its steps cannot be confirmed.
  const perAccount = new Map<string, Record<string, string[]> | null>();
  for (const s of steps) {
    if (s.kind !== 'zmprov' || s.entry?.kind !== 'account') continue;
    const name = s.entry.name.toLowerCase();
    let values = perAccount.get(name);
    if (values === null) continue;
    const c = confirmable(s);
    // Two steps setting one attribute differently: the value that stays is read back.
    if (!c || !name.includes('@') || (values && values[c.attr] && values[c.attr][0] !== c.value)) {
      perAccount.set(name, null);
      continue;
    }
    if (!values) perAccount.set(name, (values = {}));
    values[c.attr] = [c.value];
  }
  const groups = new Map<string, ConfirmGroup>();
  const terms = new Map<string, string>();
  const term = (attr: string, value: string): string => {
    const k = `${attr}\u0000${value}`;
    let t = terms.get(k);
    if (t === undefined) terms.set(k, (t = `(${attr}=${ldapFilterValue(value)})`));
    return t;
  };
  for (const [name, values] of perAccount) {
    if (!values) continue;
    const attrs = Object.keys(values);
    if (attrs.length > 1) attrs.sort();
    let filter = '';
    for (const a of attrs) filter += term(a, values[a][0]);
    if (attrs.length > 1) filter = `(&${filter})`;
    const domain = name.slice(name.lastIndexOf('@') + 1);
    const key = `${domain}\u0000${filter}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { domain, filter, accounts: new Map() }));
    g.accounts.set(name, values);
  }
  return [...groups.values()];
}
