/**
 * zmprov over an executor: single commands, `-f` batches with a result per line, probes, and a
 * session (one `zmprov -l` kept open for a whole run, fed one line at a time on stdin) when the
 * executor can hold one open.
 */
import type { ProbeRequest } from '../plan/index.js';
import type { ConfirmGroup } from '../plan/readback.js';
import type { Observed } from '../plan/observed.js';
import { entryKey, probeArgv } from '../zimbra/commands.js';
import type { Attrs, BatchLineResult, BatchResult, ParsedEntry } from '../zimbra/parse.js';
import { EntryStream, NOT_FOUND_CODES, parseBatchOutput, parseEntries, parseError } from '../zimbra/parse.js';
import { parseDistributionLists } from '../inventory/zimbra.js';
import { zmprovLine } from '../zimbra/quote.js';
import type { Executor, RunOptions, RunResult, Session } from './types.js';
import { FILE_ARG, SessionEnded } from './types.js';

export class ZmprovError extends Error {
  constructor(message: string, public readonly result: RunResult) {
    super(message);
  }
}

export interface ZmprovStats {
  /** zmprov processes started: each one is a JVM start on a real server. */
  starts: number;
  /** Lines answered by a session. */
  sessionLines: number;
}

export interface ZmprovOptions {
  /** A session line with no answer after this long is a hang: the process is killed. Default 5 min. */
  lineTimeoutMs?: number;
  /** The same for a `gaa -v` listing (100,000 accounts take a while). Default 30 min. */
  listTimeoutMs?: number;
  /**
   * From this many accounts of one domain on, a probe of a domain of unknown size reads them with
   * one `gaa -v -e DOMAIN` listing instead of one `ga -e` line each. Default 1,000.
   */
  gaaThreshold?: number;
  /** Session lines written ahead of their answers (1: strictly one line, one answer). Default 32. */
  window?: number;
  /** The longest session answer kept (SessionOptions.maxAnswerChars); listings are streamed, never kept whole. */
  maxAnswerChars?: number;
}

export const PROMPT = 'prov> ';
export const GAA_THRESHOLD = 1000;
/**
 * What one targeted `ga -e NAME attrs` line costs, counted in accounts of a `gaa -v -e` listing:
 * a line is a round trip and an LDAP lookup (about 2 ms), a listed account its share of one
 * search plus its printed lines (about 0.4 ms with ~18 lines; see ZmprovIO.listAccountUs).
 */
const LISTED_PER_LINE = 5;

/** Commands that ask "Continue? [Y]es, [N]o" under -l and would swallow the next line of a session (zimbra.md §2.1). */
const CONFIRMING = new Set(['da', 'deleteaccount', 'ra', 'renameaccount']);

export class Zmprov {
  readonly stats: ZmprovStats = { starts: 0, sessionLines: 0 };
  private session: Session | undefined;
  private opening: Promise<boolean> | undefined;
  private ending: Promise<{ exitCode: number; output: string }> | undefined;
  /** Told when the prestarted tool is launched. */
  private onLaunched: (() => void) | undefined;
  /** A prestart() no begin() has claimed yet. */
  private unclaimed: Promise<boolean> | undefined;
  /** Kills the session while its JVM is still starting (see discard). */
  private abortStart: AbortController | undefined;
  private pid: number | undefined;
  private sessionError: string | undefined;
  private readonly lineTimeoutMs: number;
  private readonly listTimeoutMs: number;
  private readonly gaaThreshold: number;
  private readonly maxAnswerChars: number | undefined;
  private readonly window: number;
  /** The session runs in LDAP mode (`zmprov -l`); false: SOAP mode (see prestart). */
  private ldapSession = true;
  /** Accounts per domain, from a listing earlier in this run: lets the next read choose by cost. */
  private readonly domainSizes = new Map<string, number>();
  /** Accounts read so far: one per `ga` line, every account of the domain per listing. */
  readonly reads = { targeted: 0, listed: 0, searched: 0 };

  constructor(
    readonly exec: Executor,
    opts: ZmprovOptions = {},
  ) {
    this.lineTimeoutMs = opts.lineTimeoutMs ?? 300_000;
    this.listTimeoutMs = opts.listTimeoutMs ?? 1_800_000;
    this.gaaThreshold = opts.gaaThreshold ?? GAA_THRESHOLD;
    this.window = Math.max(1, opts.window ?? 32);
    this.maxAnswerChars = opts.maxAnswerChars;
  }

  /** A session is open and alive: batches and probes go through it (listings too in LDAP mode). */
  get inSession(): boolean {
    return this.session !== undefined && !this.session.ended;
  }

  /**
   * Changes go through an open `zmprov -l` session: straight to LDAP, so mailboxd's caches are not
   * told (a SOAP-mode session changes through mailboxd, which updates them itself).
   */
  get inLdapSession(): boolean {
    return this.inSession && this.ldapSession;
  }

  /** Why the last session ended early (a hang, a crash), if it did. */
  get sessionFailure(): string | undefined {
    return this.sessionError;
  }

  /**
   * Starts the session now, for a later begin(): the JVM starts while the caller plans. That
   * begin() gets this start's outcome, a failure included (not retried at once: a start that
   * timed out would cost its timeout twice). Resolves once the tool is launched (or failed to
   * start): a caller that awaits it before planning starts the JVM first, not after its plan (the
   * spawn waits for the tool-launching library, loaded asynchronously).
   */
  prestart(opts: { soap?: boolean } = {}): Promise<void> {
    if (this.inSession || this.opening) return Promise.resolve();
    const launched = new Promise<void>((resolve) => {
      this.onLaunched = resolve;
      this.unclaimed = this.begin(opts);
      void this.unclaimed.finally(resolve);
    });
    return launched.finally(() => (this.onLaunched = undefined));
  }

  /**
   * Opens one `zmprov -l` held open on stdin for what follows, when the executor can (false
   * otherwise, and when it fails to start: the `-f` batches are the fallback). Idempotent.
   */
  begin(opts: { startTimeoutMs?: number; soap?: boolean } = {}): Promise<boolean> {
    const early = this.unclaimed;
    this.unclaimed = undefined;
    if (early) return early;
    if (this.inSession) return Promise.resolve(true);
    if (this.opening) return this.opening;
    if (!this.exec.openSession) return Promise.resolve(false);
    this.stats.starts++;
    this.abortStart = new AbortController();
    this.ldapSession = !opts.soap;
    const open = this.exec.openSession('zmprov', this.ldapSession ? ['-l'] : [], { prompt: PROMPT, startTimeoutMs: opts.startTimeoutMs ?? 60_000, onSpawn: (pid) => (this.pid = pid), onLaunch: () => this.onLaunched?.(), signal: this.abortStart.signal, maxAnswerChars: this.maxAnswerChars });
    this.opening = open.then(
      (s) => {
        this.session = s;
        this.sessionError = undefined;
        return true;
      },
      (e: unknown) => {
        this.sessionError = e instanceof SessionEnded ? `${e.message}${e.output.trim() ? `: ${e.output.trim().split('\n').slice(-3).join(' / ')}` : ''}` : (e as Error).message;
        this.session = undefined;
        return false;
      },
    );
    void this.opening.finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** The session's process id (journaled: a resumed run waits for it). */
  get sessionPid(): number | undefined {
    return this.inSession ? this.pid : undefined;
  }

  /**
   * Ends a session started early that nothing was sent through (the run stopped before applying:
   * a refused plan, a held lock): one still starting is killed, not waited for.
   */
  async discard(): Promise<void> {
    if (this.opening) this.abortStart?.abort();
    this.unclaimed = undefined;
    await this.end();
    this.sessionError = undefined;
  }

  /**
   * Ends the session with `exit` (its exit code tells whether any line raised a ServiceException).
   * A call while it is ending waits for the same end.
   */
  async end(): Promise<{ exitCode: number; output: string } | undefined> {
    if (this.opening) await this.opening;
    if (this.ending) return this.ending;
    const s = this.session;
    this.session = undefined;
    if (!s) return undefined;
    this.ending = (s.ended ? s.close() : s.close({ lastLine: 'exit', timeoutMs: 60_000 })).finally(() => (this.ending = undefined));
    return this.ending;
  }

  async single(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.stats.starts++;
    return this.exec.run('zmprov', args, opts);
  }

  /** The line zmprov will run for `argv`, refused when it cannot safely go through a session. */
  private sessionText(argv: string[]): string {
    const text = zmprovLine(argv);
    if (text === '' || text.startsWith('#') || text.endsWith('\\')) throw new Error(`refusing to send a line zmprov would not run as one command: ${JSON.stringify(text)}`);
    if (CONFIRMING.has(argv[0]?.toLowerCase() ?? '')) throw new Error(`refusing to send ${argv[0]} through a zmprov -l session: it asks for confirmation on stdin (use a -f batch)`);
    return text;
  }

  /** Sends a line; never rejects (so lines written ahead cannot leave an unhandled rejection). */
  private sendText(text: string, timeoutMs: number, onText?: (t: string) => void): Promise<{ output: string } | { ended: SessionEnded }> {
    const s = this.session;
    if (!s || s.ended) return Promise.resolve({ ended: new SessionEnded('no zmprov session', '', undefined, false, true) });
    return s.send(text, { timeoutMs, onText }).then(
      (a) => ({ output: a.output }),
      (e: unknown) => {
        if (e instanceof SessionEnded) return { ended: e };
        return { ended: new SessionEnded((e as Error).message, '', undefined, false, false) };
      },
    );
  }

  /**
   * A line's result, parsed like a line of a `-v -f` batch. A session that ends on the line
   * (crash, abort) or hangs (killed after the timeout) makes it an error and the lines behind it
   * not-run; every later call falls back to `-f` batches.
   */
  private sessionResult(text: string, outcome: { output: string } | { ended: SessionEnded }): BatchLineResult {
    if ('output' in outcome) {
      this.stats.sessionLines++;
      return oneLine(text, outcome.output);
    }
    const e = outcome.ended;
    if (this.session) {
      // Dead or killed: whatever follows goes through -f batches.
      this.sessionError = e.message;
      this.session.kill();
      this.session = undefined;
    }
    if (e.notRun) return { index: 0, line: text, status: 'not-run', output: '' };
    const r = oneLine(text, e.output);
    if (r.status === 'error' || r.status === 'usage') return r;
    const code = e.timedOut ? 'zsplit.TIMEOUT' : e.tooLong ? 'zsplit.TOO_LONG' : 'zmprov.EXITED';
    return { ...r, status: 'error', error: { code, message: e.message, text: `ERROR: ${code} (${e.message})` } };
  }

  private async sessionLine(argv: string[], timeoutMs = this.lineTimeoutMs): Promise<BatchLineResult> {
    const text = this.sessionText(argv);
    return this.sessionResult(text, await this.sendText(text, timeoutMs));
  }

  /**
   * A listing through the session, its entries parsed as they arrive (EntryStream): a domain of
   * 300,000 accounts is never one string. The line's status is judged from what is not an entry
   * (an error, a usage text); its output is empty.
   */
  private async sessionListing(argv: string[]): Promise<{ line: BatchLineResult; entries: ParsedEntry[] }> {
    const text = this.sessionText(argv);
    const stream = new EntryStream();
    const outcome = await this.sendText(text, this.listTimeoutMs, (t) => stream.push(t));
    const entries = stream.end();
    if (!('output' in outcome)) return { line: this.sessionResult(text, outcome), entries: [] };
    const judged = this.sessionResult(text, { output: stream.other });
    return { line: judged.status === 'ok' ? { ...judged, output: '' } : judged, entries: judged.status === 'ok' ? entries : [] };
  }

  /**
   * Every line with a result per line: through the session when one is open, else one
   * `zmprov -v -f FILE` ending with `exit` so the exit code reports errors, each line's result
   * read from its block of the interleaved output.
   */
  async batch(lines: string[][], opts: RunOptions & { ldap?: boolean; shouldStop?: () => boolean } = {}): Promise<BatchResult & { raw: RunResult; stopped?: boolean }> {
    if (this.inSession) return this.sessionBatch(lines, opts.shouldStop);
    const text = lines.map(zmprovLine);
    this.stats.starts++;
    const raw = await this.exec.runWithFile('zmprov', [...(opts.ldap ? ['-l'] : []), '-v', '-f', FILE_ARG], [...text, 'exit', ''].join('\n'), { ...opts, merge: true });
    return { ...parseBatchOutput(raw.combined, text, raw.exitCode), raw };
  }

  /**
   * The lines through the session, up to `window` of them written ahead of their answers (the
   * round trip per line is not paid; zmprov still reads and answers them one by one, in order).
   * The window is topped up once half of it is answered: a few large writes, not one per line.
   */
  private async sessionBatch(lines: string[][], shouldStop?: () => boolean): Promise<BatchResult & { raw: RunResult; stopped?: boolean }> {
    const started = performance.now();
    const texts = lines.map((l) => this.sessionText(l)); // refuse before anything is sent
    const inflight: (Promise<{ output: string } | { ended: SessionEnded }> | undefined)[] = [];
    const results: BatchLineResult[] = [];
    let combined = '';
    let next = 0;
    let stopped = false;
    for (let i = 0; i < lines.length; i++) {
      // A stop (a signal, Ctrl+C) sends no further line; the lines already written finish.
      if (!stopped && shouldStop?.()) stopped = true;
      if (!stopped && next - i <= this.window >> 1) while (next < lines.length && next - i < this.window && this.inSession) inflight[next] = this.sendText(texts[next], this.lineTimeoutMs), next++;
      const sent = inflight[i];
      const r: BatchLineResult = sent ? this.sessionResult(texts[i], await sent) : { index: i, line: texts[i], status: 'not-run', output: '' };
      results.push({ ...r, index: i });
      if (r.status !== 'not-run') combined += `${PROMPT}${r.line}\n${r.error ? `${r.error.text}\n` : ''}${r.output ? `${r.output}\n` : ''}`;
    }
    const failed = results.some((r) => r.status === 'error');
    const exitCode = this.inSession ? (failed ? 2 : 0) : 1;
    const trailer = this.inSession ? '' : (this.sessionError ?? '');
    return { exitCode, lines: results, trailer, stopped, raw: { exitCode, stdout: combined, stderr: '', combined, durationMs: performance.now() - started } };
  }

  /**
   * Reads every requested attribute in one batch (or one session pass). Missing entries come back
   * as null. `listCandidates`: addresses that may be distribution lists (`ga` finds none): read
   * in the same `-f` batch, or, in a session, after it and only those no account answers to.
   * `listed`: every account of these domains, just listed by the caller (listAccounts): their
   * accounts are answered from it, not read again.
   */
  async probe(requests: ProbeRequest[], opts: RunOptions & { listCandidates?: string[]; listed?: { domains: string[]; accounts: { name: string; attrs: Attrs }[] } } = {}): Promise<Observed> {
    const { listCandidates = [], listed, ...runOpts } = opts;
    const entries: Observed['entries'] = {};
    if (requests.length === 0 && listCandidates.length === 0) return { entries };
    let rest = listed ? fromListing(requests, listed, entries) : requests;
    if (this.inLdapSession) rest = await this.probeByListing(rest, entries);
    // Without a session every batch is a JVM start: the list lines ride in the probe's own.
    const inline = !this.inSession && listCandidates.length > 0 ? this.listReadLines(listCandidates) : [];
    for (const r of rest) if (r.entry.kind === 'account') this.reads.targeted++;
    const lists = new ListsFound(listCandidates);
    if (rest.length + inline.length > 0) {
      const res = await this.batch([...rest.map((r) => probeArgv(r.entry, r.attrs)), ...inline], runOpts);
      res.lines.forEach((line, i) => {
        if (i >= rest.length) return lists.read(line, res);
        const req = rest[i];
        if (line.status === 'error' && line.error && NOT_FOUND_CODES.has(line.error.code)) entries[entryKey(req.entry)] = null;
        else if (line.status !== 'ok') throw new ZmprovError(`probe failed: ${line.line}: ${line.error?.text ?? line.status}${res.trailer ? `\n${res.trailer}` : ''}`, res.raw);
        else entries[entryKey(req.entry)] = onlyAttrs(parseEntries(line.output)[0]?.attrs ?? {}, req.attrs);
      });
    }
    if (listCandidates.length > 0 && inline.length === 0) {
      // An address an account answers to is not a list (one namespace): ask about the others only.
      const absent = listCandidates.filter((a) => entries[entryKey({ kind: 'account', name: a })] == null);
      if (absent.length > 0) {
        const res = await this.batch(this.listReadLines(absent));
        for (const line of res.lines) lists.read(line, res);
      }
    }
    return lists.found.length > 0 ? { entries, lists: lists.found } : { entries };
  }

  /**
   * The lines that tell which of `addresses` are distribution lists: per domain one `gdl ADDRESS`
   * each, or from gaaThreshold addresses on one `gadl -v DOMAIN` (lists are few; a setup that
   * large is filling the domain).
   */
  private listReadLines(addresses: string[]): string[][] {
    const byDomain = new Map<string, string[]>();
    for (const a of new Set(addresses.map((x) => x.toLowerCase()))) {
      const d = a.slice(a.lastIndexOf('@') + 1);
      const list = byDomain.get(d);
      if (list) list.push(a);
      else byDomain.set(d, [a]);
    }
    const lines: string[][] = [];
    for (const [domain, addrs] of byDomain) {
      if (addrs.length >= this.gaaThreshold) lines.push(['gadl', '-v', domain]);
      else for (const a of addrs) lines.push(['gdl', a, 'zimbraMailAlias', 'zimbraMailStatus']);
    }
    return lines;
  }

  /**
   * Accounts of a domain probed in numbers: one `gaa -v -e DOMAIN` line (LDAP mode, so only in a
   * session) instead of one `ga -e` line each. An account is found by its primary name or by one
   * of its addresses (zimbraMailAlias, mail), as `ga` resolves an alias; an address the listing
   * does not hold is treated as absent. (An alias pointing at an account of ANOTHER domain is
   * missed that way; creating that address then fails with account.ACCOUNT_EXISTS, reported.)
   * Returns the requests left for single lines.
   */
  private async probeByListing(requests: ProbeRequest[], entries: Observed['entries']): Promise<ProbeRequest[]> {
    const byDomain = new Map<string, ProbeRequest[]>();
    for (const r of requests) {
      if (r.entry.kind !== 'account' || !r.entry.name.includes('@')) continue;
      const d = r.entry.name.slice(r.entry.name.lastIndexOf('@') + 1).toLowerCase();
      const list = byDomain.get(d);
      if (list) list.push(r);
      else byDomain.set(d, [r]);
    }
    const listed = new Set<ProbeRequest>();
    for (const [domain, reqs] of byDomain) {
      if (!this.listingPays(domain, reqs.length)) continue;
      const { line, entries: list } = await this.sessionListing(['gaa', '-v', '-e', domain]);
      if (line.status === 'error' && line.error?.code === 'account.NO_SUCH_DOMAIN') {
        for (const r of reqs) entries[entryKey(r.entry)] = null;
      } else if (line.status !== 'ok') {
        throw new ZmprovError(`probe failed: ${line.line}: ${line.error?.text ?? line.status}${this.sessionError ? `\n${this.sessionError}` : ''}`, asRun(line));
      } else {
        this.domainSizes.set(domain, list.length);
        this.reads.listed += list.length;
        answerFromListing(accountIndex(list), reqs, entries);
      }
      for (const r of reqs) listed.add(r);
    }
    return requests.filter((r) => !listed.has(r));
  }

  /**
   * One listing of the domain rather than `k` targeted lines: when its size is known (listed
   * earlier in this run; the k accounts may have been created since), by cost; when it is not,
   * from gaaThreshold accounts on (a change that large is a setup filling the domain).
   */
  private listingPays(domain: string, k: number): boolean {
    const known = this.domainSizes.get(domain);
    if (known === undefined) return k >= this.gaaThreshold;
    return k * LISTED_PER_LINE >= known + k;
  }

  /**
   * Read-back by search (src/plan/readback.ts): one `sa FILTER types accounts domain D` line per
   * group, where a listing of the domain would otherwise be read (LDAP session, enough accounts).
   * A search returns at most the domain's accounts, by name only, so it never costs more than that
   * listing. Returns the accounts confirmed to hold their values; the rest (not named, or a search
   * that failed) are left to the read-back by probe.
   */
  async confirm(groups: ConfirmGroup[]): Promise<Observed['entries']> {
    const entries: Observed['entries'] = {};
    for (const g of groups) {
      if (!this.inLdapSession || !this.listingPays(g.domain, g.accounts.size)) continue;
      const line = await this.sessionLine(['sa', g.filter, 'types', 'accounts', 'domain', g.domain], this.listTimeoutMs);
      if (line.status !== 'ok') continue;
      for (const raw of line.output.split('\n')) {
        const name = raw.trim().toLowerCase();
        const values = name ? g.accounts.get(name) : undefined;
        if (!values) continue;
        this.reads.searched++;
        entries[entryKey({ kind: 'account', name })] = values;
      }
    }
    return entries;
  }

  /**
   * `zmprov -l gaa -v -e DOMAIN`: every account with the values stored on it, one JVM (or one
   * session line). Without -e zmprov adds every default COS value (about 20 KB per account: 2 GB
   * for 100,000 accounts), and nothing zsplit reads from an account is inherited from the COS.
   */
  async listAccounts(domain: string): Promise<{ name: string; attrs: Attrs }[]> {
    if (this.inLdapSession) {
      const { line, entries: list } = await this.sessionListing(['gaa', '-v', '-e', domain]);
      if (line.status !== 'ok') throw new ZmprovError(`zmprov -l gaa -v -e ${domain} failed: ${line.error?.text ?? line.output.trim()}`, asRun(line));
      this.domainSizes.set(domain.toLowerCase(), list.length);
      this.reads.listed += list.length;
      return list.map((e) => ({ name: e.name.toLowerCase(), attrs: e.attrs }));
    }
    const r = await this.single(['-l', 'gaa', '-v', '-e', domain]);
    if (r.exitCode !== 0) throw new ZmprovError(`zmprov -l gaa -v -e ${domain} failed: ${parseError(r.stderr)?.text ?? r.stderr.trim() ?? r.stdout.trim()}`, r);
    return parseEntries(r.stdout).map((e) => ({ name: e.name.toLowerCase(), attrs: e.attrs }));
  }

  /**
   * Every account of `domains`, through the open session, or through one opened for it and ended
   * after (a run that deletes probes through -f batches): each listing parsed as it arrives.
   */
  async listDomains(domains: string[]): Promise<{ name: string; attrs: Attrs }[]> {
    const opened = !this.inSession && (await this.begin());
    try {
      return (await Promise.all(domains.map((d) => this.listAccounts(d)))).flat();
    } finally {
      if (opened) await this.end();
    }
  }

  /** `zmprov gadl -v DOMAIN` and `zmprov gacr -v -e DOMAIN` (its own values, as listAccounts): the other recipients Zimbra hosts (a secondary's peer must know them). */
  async listListsAndResources(domain: string): Promise<{ lists: { name: string; attrs: Attrs }[]; resources: { name: string; attrs: Attrs }[] }> {
    const read = async (argv: string[]): Promise<string> => {
      if (this.inSession) {
        const line = await this.sessionLine(argv, this.listTimeoutMs);
        if (line.status !== 'ok') throw new ZmprovError(`zmprov ${argv.join(' ')} failed: ${line.error?.text ?? line.output.trim()}`, asRun(line));
        return line.output;
      }
      const r = await this.single(['-l', ...argv]);
      if (r.exitCode !== 0) throw new ZmprovError(`zmprov -l ${argv.join(' ')} failed: ${parseError(r.stderr)?.text ?? r.stderr.trim() ?? r.stdout.trim()}`, r);
      return r.stdout;
    };
    const lists = parseDistributionLists(await read(['gadl', '-v', domain]));
    const resources = parseEntries(await read(['gacr', '-v', '-e', domain])).map((e) => ({ name: e.name.toLowerCase(), attrs: e.attrs }));
    return { lists, resources };
  }

  /**
   * `zmprov fc -a account NAME...` in SOAP mode (its own process: fc cannot run under -l):
   * mailboxd forgets what it cached of accounts changed through LDAP (zimbra.md §1.3).
   */
  async flushAccountCache(names: string[]): Promise<{ ok: boolean; error?: string }> {
    if (names.length === 0) return { ok: true };
    const CHUNK = 500;
    const lines: string[][] = [];
    for (let i = 0; i < names.length; i += CHUNK) lines.push(['fc', '-a', 'account', ...names.slice(i, i + CHUNK)]);
    if (lines.length === 1) {
      const r = await this.single(lines[0], { merge: true });
      return r.exitCode === 0 ? { ok: true } : { ok: false, error: parseError(r.combined)?.text ?? (r.combined.trim() || `exit ${r.exitCode}`) };
    }
    const text = lines.map(zmprovLine);
    this.stats.starts++;
    const raw = await this.exec.runWithFile('zmprov', ['-v', '-f', FILE_ARG], [...text, 'exit', ''].join('\n'), { merge: true });
    const res = parseBatchOutput(raw.combined, text, raw.exitCode);
    const bad = res.lines.find((l) => l.status !== 'ok');
    return bad ? { ok: false, error: bad.error?.text ?? `${bad.status}: ${bad.line}` } : { ok: true };
  }
}

/** Output that holds none of what parseBatchOutput looks for: an error, a crash, usage, a prompt. */
const PLAIN = /ERROR: |error: |Exception in thread |usage: |can only be used with |Unknown command\. |prov> /;

/**
 * The result of one session line, parsed exactly like a line of a `-v -f` batch. Most answers
 * (nothing, a zimbraId, an entry) hold nothing to look for: they skip the general parser, which
 * cost more CPU per line than everything else a line does.
 */
export function oneLine(text: string, output: string): BatchLineResult {
  if (!PLAIN.test(output)) return { index: 0, line: text, status: 'ok', output: output.replace(/\n+$/, ''), error: undefined };
  return parseBatchOutput(`${PROMPT}${text}\n${output}`, [text], 0).lines[0];
}

/** The distribution lists `gdl`/`gadl -v` lines found among the addresses asked about (by name or alias). */
class ListsFound {
  private readonly asked: Set<string>;
  private readonly byName = new Map<string, { name: string; attrs: Attrs }>();
  constructor(addresses: string[]) {
    this.asked = new Set(addresses.map((a) => a.toLowerCase()));
  }
  get found(): { name: string; attrs: Attrs }[] {
    return [...this.byName.values()];
  }
  read(line: BatchLineResult, res: BatchResult & { raw: RunResult }): void {
    const code = line.error?.code;
    if (line.status === 'error' && (code === 'account.NO_SUCH_DISTRIBUTION_LIST' || code === 'account.NO_SUCH_DOMAIN')) return;
    if (line.status !== 'ok') throw new ZmprovError(`probe failed: ${line.line}: ${line.error?.text ?? line.status}${res.trailer ? `\n${res.trailer}` : ''}`, res.raw);
    for (const l of parseDistributionLists(line.output)) {
      const addrs = [l.name, ...Object.entries(l.attrs).flatMap(([k, v]) => (k.toLowerCase() === 'zimbramailalias' ? v : []))];
      if (addrs.some((x) => this.asked.has(x.toLowerCase()))) this.byName.set(l.name.toLowerCase(), l);
    }
  }
}

function asRun(line: BatchLineResult): RunResult {
  const combined = `${line.error ? `${line.error.text}\n` : ''}${line.output}`;
  return { exitCode: line.status === 'ok' ? 0 : 2, stdout: combined, stderr: '', combined, durationMs: 0 };
}

/** The account requests of the listed domains answered from the listing; the others returned. */
function fromListing(requests: ProbeRequest[], listed: { domains: string[]; accounts: { name: string; attrs: Attrs }[] }, entries: Observed['entries']): ProbeRequest[] {
  const domains = new Set(listed.domains.map((d) => d.toLowerCase()));
  const inListed = (r: ProbeRequest) => r.entry.kind === 'account' && domains.has(r.entry.name.slice(r.entry.name.lastIndexOf('@') + 1).toLowerCase());
  const answered = requests.filter(inListed);
  if (answered.length) answerFromListing(accountIndex(listed.accounts), answered, entries);
  return requests.filter((r) => !inListed(r));
}

/** Each request answered from a domain's listing: the attributes asked for, or null when it holds no such account (as `ga` finds none). */
function answerFromListing(index: Map<string, Attrs>, reqs: ProbeRequest[], entries: Observed['entries']): void {
  for (const r of reqs) {
    const found = index.get(r.entry.name.toLowerCase());
    entries[entryKey(r.entry)] = found ? onlyAttrs(found, r.attrs) : null;
  }
}

/** Accounts of a `gaa -v` listing by primary name and by every address they answer to. */
function accountIndex(list: { name: string; attrs: Attrs }[]): Map<string, Attrs> {
  const index = new Map<string, Attrs>();
  for (const e of list) {
    for (const k in e.attrs) {
      const attr = k.toLowerCase();
      if (attr === 'zimbramailalias' || attr === 'mail') for (const a of e.attrs[k]) if (!index.has(a.toLowerCase())) index.set(a.toLowerCase(), e.attrs);
    }
  }
  // Primary names win over any alias spelling.
  for (const e of list) index.set(e.name.toLowerCase(), e.attrs);
  return index;
}

function onlyAttrs(attrs: Attrs, wanted: string[]): Attrs {
  const out: Attrs = {};
  for (const w of wanted) {
    // zmprov prints the schema's spelling, usually the one asked for
    const k = Object.hasOwn(attrs, w) ? w : Object.keys(attrs).find((x) => x.toLowerCase() === w.toLowerCase());
    if (k) out[w] = attrs[k];
  }
  return out;
}
