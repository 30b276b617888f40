/**
 * When applying every change needs the operator to type the domain name first (as Terraform asks
 * for "yes"): on a real Zimbra (never in rehearsal), for an interactive "apply all" (wizard or
 * headless on a terminal, or "all remaining" in step mode). `--yes` is the unattended approval and
 * asks nothing. Pure: the wizard and the headless commands share it.
 */

export interface TypedConfirmation {
  /** What must be typed: the (first) domain of the plan. */
  expected: string;
  prompt: string;
}

export interface ConfirmContext {
  domains: string[];
  /** The target is the simulated Zimbra. */
  rehearsal: boolean;
  /** --yes: approved beforehand, nothing is asked. */
  unattended: boolean;
  /** What is approved: the whole plan, the rest of it (step mode), or a rollback. */
  what: 'apply' | 'remaining' | 'rollback';
}

export function typedConfirmation(c: ConfirmContext): TypedConfirmation | undefined {
  if (c.rehearsal || c.unattended || c.domains.length === 0) return undefined;
  const expected = c.domains[0].toLowerCase();
  const what = c.what === 'apply' ? 'apply every change above' : c.what === 'remaining' ? 'apply all remaining changes without asking again' : 'roll back every change above';
  return { expected, prompt: `This changes the real Zimbra. To ${what}, type the domain name (${expected}); anything else cancels: ` };
}

/** Whether the typed answer confirms: the domain, ignoring case, surrounding blanks and a final dot. */
export function confirmationMatches(t: TypedConfirmation, typed: string | undefined): boolean {
  return (typed ?? '').trim().toLowerCase().replace(/\.$/, '') === t.expected;
}
