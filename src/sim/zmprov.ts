/**
 * A simulated `zmprov` (ProvUtil + the LdapProvisioning behaviour behind it) over a SimState.
 * It reproduces what an apply engine can observe: stdout/stderr text and placement, exit codes,
 * batch-mode prompts and echo, the error flag, the early aborts, and the attribute rules
 * (validation, callbacks, +/- semantics) of zimbra.md §1–§5. Mutates the state in place.
 *
 * The rooms, under prov/: commands.ts (the command table, usage texts), options.ts (-l, -f, ...),
 * io.ts (what the host passes in and gets back, the JLine echo), provutil.ts (main, the batch and
 * interactive loop, the session, the dispatch), base.ts (process state, usage, injection),
 * lookup.ts (finding accounts, domains, servers), attrs.ts (attribute maps in and dumps out),
 * accounts.ts (ca ma ga da aaa raa), search.ts (gaa sa cta), domains.ts (cd cad gd gad dd),
 * servers.ts (gs gas fc desc); ma md ms mcf gcf gacf are a few lines each in the dispatch.
 * This file is the entry the rest of zsplit imports.
 */
export { runZmprov, ZmprovSession } from './prov/provutil.js';
export { lookupCommand } from './prov/commands.js';
export { jlineEcho, type CommandEvent, type Injection, type ZmprovIO } from './prov/io.js';
export type { RunResult } from './output.js';
export type { Touched } from './state.js';
