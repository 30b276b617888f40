/** The check of a plan saved earlier (`apply --plan FILE`) against the plan its answers produce now. */
import type { Before, Plan, Step } from '../plan/step.js';
import { showValues } from '../plan/step.js';

export class StalePlan extends Error {
  constructor(public readonly diffs: { step: Step; planned: Before | undefined; now: Before }[], message?: string) {
    super(message ?? `the server changed since the plan was made:\n${diffs.map((d) => `  ${d.step.id}: planned before ${showValues(d.planned)}, now ${showValues(d.now)}`).join('\n')}\nRe-plan (--refresh) and review the new preview.`);
  }
}

/**
 * A saved plan is applied only as it was reviewed: every step its answers produce must be in the
 * file, with the same commands and the same fields (an edited file, or one from another zsplit
 * version, is refused); a before-value that changed on the server since is a stale plan.
 */
export function checkSavedPlan(input: Plan, fresh: Plan, offlineTwin?: Plan): void {
  // A plan saved offline read nothing: it must be what its answers give offline, to the letter
  // (the server's own values change the applied plan, as its preview said they would).
  const offline = input.observed === false && offlineTwin !== undefined;
  const reference = offline ? offlineTwin : fresh;
  const byId = new Map(reference.steps.map((s) => [s.id, s]));
  const saved = new Set(input.steps.map((s) => s.id));
  const j = (v: unknown) => JSON.stringify(v ?? null);
  const FIELDS = ['kind', 'entry', 'change', 'argv', 'reloadArgv', 'manual', 'probe', 'onlyIf', 'requires', 'reload', 'bulk'] as const;
  const edited: string[] = [];
  for (const s of input.steps) {
    const f = byId.get(s.id);
    if (!f) {
      edited.push(`${s.id} (not a step of this plan)`);
      continue;
    }
    const bad: string[] = FIELDS.filter((k) => j(s[k]) !== j(f[k]));
    // desired and inverse follow from the before-value: compared where the plan was made against the server and it still holds that value.
    if (offline || (s.before !== undefined && j(s.before) === j(f.before))) bad.push(...(['desired', 'inverse'] as const).filter((k) => j(s[k]) !== j(f[k])));
    if (bad.length) edited.push(`${s.id} (${bad.join(', ')})`);
  }
  const removed = reference.steps.filter((s) => !saved.has(s.id)).map((s) => `${s.id} (missing from the file)`);
  const hasBefore = input.steps.some((s) => s.kind === 'zmprov' && s.before !== undefined);
  if (typeof input.observed !== 'boolean' || (input.observed === false && hasBefore) || (input.observed === true && input.steps.some((s) => s.kind === 'zmprov' && s.before === undefined)))
    edited.push('observed (does not match the steps)');
  const bad = [...removed, ...edited];
  if (bad.length)
    throw new StalePlan([], `the plan file's commands differ from what its answers produce (edited by hand, steps removed, or made by another zsplit version): ${bad.slice(0, 10).join('; ')}${bad.length > 10 ? `; and ${bad.length - 10} more` : ''}. Plan again and review the new preview.`);
  const diffs = input.steps
    .filter((s) => s.before !== undefined && byId.get(s.id)?.before !== undefined && j(byId.get(s.id)!.before) !== j(s.before))
    .map((s) => ({ step: s, planned: s.before, now: byId.get(s.id)!.before as Before }));
  if (diffs.length) throw new StalePlan(diffs);
}

