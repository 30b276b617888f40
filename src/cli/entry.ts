// The program's entry: what bin/zsplit.js runs from the sources, and what the one-file build
// (src/cli/onefile.ts) carries and loads. `--version` and `--help` answer before anything heavy is
// evaluated: the dynamically imported CLI (Ink, React, the planner) stays a lazily initialised module.
import { writeFileSync } from 'node:fs';
import { quickAnswer } from './help.js';

const argv = process.argv.slice(2);
const quick = quickAnswer(argv);
if (quick !== undefined) process.stdout.write(quick);
else {
  // Under memory pressure the kernel's OOM killer takes zsplit (and the zmprov it starts) before
  // Zimbra's own processes (mailboxd, LDAP, the MTA): a zsplit killed mid-run resumes or rolls back
  // from its journal, a killed mailboxd stops delivery. Linux only; raising one's own is allowed.
  try {
    writeFileSync('/proc/self/oom_score_adj', '1000');
  } catch {
    // not Linux, or /proc not mounted: nothing to volunteer for
  }
  const { run } = await import('./main.js');
  process.exitCode = await run(argv);
}
