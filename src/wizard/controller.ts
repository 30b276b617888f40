/**
 * The wizard's controller: holds the state, runs the effects the state machine asks for
 * (reading the server, planning, applying through the engine, the journal, saved answers) and
 * sends their results back as messages. The same engine wiring as the headless commands
 * (src/cli/apply.ts); no planning or apply logic of its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Decision, EngineEvent, Question } from '../apply/engine.js';
import { applyPlan, StalePlan } from '../apply/engine.js';
import { finishRollback, needsReconcile, reconcileRun, replanFor, rollbackableRuns } from '../cli/apply.js';
import { JournalWriteError } from '../journal/journal.js';
import { OrphanRunning } from '../journal/orphan.js';
import type { Flags } from '../cli/args.js';
import { VERSION } from '../cli/help.js';
import type { CliIO } from '../cli/io.js';
import { needsAccountList, observeWith, peerModeFlag, runAsFlag } from '../cli/plan.js';
import { detectZimbra, stateDir } from '../cli/target.js';
import type { Executor } from '../exec/types.js';
import { Zmprov } from '../exec/zmprov.js';
import { traceRow } from '../flow/format.js';
import { JournalStore } from '../journal/journal.js';
import type { RunInfo } from '../journal/journal.js';
import { LockHeld } from '../journal/lock.js';
import { abandonRun } from '../journal/abandon.js';
import { appliedSteps, RollbackRefused, rollbackPlan, rollbackReplan, undoingRun } from '../journal/rollback.js';
import { showValues } from '../plan/step.js';
import type { RestoreValues } from './detail.js';
import { parseAccountLines, validateAnswers } from '../model/validate.js';
import { plan, PlanRefused } from '../plan/index.js';
import type { Observed, Plan } from '../plan/index.js';
import { accountsRoutedTo } from '../plan/observed.js';
import { planFlowCheck } from '../plan/flowcheck.js';
import { priorOfSetup } from '../journal/prior.js';
import { renderJson, renderSh } from '../plan/render.js';
import { answerErrors, domainsOf, rawFrom } from './fields.js';
import { countsText, runBrief } from './format.js';
import { peerCandidates } from './peers.js';
import { fieldsWithInventory } from './recipients.js';
import { readRecipientSources, sourcesForPlan, sourcesFromFlags } from './sources.js';
import { withRecipientInfo } from '../inventory/model.js';
import type { SavedAnswers } from './saved.js';
import type { CutoverCandidate, Fields, Finding, ScreenId, WizardState } from './state.js';
import type { PeerKind } from '../model/types.js';
import { PEER_KINDS } from '../model/types.js';
import { initialState, jobOf } from './state.js';
import type { Effect, Msg } from './msg.js';
import { update } from './update.js';

export interface ControllerOptions {
  flags: Flags;
  io: CliIO;
  exec: Executor;
  /** A promise when it loads after the first frame (conf and its schema validator are not needed to draw it). */
  saved: SavedAnswers | Promise<SavedAnswers>;
  /** What was said before the wizard started (e.g. the rehearsal notice). */
  notice?: string;
  size?: { cols: number; rows: number };
  noColor?: boolean;
  /** Engine events are sent to the screens in batches, at most this often (ms). */
  flushMs?: number;
}

const INPUT_SCREENS: ScreenId[] = ['role', 'hosts', 'accounts', 'cutover', 'unsplit'];

export class WizardController {
  private state: WizardState;
  private readonly listeners = new Set<() => void>();
  private readonly store: JournalStore;
  private pendingDecision?: (d: Decision) => void;
  private stopFlag = false;
  private mode: 'step' | 'all' = 'step';
  private autoYes = new Set<string>();
  private autoSkip = new Set<string>();
  private events: { e: EngineEvent; at: number }[] = [];
  private flushTimer?: NodeJS.Timeout;
  /** Effects still running (tests wait for them). */
  private running = 0;
  onExit?: (code: number) => void;

  constructor(private readonly o: ControllerOptions) {
    this.store = new JournalStore(stateDir(o.flags, o.io));
    let user = 'unknown';
    try {
      user = userInfo().username;
    } catch {
      user = o.io.env.USER ?? 'unknown';
    }
    const initial = initialState({
      env: { detecting: true, rehearsal: o.exec.rehearsal, label: o.exec.label, targetId: o.exec.targetId, user, notice: o.notice },
      size: o.size,
      noColor: o.noColor,
    });
    this.state = { ...initial, fields: fieldsFromFlags(initial.fields, o.flags, o.io) };
  }

  getState = (): WizardState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Screens call this with their intents; effects run in the background. */
  send = (msg: Msg): void => {
    const { state, effects } = update(this.state, msg);
    if (state !== this.state) {
      this.state = state;
      for (const l of this.listeners) l();
    }
    for (const e of effects) void this.run(e);
  };

  /** Detects Zimbra and reads the journal and saved answers for the start screen. */
  start(): void {
    void this.track(async () => {
      const d = await detectZimbra(this.o.exec).catch(() => ({ version: undefined, hostname: undefined }));
      this.send({ type: 'env/detected', version: d.version, hostname: d.hostname });
    });
    void this.run({ type: 'load-start' });
  }

  /** Resolves when no effect is running (for tests). */
  async idle(): Promise<void> {
    while (this.running > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async track(fn: () => Promise<void>): Promise<void> {
    this.running++;
    try {
      await fn();
    } finally {
      this.running--;
    }
  }

  private run(e: Effect): Promise<void> {
    return this.track(() => this.effect(e));
  }

  private get zmprov(): Zmprov {
    return new Zmprov(this.o.exec);
  }

  private async effect(e: Effect): Promise<void> {
    const s = this.state;
    switch (e.type) {
      case 'load-start':
        try {
          const saved = await Promise.resolve(this.o.saved).then((a) => a.list(), (err: Error) => (this.o.io.err(`zsplit: cannot read the saved answers: ${err.message}\n`), []));
          // One listing of the runs for both (each journal read once, its plan not at all).
          const runs = this.store.runs();
          const interrupted = this.store.resumable(this.o.exec.targetId, runs).at(-1);
          this.send({
            type: 'start/loaded',
            saved,
            interrupted: interrupted ? runBrief(interrupted) : undefined,
            rollbackable: rollbackableRuns(runs, this.o.exec.targetId).map(runBrief),
          });
        } catch (err) {
          this.send({ type: 'start/loaded', saved: [], rollbackable: [] });
          this.o.io.err(`zsplit: cannot read the journal: ${(err as Error).message}\n`);
        }
        return;
      case 'save': {
        const domain = domainsOf(s.fields)[0];
        if (!domain || (s.task !== 'setup' && s.task !== 'cutover' && s.task !== 'unsplit')) return;
        const screen = INPUT_SCREENS.includes(s.screen) ? s.screen : ([...s.history].reverse().find((x) => INPUT_SCREENS.includes(x)) ?? 'role');
        try {
          (await this.o.saved).save({ domain, task: s.task, screen, fields: s.fields });
        } catch {
          // Saving answers is a convenience; a read-only config dir must not stop the wizard.
        }
        return;
      }
      case 'read-accounts-file':
        try {
          const text = readFileSync(resolve(this.o.io.cwd, e.path), 'utf8');
          const lines = parseAccountLines(text).length;
          this.send({ type: 'accounts/loaded', text: joinLists(s.fields.peerAccounts, text), message: `Read ${lines} line(s) from ${e.path}.` });
        } catch (err) {
          this.send({ type: 'accounts/failed', error: `Cannot read ${e.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the path (relative to ${this.o.io.cwd}).` });
        }
        return;
      case 'read-recipient-sources':
        try {
          this.send({ type: 'accounts/sources-loaded', ...(await readRecipientSources(e.sources, e.ldap, this.o.io.cwd, domainsOf(s.fields), this.o.io.env)), show: e.show });
        } catch (err) {
          const m = (err as Error).message;
          this.send({ type: 'accounts/failed', error: m.startsWith('Recipient source:') ? `${m}. Check the path (relative to ${this.o.io.cwd}).` : m });
        }
        return;
      case 'read-accounts-live':
        try {
          const accounts = await this.readAccounts(s);
          // Only placeholders routed to the peer are offered: a real mailbox is never a peer user.
          const { offered, mailboxes } = peerCandidates(accounts, s.fields.peerHost);
          const message =
            `Read ${accounts.length} account(s) from Zimbra (zmprov -l gaa): ${offered.length} placeholder(s) routed to ${s.fields.peerHost || 'the peer'} added` +
            (mailboxes.length
              ? `; ${mailboxes.length} real mailbox(es) left out (${mailboxes.slice(0, 3).join(', ')}${mailboxes.length > 3 ? ', ...' : ''}): a real mailbox is never a peer user. Type the peer's users instead.`
              : '.');
          this.send({ type: 'accounts/loaded', text: joinLists(s.fields.peerAccounts, offered.join('\n')), message });
        } catch (err) {
          this.send({ type: 'accounts/failed', error: (err as Error).message });
        }
        return;
      case 'review':
        await this.review(s);
        return;
      case 'export': {
        const p = s.review.plan;
        if (!p) return;
        try {
          const base = resolve(this.o.io.cwd, e.base.replace(/\.(sh|json)$/, ''));
          const files = [`${base}.sh`, `${base}.json`];
          const existing = files.filter((f) => existsSync(f));
          if (existing.length && !e.overwrite) {
            this.send({ type: 'preview/export-exists', base: e.base, files: existing.map((f) => basename(f)) });
            return;
          }
          writeFileSync(files[0], renderSh(p, { runAs: runAsFlag(this.o.flags) }), { mode: 0o755 });
          writeFileSync(files[1], renderJson(p), { mode: 0o644 });
          this.send({ type: 'preview/exported', message: `Wrote ${base}.sh and ${base}.json (${p.steps.length} steps).` });
        } catch (err) {
          this.send({ type: 'preview/exported', message: `Cannot write ${e.base}: ${(err as Error).message}` });
        }
        return;
      }
      case 'apply':
        await this.apply(e);
        return;
      case 'decide': {
        const r = this.pendingDecision;
        this.pendingDecision = undefined;
        if (e.decision === 'all') this.mode = 'all';
        r?.(e.decision);
        return;
      }
      case 'stop': {
        this.stopFlag = true;
        const r = this.pendingDecision;
        this.pendingDecision = undefined;
        r?.('quit');
        return;
      }
      case 'exit':
        this.flushEvents();
        this.onExit?.(e.code);
        return;
      case 'undo-step':
        await this.undoSteps(e.runId, e.stepIds);
        return;
      case 'load-runs':
        try {
          this.send({ type: 'rollback/runs', runs: rollbackableRuns(this.store.runs(), this.o.exec.targetId).map(runBrief) });
        } catch (err) {
          this.send({ type: 'rollback/error', error: (err as Error).message });
        }
        return;
      case 'load-rollback':
        try {
          let run = this.store.run(e.runId);
          if (!run) throw new Error(`no run ${e.runId} in ${this.store.runsDir}`);
          // Cut off (kill, crash, full disk) or a damaged journal: learn what it really changed first, as zsplit rollback does.
          if (needsReconcile(run)) run = await reconcileRun(run, this.store, this.o.exec, undefined, () => undefined);
          const p = rollbackPlan(run);
          if (p.steps.length === 0) throw new Error(`Run ${e.runId} changed nothing that needs undoing.`);
          this.send({ type: 'rollback/plan', runId: e.runId, plan: p, values: restoreValues(run) });
        } catch (err) {
          this.send({ type: 'rollback/error', error: (err as Error).message });
        }
        return;
      case 'load-cutover':
        try {
          const accounts = await this.readAccounts(s);
          const waves = this.store
            .runs()
            .filter((r) => r.header.job === 'cutover' && r.header.kind === 'apply')
            .map(runBrief);
          this.send({ type: 'cutover/loaded', accounts, waves });
        } catch (err) {
          this.send({ type: 'cutover/error', error: (err as Error).message });
        }
        return;
      case 'read-users-file':
        try {
          const text = readFileSync(resolve(this.o.io.cwd, e.path), 'utf8');
          const users = parseAccountLines(text).flatMap((l) => l.words);
          this.send({ type: 'cutover/file-loaded', users, message: `Selected ${users.length} user(s) from ${e.path}.` });
        } catch (err) {
          this.send({ type: 'cutover/error', error: `Cannot read ${e.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        }
        return;
      case 'mark-done':
        try {
          (await this.o.saved).markDone(e.domains, e.done);
        } catch {
          // Saved answers are a convenience (see 'save').
        }
        return;
      case 'abandon':
        try {
          const run = abandonRun(stateDir(this.o.flags, this.o.io), e.runId, 'abandoned in the wizard');
          try {
            (await this.o.saved).markDone(run.header.plan.answers.domains, 'abandoned');
          } catch {
            // as above
          }
          this.send({ type: 'start/abandoned', message: `Run ${e.runId} abandoned (recorded in its journal): it is not offered for resuming; its applied changes stay and can be rolled back.` });
        } catch (err) {
          this.send({ type: 'start/abandoned', message: `Cannot abandon run ${e.runId}: ${(err as Error).message}` });
        }
        return;
      case 'check-unsplit':
        try {
          const accounts = await this.readAccounts(s, false);
          const observed: Observed = { entries: {}, accounts: accounts.map((a) => ({ name: a.name, attrs: { zimbraMailTransport: a.transport ? [a.transport] : [] } })) };
          this.send({ type: 'unsplit/result', routed: accountsRoutedTo(observed, s.fields.peerHost.trim()) });
        } catch (err) {
          this.send({ type: 'unsplit/error', error: (err as Error).message });
        }
        return;
    }
  }

  /** The domain's accounts, one `zmprov -l gaa -v -e` per domain; system accounts left out. */
  private async readAccounts(s: WizardState, skipSystem = true): Promise<CutoverCandidate[]> {
    const domains = domainsOf(s.fields);
    if (domains.length === 0) throw new Error('No domain: enter it on the Hosts screen first.');
    const zmprov = this.zmprov;
    const lists = await zmprov.listDomains(domains);
    return lists
      .filter((a) => !skipSystem || !['zimbraIsSystemAccount', 'zimbraIsSystemResource'].some((k) => (a.attrs[k] ?? [])[0]?.toUpperCase() === 'TRUE'))
      .map((a) => ({
        name: a.name,
        transport: (a.attrs.zimbraMailTransport ?? [])[0] ?? '',
        status: (a.attrs.zimbraAccountStatus ?? [])[0] ?? '',
        inUse: Boolean((a.attrs.zimbraLastLogonTimestamp ?? [])[0]),
      }));
  }

  /** Validates, reads the current values, plans and checks the mail flow: the Review screen. */
  private async review(s: WizardState): Promise<void> {
    const job = jobOf(s);
    const cutover = job === 'cutover' ? { users: s.cutover.selected, direction: s.cutover.direction, wave: s.cutover.wave } : undefined;
    const empty = { findings: [] as Finding[], rows: [], warnings: [] as string[] };
    const { inv, refused } = await sourcesForPlan(s, job, this.o.io.cwd, this.o.io.env);
    if (refused) return this.send({ type: 'review/result', ...empty, refused });
    const v = validateAnswers(rawFrom(fieldsWithInventory(s.fields, inv), cutover), job);
    if (!v.answers) {
      this.send({ type: 'review/result', ...empty, refused: answerErrors(v.errors).map(wizardWords) });
      return;
    }
    let observed: Observed;
    try {
      observed = await observeWith(this.zmprov, job, v.answers);
    } catch (err) {
      this.send({ type: 'review/result', ...empty, refused: [], error: `Could not read the current values from ${this.o.exec.label}: ${(err as Error).message}` });
      return;
    }
    let answers = inv ? { ...v.answers, peerAccounts: withRecipientInfo(v.answers.peerAccounts, inv) } : v.answers;
    const notes: string[] = [];
    // A cutover or unsplit on a primary: who lives on the peer now is what Zimbra's placeholders
    // say (routed to the peer, read live), not the list typed at setup (earlier waves moved some).
    if (job !== 'setup' && answers.role === 'primary') {
      const routed = accountsRoutedTo(observed, answers.peer.host);
      const again = validateAnswers({ ...rawFrom({ ...s.fields, peerAccounts: routed.join('\n') }, cutover), peerAccounts: routed.join('\n') }, job);
      if (again.answers) {
        answers = again.answers;
        if (routed.length) notes.push(`Peer accounts: the ${routed.length} placeholder(s) routed to ${answers.peer.host}, read live.`);
      }
    }
    // Unsplit puts back what setup found, as `zsplit plan unsplit` does: from the setup run's journal.
    const prior = job === 'unsplit' ? priorOfSetup(this.store.runs(), answers.domains) : undefined;
    if (prior) {
      answers = { ...answers, prior };
      notes.push(`Unsplit restores the values setup found, from its journal (${prior.runs.join(', ')}).`);
    }
    let p: Plan;
    try {
      p = plan(job, answers, observed);
    } catch (err) {
      if (!(err instanceof PlanRefused)) throw err;
      this.send({ type: 'review/result', ...empty, observed, refused: err.reasons.map(wizardWords) });
      return;
    }
    const check = this.o.flags['no-flow-check'] ? undefined : planFlowCheck(p, observed, { peerMode: peerModeFlag(this.o.flags) });
    const findings: Finding[] = [...(check?.errors ?? []), ...(check?.warnings ?? [])].map((f) => ({
      severity: f.severity,
      message: `${f.message}${f.count > 1 ? ` (${f.count} addresses, e.g. ${f.examples.join(', ')})` : ''}`,
      hint: f.hint,
    }));
    const planned = check ? { ...p, warnings: [...p.warnings, ...check.warnings.map((w) => w.message)] } : p;
    this.send({
      type: 'review/result',
      plan: planned,
      observed,
      refused: check && !check.ok ? check.errors.map((f) => f.message) : [],
      findings,
      rows: check?.traces.map(traceRow) ?? [],
      stats: check?.stats,
      warnings: [...notes, ...v.warnings, ...p.warnings].map(wizardWords),
    });
  }

  private async apply(e: Extract<Effect, { type: 'apply' }>): Promise<void> {
    const flags = this.o.flags;
    let input: Plan;
    let resume: RunInfo | undefined;
    let kind: 'apply' | 'rollback' = 'apply';
    let of: string | undefined;
    let undoOf: Pick<RunInfo, 'path'> | undefined;
    let replan: (o: Observed) => Plan;
    let listAccounts: boolean;
    const source = e.source;
    if (source.type === 'plan') {
      input = source.plan;
      replan = replanFor(input, flags);
      listAccounts = needsAccountList(input.job, input.answers);
    } else if (source.type === 'resume') {
      resume = this.store.run(source.runId);
      if (!resume) {
        this.send({ type: 'apply/refused', message: `no run ${source.runId} in the journal` });
        return;
      }
      input = resume.header.plan;
      // The run's own half-made placeholders stay accepted (they are not live mailboxes).
      replan = replanFor(input, flags, resume);
      // As `zsplit apply --resume`: the flow check sees the server as it is.
      listAccounts = needsAccountList(input.job, input.answers);
    } else {
      const undo = undoingRun(this.store, source.runId, source.plan, Boolean(flags.force));
      if (!undo) {
        this.send({ type: 'apply/refused', message: `no run ${source.runId} in the journal` });
        return;
      }
      undoOf = { path: undo.path };
      input = source.plan;
      kind = 'rollback';
      of = source.runId;
      replan = undo.replan;
      listAccounts = false;
    }
    this.stopFlag = false;
    this.mode = e.mode;
    this.autoYes = new Set(e.autoYes ?? []);
    this.autoSkip = new Set(e.autoSkip ?? []);
    this.send({ type: 'apply/started', at: Date.now(), total: input.steps.length });
    try {
      const summary = await applyPlan(input, {
        zmprov: this.zmprov,
        exec: this.o.exec,
        store: this.store,
        version: VERSION,
        confirm: (q) => this.confirm(q),
        onEvent: (ev) => this.queueEvent(ev),
        shouldStop: () => this.stopFlag,
        replan,
        listAccounts,
        kind,
        of,
        resume,
        reloadAfterFailure: false,
      });
      this.flushEvents();
      if (undoOf && source.type === 'rollback') finishRollback(undoOf, summary, source.to);
      // Let the last finished steps reach <Static> (Ink renders at most 30 times a second) before the screen changes.
      await new Promise((r) => setTimeout(r, 80));
      this.send({ type: 'apply/finished', summary });
    } catch (err) {
      this.flushEvents();
      const known = err instanceof StalePlan || err instanceof PlanRefused || err instanceof RollbackRefused || err instanceof LockHeld || err instanceof JournalWriteError || err instanceof OrphanRunning;
      this.send({ type: 'apply/refused', message: known ? `Refused: ${(err as Error).message}` : `Unexpected error: ${(err as Error).stack ?? err}` });
    } finally {
      this.pendingDecision = undefined;
    }
  }

  /** The engine's question: answered by the operator, or at once for a retry/skip after a failure. */
  private confirm(q: Question): Promise<Decision> {
    if (q.kind !== 'reload-after-failure') {
      if (q.steps.length && q.steps.every((st) => this.autoSkip.has(st.id))) return Promise.resolve('skip');
      if (q.steps.length && q.steps.every((st) => this.autoYes.has(st.id))) return Promise.resolve(this.mode === 'all' ? 'all' : 'yes');
      if (this.mode === 'all') return Promise.resolve('all');
    }
    if (this.stopFlag) return Promise.resolve(q.kind === 'reload-after-failure' ? 'skip' : 'quit');
    this.flushEvents();
    return new Promise((res) => {
      this.pendingDecision = res;
      this.send({ type: 'apply/question', q });
    });
  }

  private queueEvent(e: EngineEvent): void {
    this.events.push({ e, at: Date.now() });
    this.flushTimer ??= setTimeout(() => this.flushEvents(), this.o.flushMs ?? 40);
  }

  private flushEvents(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.events.length === 0) return;
    const events = this.events;
    this.events = [];
    this.send({ type: 'apply/events', events });
  }

  /** Puts back the recorded before-value of failed steps (when the failure left a change), in one rollback run. */
  private async undoSteps(runId: string, ids: string[]): Promise<void> {
    try {
      const run = this.store.run(runId);
      if (!run) throw new Error(`no run ${runId}`);
      const results = new Map([...run.results].filter(([id]) => ids.includes(id)).map(([id, r]) => [id, { ...r, status: 'applied' as const }]));
      const only: RunInfo = { ...run, results };
      const undo = rollbackPlan(only);
      if (undo.steps.length === 0) {
        this.send({ type: 'failure/undone', note: 'Nothing to restore: the failed step changed nothing.' });
        return;
      }
      const summary = await applyPlan(undo, {
        zmprov: this.zmprov,
        exec: this.o.exec,
        store: this.store,
        version: VERSION,
        kind: 'rollback',
        of: runId,
        replan: (o) => rollbackReplan(only, undo, o, false),
        reloadAfterFailure: true,
      });
      const c = summary.counts;
      const note =
        summary.status !== 'completed'
          ? `Restoring failed: ${summary.failures.map((f) => f.error).join('; ')}`
          : c.applied
            ? `Restored the recorded value (${countsText(c)}; run ${summary.runId}).`
            : 'Nothing to restore: the values are as they were before the step.';
      this.send({ type: 'failure/undone', note });
    } catch (err) {
      this.send({ type: 'failure/undone', note: `Could not restore: ${(err as Error).message}` });
    }
  }
}

/** Every wizard answer has a flag: answers given on the command line fill the form in advance. */
export function fieldsFromFlags(f: Fields, flags: Flags, io: CliIO): Fields {
  const out = { ...f };
  const role = flags.role;
  if (flags.domain?.length) out.domain = flags.domain.join(' ');
  if (role === 'primary' || role === 'secondary') out.role = role;
  if (flags['peer-kind'] && (PEER_KINDS as readonly string[]).includes(flags['peer-kind'])) out.peerKind = flags['peer-kind'] as PeerKind;
  if (flags['zimbra-host']?.length) out.zimbraHost = flags['zimbra-host'].join(' ');
  if (flags['mailbox-host']) out.mailboxHost = flags['mailbox-host'];
  if (flags['zimbra-version']) out.zimbraVersion = flags['zimbra-version'];
  if (flags['peer-host']) out.peerHost = flags['peer-host'];
  if (flags['peer-port']) out.peerPort = flags['peer-port'];
  if (flags['peer-ip']?.length) out.peerIp = flags['peer-ip'].join(' ');
  if (flags['allow-wide-network']) out.allowWideNetwork = true;
  Object.assign(out, sourcesFromFlags(flags, io.cwd));
  if (flags['peer-accounts']) {
    try {
      out.peerAccounts = readFileSync(resolve(io.cwd, flags['peer-accounts']), 'utf8');
    } catch {
      // The Accounts screen reads files too, and says what went wrong there.
    }
  }
  return out;
}

/** Messages written for the flags, said in the wizard's own words (the fields and screens). */
function wizardWords(text: string): string {
  return text
    .replace(/No --peer-ip:/, 'No peer relay IPs (Hosts):')
    .replace(/List them with --peer-accounts\./, 'List them on the Accounts screen.')
    .replace(/--peer-accounts/g, 'the Accounts screen')
    .replace(/--allow-wide-network/g, '"Allow wide networks" (Hosts)')
    .replace(/Move them first \(zsplit cutover\) or pass --force\./, 'Move them first (Cut over users), or choose "Unsplit anyway".');
}

function joinLists(a: string, b: string): string {
  const x = a.replace(/\s+$/, '');
  const y = b.replace(/\s+$/, '');
  return x && y ? `${x}\n${y}` : x || y;
}

/** Per undo step of a run's rollback: the value the run left and the recorded value it puts back. */
function restoreValues(run: RunInfo): Record<string, RestoreValues> {
  const out: Record<string, RestoreValues> = {};
  for (const { step, before, after } of appliedSteps(run)) out[`undo:${step.id}`] = { now: after === undefined ? (step.desired ?? '(as the run left it)') : showValues(after), restores: showValues(before) };
  return out;
}
