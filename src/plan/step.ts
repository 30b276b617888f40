/** Plan steps, and the pure semantics of a change against the value it finds. */
import type { Answers, Job } from '../model/types.js';
import type { Change, Entry } from '../zimbra/commands.js';
import { changeArgv, changedAttr, existenceAttr, probeArgv } from '../zimbra/commands.js';
import { attrInfo } from '../zimbra/attrs.js';
import type { EntryKind } from '../zimbra/attrs.js';

export type StepKind = 'zmprov' | 'reload' | 'manual';
export type Where = 'zimbra' | 'peer' | 'dns';

/** What a probe found: the values of the attribute, or null when the entry does not exist. */
export type Before = string[] | null;

export interface Step {
  /** Stable across re-plans: the journal and --to refer to it. */
  id: string;
  title: string;
  /** One line: why this step exists. */
  why: string;
  where: Where;
  kind: StepKind;
  entry?: Entry;
  change?: Change;
  /** zmprov arguments (kind zmprov) or the commands run (kind reload), exactly as executed. */
  argv?: string[];
  reloadArgv?: string[][];
  /** The read-only probe and the attribute it reads. */
  probe?: { argv: string[]; attr: string };
  /** Display text of the value after the step. */
  desired?: string;
  /** Observed before-value, when the plan was made against the server. */
  before?: Before;
  /** zmprov argv of the inverse, computed from `before`; null when nothing needs undoing. */
  inverse?: string[] | null;
  /** Needs an MTA reload (zmconfigd-managed attribute). */
  reload: boolean;
  /** Steps with the same key run through one zmprov batch. */
  bulk?: string;
  /** Only apply when the probed value is one of these (e.g. unlock only a `locked` placeholder). */
  onlyIf?: string[];
  /** Skip this step unless these steps were applied or found already done. */
  requires?: string[];
  /**
   * Manual steps: the Zimbra steps that must be in place first (step ids, or `bulk:<key>` for a
   * whole bulk group); see src/plan/outcome.ts.
   */
  dependsOn?: string[];
  /** For manual steps: the system and the exact commands the operator runs there. */
  manual?: { system: string; commands: string[] };
}

export interface Plan {
  schema: 1;
  job: Job;
  answers: Answers;
  steps: Step[];
  warnings: string[];
  /** Lines explaining choices (e.g. why there is no catch-all on a primary). */
  notes: string[];
  /** True when before-values came from the server. */
  observed: boolean;
}

function sameValues(a: string[], b: string[], multi: boolean): boolean {
  if (a.length !== b.length) return false;
  if (!multi) return a.every((v, i) => v === b[i]);
  const set = new Set(a);
  return b.every((v) => set.has(v));
}

/** Whether a value of `attr` already holds `value` (mynetworks may hold several networks in one value). */
export function holdsValue(attr: string, values: string[], value: string): boolean {
  if (attr === 'zimbraMtaMyNetworks') return values.some((v) => v.split(/[\s,]+/).includes(value));
  return values.some((v) => v.toLowerCase() === value.toLowerCase());
}

/** True when the entry is already as the change wants it: the step would be "unchanged". */
export function isSatisfied(change: Change, before: Before): boolean {
  switch (change.op) {
    case 'set':
      return before !== null && sameValues(before, change.values, attrInfo(change.attr).multi);
    case 'add':
      return before !== null && holdsValue(change.attr, before, change.value);
    case 'remove':
      return before !== null && !before.includes(change.value);
    case 'create':
      return before !== null;
    case 'delete':
      return before === null;
    case 'addAlias':
      return before !== null && holdsValue('zimbraMailAlias', before, change.alias);
    case 'removeAlias':
      return before !== null && !holdsValue('zimbraMailAlias', before, change.alias);
  }
}

/**
 * The change that puts back exactly what `before` recorded, or null when the step
 * changed nothing. Throws when a change cannot be undone (zsplit never plans those).
 */
export function inverseChange(change: Change, before: Before): Change | null {
  if (isSatisfied(change, before)) return null;
  switch (change.op) {
    case 'set':
      // The entry does not exist yet: an earlier step of the plan creates it, and undoing
      // that creation (da, dd) removes this value with it.
      if (before === null) return null;
      return { op: 'set', attr: change.attr, values: before };
    case 'add':
      return { op: 'remove', attr: change.attr, value: change.value };
    case 'remove':
      return { op: 'add', attr: change.attr, value: change.value };
    case 'create':
      return { op: 'delete' };
    case 'addAlias':
      return { op: 'removeAlias', alias: change.alias };
    case 'removeAlias':
      return { op: 'addAlias', alias: change.alias };
    case 'delete':
      throw new Error('zsplit does not undo a deletion');
  }
}

/** The values the attribute holds after a change of an entry of `kind` (null: the entry does not exist). */
export function valuesAfter(change: Change, before: Before, kind: EntryKind): Before {
  switch (change.op) {
    case 'set':
      return change.values;
    case 'add':
      return before && holdsValue(change.attr, before, change.value) ? before : [...(before ?? []), change.value];
    case 'remove':
      return (before ?? []).filter((v) => v !== change.value);
    case 'create': {
      if (before) return before;
      const e = existenceAttr(kind);
      const given = change.attrs.find(([a]) => a === e.attr);
      return [given ? given[1] : e.initial];
    }
    case 'delete':
      return null;
    case 'addAlias':
      return before && holdsValue('zimbraMailAlias', before, change.alias) ? before : [...(before ?? []), change.alias];
    case 'removeAlias':
      return (before ?? []).filter((v) => v.toLowerCase() !== change.alias.toLowerCase());
  }
}

export function showValues(v: Before | undefined): string {
  if (v === undefined) return '(probed at apply)';
  if (v === null) return '(no such entry)';
  if (v.length === 0) return '(unset)';
  return v.join(', ');
}

/** What a zmprov step takes besides its entry and its change. */
export interface StepBase {
  id: string;
  title: string;
  why: string;
  bulk?: string;
  onlyIf?: string[];
  requires?: string[];
}

/** What a zmprov step derives from its change alone. */
interface FromChange {
  attr: string;
  desired: string;
  reload: boolean;
}

function fromChange(change: Change, kind: EntryKind): FromChange {
  const attr = changedAttr(change, kind);
  return { attr, desired: showValues(valuesAfter(change, change.op === 'create' ? null : [], kind)), reload: attrInfo(attr).mtaLevel };
}

function step(base: StepBase, entry: Entry, change: Change, c: FromChange, argv: string[], probe: string[]): Step {
  // Explicit fields, one object shape: a spread of differently shaped bases made plans of
  // 100,000 placeholders several times slower.
  return {
    id: base.id,
    title: base.title,
    why: base.why,
    bulk: base.bulk,
    onlyIf: base.onlyIf,
    requires: base.requires,
    where: 'zimbra',
    kind: 'zmprov',
    entry,
    change,
    argv,
    probe: { argv: probe, attr: c.attr },
    desired: c.desired,
    reload: c.reload,
  };
}

/** A zmprov step from an entry and one change: argv, probe and desired value all derive from the change. */
export function zmprovStep(base: StepBase, entry: Entry, change: Change): Step {
  const c = fromChange(change, entry.kind);
  return step(base, entry, change, c, changeArgv(entry, change), probeArgv(entry, [c.attr]));
}

/** The name of the stand-in entry argv templates are made for: no entry name holds a control character. */
const STAND_IN = '\u0000';

/**
 * An argv made for the stand-in entry, for the entry `name`. Array literals for the usual
 * lengths (4 and 5) rather than a copy: V8 allocates what one literal keeps producing for
 * long-lived data straight in the old generation, instead of copying 400,000 arrays through
 * the young one (that copying was most of the garbage collector's time in a large plan).
 */
function withName(t: string[], name: string): string[] {
  const at = (i: number): string => (t[i] === STAND_IN ? name : t[i]);
  switch (t.length) {
    case 4:
      return [at(0), at(1), at(2), at(3)];
    case 5:
      return [at(0), at(1), at(2), at(3), at(4)];
    default:
      return t.map((a) => (a === STAND_IN ? name : a));
  }
}

/**
 * zmprovStep for many entries of one kind given the same change (a plan's placeholders share
 * two). What derives from the change is computed once, and each argv is a copy of the one made
 * for a stand-in entry (changeArgv and probeArgv name an entry only by its name): building
 * 200,000 argv anew, with the spreads that makes, was the costliest part of such a plan.
 */
export function zmprovStepsOf(kind: EntryKind, change: Change): (base: StepBase, entry: Entry) => Step {
  const c = fromChange(change, kind);
  const standIn: Entry = { kind, name: STAND_IN };
  const argv = changeArgv(standIn, change);
  const probe = probeArgv(standIn, [c.attr]);
  return (base, entry) =>
    entry.kind === kind ? step(base, entry, change, c, withName(argv, entry.name), withName(probe, entry.name)) : zmprovStep(base, entry, change);
}

export function manualStep(id: string, where: Where, system: string, title: string, why: string, commands: string[]): Step {
  return { id, title, why, where, kind: 'manual', reload: false, manual: { system, commands } };
}
