/**
 * `checkPlan`: would this directory state (observed or planned) and this peer lose, loop or bounce
 * mail? Every address is put in a class (Zimbra user, peer user, alias, cutover user, unknown) and
 * in a routing group: addresses whose routing-relevant facts are the same (class, domain, which
 * account the LDAP maps return and that account's status and transport, what the peer knows of
 * the address) take the same path. One representative per group is traced from every entry point;
 * findings carry the count and examples of the group.
 *
 * Here only the walk over the groups; the grouping is in groups.ts, what counts as loss, loop or
 * bounce in verdicts.ts, the configuration scan in scan.ts. Pure.
 */
import { compileFlow, type FlowInput, type FlowModel } from './model.js';
import { ENTRY_POINTS, routeWith, type EntryPoint, type Trace } from './route.js';
import { CLASS_LABEL, type Severity, type AddressClass, type FindingCode, type Finding, type PlanCheck } from './findings.js';
import { groupAddresses } from './groups.js';
import { scanFindings } from './scan.js';
import { entriesText, FROM_LABEL, hintFor, judge, type Verdict } from './verdicts.js';
export { CLASS_LABEL };
export type { Severity, AddressClass, FindingCode, Finding, PlanCheck };

export interface CheckOptions {
  /** Trace every address on its own instead of one per routing group (slow; for tests and audits). */
  exhaustive?: boolean;
}

export function checkPlan(input: FlowInput, options: CheckOptions = {}): PlanCheck {
  return checkModel(compileFlow(input), options);
}

/** `checkPlan` on an already compiled model. */
export function checkModel(m: FlowModel, options: CheckOptions = {}): PlanCheck {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const traces: Trace[] = [];
  const add = (f: Finding): void => {
    (f.severity === 'error' ? errors : warnings).push(f);
  };
  const { groups, config } = groupAddresses(m, !!options.exhaustive);

  // ------------------------------------------------------------ trace one representative per group, from every entry point
  for (const g of groups.values()) {
    const byCode = new Map<FindingCode, { v: Verdict; from: EntryPoint[]; trace: Trace }>();
    const groupTraces: Trace[] = [];
    for (const from of ENTRY_POINTS) {
      const t = routeWith(m, g.rep, from);
      traces.push(t);
      groupTraces.push(t);
      const v = judge(g.cls, t);
      if (!v) continue;
      const seen = byCode.get(v.code);
      if (seen) seen.from.push(from);
      else byCode.set(v.code, { v, from: [from], trace: t });
    }
    const more = g.count > 1 ? ` (and ${g.count - 1} more with the same routing)` : '';
    const label = CLASS_LABEL[g.cls];
    if (g.cls === 'both-sides') {
      const where = groupTraces.map((t) => `${FROM_LABEL[t.from]}: ${t.outcome}`).join('; ');
      add({
        severity: 'error',
        code: 'both-sides',
        message: `${g.rep}${more} is a Zimbra mailbox (lmtp transport) and also listed as a peer account: ${where}`,
        hint: `decide where ${g.rep} lives: remove it from the peer accounts, or route the Zimbra account to the peer`,
        addressClass: g.cls,
        address: g.rep,
        from: [...ENTRY_POINTS],
        count: g.count,
        examples: g.examples,
        trace: groupTraces[0],
      });
    }
    for (const [code, { v, from, trace }] of byCode) {
      add({
        severity: v.severity,
        code,
        message: `${label} ${g.rep}${more} ${v.what} ${entriesText(from)}: ${trace.reason}`,
        hint: hintFor(m, code, g.cls, g.rep, trace),
        addressClass: g.cls,
        address: g.rep,
        from,
        count: g.count,
        examples: g.examples,
        trace,
      });
    }
  }
  for (const f of scanFindings(m, config.scan, traces)) add(f);

  let addresses = 0;
  for (const g of groups.values()) addresses += g.count;
  return {
    ok: errors.length === 0,
    errors,
    warnings,
    traces,
    stats: { addresses, groups: groups.size, traced: traces.length },
  };
}
