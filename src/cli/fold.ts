/**
 * The results of a long zmprov batch as an operator reads them: of a run of results of one batch
 * with one status, the first three, then one line that counts the rest (an apply of 100,000
 * placeholders printed 200,000 lines; 350,000 printed 700,000; a resume as many "found done
 * after the interruption"). A failed or skipped step, a step of no batch: always shown. `--verbose` shows every
 * line, `--json` every event; the journal holds every result.
 */

/** Lines shown at the start of a run; up to FOLD_HELD more are shown too when the run ends there. */
const FOLD_SHOWN = 3;
const FOLD_HELD = 10;

export interface StepLines {
  /** A result's text (its lines); `run` names its batch and status when it may be folded. */
  add(text: string, run?: { batch: string; mark: string }): void;
  /** Ends the current run (before any other output, and at the end). */
  close(): void;
}

export function foldedSteps(out: (text: string) => void, verbose = false): StepLines {
  let fold: { key: string; batch: string; mark: string; shown: number; held: string[]; more: number } | undefined;
  const close = (): void => {
    if (!fold) return;
    const f = fold;
    fold = undefined;
    if (f.more === 0) for (const l of f.held) out(l);
    else out(`${'...'.padEnd(15)} and ${(f.held.length + f.more).toLocaleString('en')} more ${f.mark} in the ${f.batch} batch (--verbose lists each; the journal holds every result)\n`);
  };
  return {
    add(text, run) {
      const key = run && !verbose ? `${run.batch}\u0000${run.mark}` : undefined;
      if (key === undefined || key !== fold?.key) close();
      if (key === undefined) return out(text);
      fold ??= { key, batch: run!.batch, mark: run!.mark, shown: 0, held: [], more: 0 };
      if (fold.shown < FOLD_SHOWN) {
        fold.shown++;
        out(text);
      } else if (fold.more === 0 && fold.held.length < FOLD_HELD) fold.held.push(text);
      else fold.more++;
    },
    close,
  };
}
