/**
 * zmprov argv for the entries and changes zsplit works with. Pure: these arrays are what
 * runs, what the preview prints, and what goes into a batch file (via zmprovLine).
 */
import type { EntryKind } from './attrs.js';

export interface Entry {
  kind: EntryKind;
  /** account address, domain name, server name; '' for the global config. */
  name: string;
}

/** One change to one entry. Every zmprov step of a plan carries exactly one. */
export type Change =
  /** Replace all values (`attr v1 attr v2`); an empty list unsets (`attr ''`). */
  | { op: 'set'; attr: string; values: string[] }
  /** `+attr value`: add one value of a multi-valued attribute if absent. */
  | { op: 'add'; attr: string; value: string }
  /** `-attr value`: remove one value if present. */
  | { op: 'remove'; attr: string; value: string }
  /**
   * The entry, with these attributes. An account: `ca name '' attr value...`, no password (it
   * cannot log in). A domain: `cd name attr value...` (an alias domain: zimbraDomainType alias).
   */
  | {
      op: 'create';
      attrs: [string, string][];
      /**
       * A domain only: create it as an alias domain of this local domain, as ProvUtil's
       * createAliasDomain (`cad`) does: zimbraDomainType alias and zimbraDomainAliasTargetId set
       * by zmprov itself (a zimbraDomainType in attrs is for the model and is not sent).
       */
      aliasOf?: string;
    }
  /** An account: `da name` in SOAP mode, mailbox and LDAP entry (never `-l da`). A domain: `dd name`. */
  | { op: 'delete' }
  | { op: 'addAlias'; alias: string }
  | { op: 'removeAlias'; alias: string };

const MODIFY: Record<EntryKind, string> = { account: 'ma', domain: 'md', server: 'ms', config: 'mcf' };

export function changeArgv(entry: Entry, change: Change): string[] {
  const head = entry.kind === 'config' ? [MODIFY.config] : [MODIFY[entry.kind], entry.name];
  switch (change.op) {
    case 'set':
      if (change.values.length === 0) return [...head, change.attr, ''];
      return [...head, ...change.values.flatMap((v) => [change.attr, v])];
    case 'add':
      return [...head, `+${change.attr}`, change.value];
    case 'remove':
      return [...head, `-${change.attr}`, change.value];
    case 'create':
      if (entry.kind !== 'domain') return ['ca', entry.name, '', ...change.attrs.flat()];
      if (change.aliasOf === undefined) return ['cd', entry.name, ...change.attrs.flat()];
      return ['cad', entry.name, change.aliasOf, ...change.attrs.filter(([k]) => k !== 'zimbraDomainType').flat()];
    case 'delete':
      return [entry.kind === 'domain' ? 'dd' : 'da', entry.name];
    case 'addAlias':
      return ['aaa', entry.name, change.alias];
    case 'removeAlias':
      return ['raa', entry.name, change.alias];
  }
}

/** A read-only probe of some attributes of one entry; `-e` so inherited values are not mistaken for stored ones. */
export function probeArgv(entry: Entry, attrs: string[]): string[] {
  switch (entry.kind) {
    case 'account':
      return ['ga', '-e', entry.name, ...attrs];
    case 'domain':
      return ['gd', '-e', entry.name, ...attrs];
    case 'server':
      return ['gs', '-e', entry.name, ...attrs];
    case 'config':
      return ['gacf', ...attrs];
  }
}

/**
 * The attribute whose probe tells whether an entry of `kind` exists (a required attribute: any
 * entry has a value), and the value Zimbra gives it when a create does not say.
 */
export function existenceAttr(kind: EntryKind): { readonly attr: string; readonly initial: string } {
  return kind === 'domain' ? DOMAIN_EXISTENCE : ACCOUNT_EXISTENCE;
}

const ACCOUNT_EXISTENCE = { attr: 'zimbraAccountStatus', initial: 'active' } as const;
const DOMAIN_EXISTENCE = { attr: 'zimbraDomainType', initial: 'local' } as const;

/** The attribute a change of an entry of `kind` touches, for probing and for display. */
export function changedAttr(change: Change, kind: EntryKind): string {
  switch (change.op) {
    case 'set':
    case 'add':
    case 'remove':
      return change.attr;
    case 'create':
    case 'delete':
      return existenceAttr(kind).attr;
    case 'addAlias':
    case 'removeAlias':
      return 'zimbraMailAlias';
  }
}

export function entryLabel(entry: Entry): string {
  return entry.kind === 'config' ? 'global config' : `${entry.kind} ${entry.name}`;
}

export function entryKey(entry: Entry): string {
  return `${entry.kind}:${entry.name.toLowerCase()}`;
}
