/** Reads the recipient sources the Accounts screen names (the I/O half of recipients.ts): files, and one live LDAP directory. */
import { resolve } from 'node:path';
import { MAX_SOURCE_BYTES, readInputFile } from '../cli/args.js';
import type { Flags } from '../cli/args.js';
import { PASSWORD_ENV, ldapFailure } from '../cli/inventory.js';
import type { Inventory, RawRecipient } from '../inventory/model.js';
import type { Job } from '../model/types.js';
import { domainsOf } from './fields.js';
import type { LdapAnswers, RecipientSource, SourceFormatChoice } from './recipients.js';
import { FORMAT_CHOICES, inventoryOf, ldapLabel, ldapPasswordSource, sourceLabel } from './recipients.js';
import type { Fields, WizardState } from './state.js';

export interface LoadedSources {
  /** The sources with absolute paths: the saved answers find them from any directory. */
  sources: RecipientSource[];
  ldap?: LdapAnswers;
  inventory: Inventory;
  labels: string[];
}

/** The directory's recipients; every error is said without the password. */
async function readLdap(a: LdapAnswers, cwd: string, env: NodeJS.ProcessEnv): Promise<RawRecipient[]> {
  const from = ldapPasswordSource(a);
  if ('error' in from) throw new Error(`LDAP: ${from.error}`);
  let password: string | undefined;
  if ('file' in from) {
    try {
      password = readInputFile(resolve(cwd, from.file), 'Password from', 64 * 1024).split(/\r?\n/)[0];
    } catch (e) {
      // Not the path: a password typed by mistake into the field would be shown again.
      throw new Error(`LDAP: the password file of "Password from" cannot be read (${(e as Error).message.replace(/^.*: /, '')})`);
    }
  } else if ('env' in from) {
    password = env[from.env];
    if (!password) throw new Error(`LDAP: the environment variable ${from.env} (Password from) is not set`);
  }
  const { readLdapEntries, ldapSourceError } = await import('../inventory/ldap-read.js');
  const { ldapRecipients } = await import('../inventory/ldap.js');
  const source = {
    url: a.url.trim(),
    bindDn: a.bindDn.trim() || undefined,
    password,
    base: a.base.trim(),
    filter: a.filter.trim() || undefined,
    startTls: a.startTls,
    ca: a.ca.trim() ? readInputFile(resolve(cwd, a.ca.trim()), 'CA file', 1024 * 1024) : undefined,
  };
  const problem = ldapSourceError(source);
  if (problem) throw new Error(`LDAP: ${problem.replace('--peer-ldap-base', 'a Base DN').replace('--peer-ldap-starttls', 'StartTLS')}`);
  try {
    return ldapRecipients(await readLdapEntries(source));
  } catch (e) {
    throw new Error(`LDAP: reading ${source.url} failed: ${ldapFailure(e)}`);
  }
}

/** Regular files within MAX_SOURCE_BYTES only (readInputFile); a path is relative to `cwd`. */
export async function readRecipientSources(sources: readonly RecipientSource[], ldap: LdapAnswers | undefined, cwd: string, domains: readonly string[], env: NodeJS.ProcessEnv): Promise<LoadedSources> {
  const files = sources.map((src) => {
    const path = resolve(cwd, src.path);
    return { source: { ...src, path }, text: readInputFile(path, 'Recipient source', MAX_SOURCE_BYTES) };
  });
  const live = ldap ? await readLdap(ldap, cwd, env) : [];
  const labels = [...files.map((f) => sourceLabel(f.source, f.text)), ...(ldap ? [ldapLabel(ldap)] : [])];
  return { sources: files.map((f) => f.source), ldap, inventory: inventoryOf(files, domains, live), labels };
}

/**
 * The inventory a setup of a primary plans with: what the Accounts screen showed by class, or
 * the saved sources read again; its problems refuse the plan.
 */
export async function sourcesForPlan(s: WizardState, job: Job, cwd: string, env: NodeJS.ProcessEnv): Promise<{ inv?: Inventory; refused?: string[] }> {
  const sources = s.fields.recipientSources ?? [];
  const ldap = s.fields.ldapSource;
  if (job !== 'setup' || s.fields.role !== 'primary' || (sources.length === 0 && !ldap)) return {};
  let inv = s.accounts.loaded?.inventory;
  try {
    inv ??= (await readRecipientSources(sources, ldap, cwd, domainsOf(s.fields), env)).inventory;
  } catch (err) {
    return { refused: [(err as Error).message] };
  }
  return inv.errors.length ? { refused: inv.errors.map((e) => `Recipient sources: ${e}`) } : { inv };
}

/** Recipient sources named by flags (or --config): the wizard starts with them, as paths and names only. */
export function sourcesFromFlags(f: Flags, cwd: string): Pick<Fields, 'recipientSources' | 'ldapSource'> {
  const out: Pick<Fields, 'recipientSources' | 'ldapSource'> = {};
  const fmt = f['peer-recipients-format'] ?? 'auto';
  const format: SourceFormatChoice = (FORMAT_CHOICES as readonly string[]).includes(fmt) ? (fmt as SourceFormatChoice) : 'auto';
  if (f['peer-recipients']?.length) out.recipientSources = f['peer-recipients'].map((p) => ({ path: resolve(cwd, p), format }));
  if (f['peer-ldap-url']) {
    const file = f['peer-ldap-password-file'];
    out.ldapSource = {
      url: f['peer-ldap-url'],
      base: f['peer-ldap-base'] ?? '',
      bindDn: f['peer-ldap-bind-dn'] ?? '',
      passwordFrom: file !== undefined ? resolve(cwd, file) : f['peer-ldap-bind-dn'] ? `$${PASSWORD_ENV}` : '',
      filter: f['peer-ldap-filter'] ?? '',
      startTls: Boolean(f['peer-ldap-starttls']),
      ca: f['peer-ldap-ca'] !== undefined ? resolve(cwd, f['peer-ldap-ca']) : '',
    };
  }
  return out;
}
