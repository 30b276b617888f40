/** Reads the recipient source files the Accounts screen names (the I/O half of recipients.ts). */
import { resolve } from 'node:path';
import { readInputFile } from '../cli/args.js';
import type { Inventory } from '../inventory/model.js';
import type { Job } from '../model/types.js';
import { domainsOf } from './fields.js';
import type { RecipientSource } from './recipients.js';
import type { WizardState } from './state.js';
import { inventoryOf, sourceLabel } from './recipients.js';

export interface LoadedSources {
  /** The sources with absolute paths: the saved answers find them from any directory. */
  sources: RecipientSource[];
  inventory: Inventory;
  labels: string[];
}

/** Regular files within the input limit only (readInputFile); a path is relative to `cwd`. */
export function readRecipientSources(sources: readonly RecipientSource[], cwd: string, domains: readonly string[]): LoadedSources {
  const files = sources.map((src) => {
    const path = resolve(cwd, src.path);
    return { source: { ...src, path }, text: readInputFile(path, 'Recipient source') };
  });
  return { sources: files.map((f) => f.source), inventory: inventoryOf(files, domains), labels: files.map((f) => sourceLabel(f.source, f.text)) };
}

/**
 * The inventory a setup of a primary plans with: what the Accounts screen showed by class, or
 * the saved sources read again; its problems refuse the plan.
 */
export function sourcesForPlan(s: WizardState, job: Job, cwd: string): { inv?: Inventory; refused?: string[] } {
  const sources = s.fields.recipientSources ?? [];
  if (job !== 'setup' || s.fields.role !== 'primary' || sources.length === 0) return {};
  let inv = s.accounts.loaded?.inventory;
  try {
    inv ??= readRecipientSources(sources, cwd, domainsOf(s.fields)).inventory;
  } catch (err) {
    return { refused: [(err as Error).message] };
  }
  return inv.errors.length ? { refused: inv.errors.map((e) => `Recipient sources: ${e}`) } : { inv };
}
