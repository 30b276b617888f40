/**
 * What the setup runs of a domain found before they changed it, from their journals: unsplit
 * puts those values back instead of assuming defaults (a server that had dnssec gets dnssec).
 */
import type { Prior } from '../model/types.js';
import { priorKey } from '../plan/mta.js';
import type { RunInfo } from './journal.js';

/**
 * Setup runs of any of `domains` (on `target`, when given) that were not rolled back, oldest
 * first; per attribute of an entry, the before-value of the first step that applied a change
 * to it (a later run found zsplit's own value). Undefined when no such run changed anything.
 */
export function priorOfSetup(runs: RunInfo[], domains: string[], target?: string): Prior | undefined {
  const wanted = new Set(domains.map((d) => d.toLowerCase()));
  const values: Record<string, string[] | null> = {};
  const used: string[] = [];
  for (const run of runs) {
    const h = run.header;
    if (h.kind !== 'apply' || h.job !== 'setup' || run.status === 'rolled-back') continue;
    if (target !== undefined && h.target !== target) continue;
    // The domains first: only the plans of this domain's setup runs are read.
    if (!run.domains.some((d) => wanted.has(d.toLowerCase()))) continue;
    let any = false;
    for (const step of h.plan.steps) {
      if (step.kind !== 'zmprov' || !step.entry || !step.probe) continue;
      if (run.results.get(step.id)?.status !== 'applied' || !run.intents.has(step.id)) continue;
      const key = priorKey(step.entry, step.probe.attr);
      if (!(key in values)) values[key] = run.intents.get(step.id) ?? null;
      any = true;
    }
    if (any) used.push(run.runId);
  }
  return used.length ? { runs: used, values } : undefined;
}
