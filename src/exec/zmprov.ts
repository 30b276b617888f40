/** zmprov over an executor: single commands, `-f` batches with a result per line, probes. */
import type { ProbeRequest } from '../plan/index.js';
import type { Observed } from '../plan/observed.js';
import { entryKey, probeArgv } from '../zimbra/commands.js';
import type { Attrs, BatchResult } from '../zimbra/parse.js';
import { NOT_FOUND_CODES, parseBatchOutput, parseEntries, parseError } from '../zimbra/parse.js';
import { zmprovLine } from '../zimbra/quote.js';
import type { Executor, RunOptions, RunResult } from './types.js';
import { FILE_ARG } from './types.js';

export class ZmprovError extends Error {
  constructor(message: string, public readonly result: RunResult) {
    super(message);
  }
}

export interface ZmprovStats {
  /** zmprov processes started: each one is a JVM start on a real server. */
  starts: number;
}

export class Zmprov {
  readonly stats: ZmprovStats = { starts: 0 };

  constructor(readonly exec: Executor) {}

  async single(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.stats.starts++;
    return this.exec.run('zmprov', args, opts);
  }

  /**
   * One `zmprov -v -f FILE` for all lines, ending with `exit` so the exit code reports
   * errors; each line's result is read from its block of the interleaved output.
   */
  async batch(lines: string[][], opts: RunOptions & { ldap?: boolean } = {}): Promise<BatchResult & { raw: RunResult }> {
    const text = lines.map(zmprovLine);
    this.stats.starts++;
    const raw = await this.exec.runWithFile('zmprov', [...(opts.ldap ? ['-l'] : []), '-v', '-f', FILE_ARG], [...text, 'exit', ''].join('\n'), { ...opts, merge: true });
    return { ...parseBatchOutput(raw.combined, text, raw.exitCode), raw };
  }

  /** Reads every requested attribute in one batch. Missing entries come back as null. */
  async probe(requests: ProbeRequest[], opts: RunOptions = {}): Promise<Observed> {
    const entries: Observed['entries'] = {};
    if (requests.length === 0) return { entries };
    const res = await this.batch(
      requests.map((r) => probeArgv(r.entry, r.attrs)),
      opts,
    );
    res.lines.forEach((line, i) => {
      const req = requests[i];
      if (line.status === 'error' && line.error && NOT_FOUND_CODES.has(line.error.code)) entries[entryKey(req.entry)] = null;
      else if (line.status !== 'ok') throw new ZmprovError(`probe failed: ${line.line}: ${line.error?.text ?? line.status}${res.trailer ? `\n${res.trailer}` : ''}`, res.raw);
      else entries[entryKey(req.entry)] = onlyAttrs(parseEntries(line.output)[0]?.attrs ?? {}, req.attrs);
    });
    return { entries };
  }

  /** `zmprov -l gaa -v DOMAIN`: every account with all its attributes, one JVM. */
  async listAccounts(domain: string): Promise<{ name: string; attrs: Attrs }[]> {
    const r = await this.single(['-l', 'gaa', '-v', domain]);
    if (r.exitCode !== 0) throw new ZmprovError(`zmprov -l gaa -v ${domain} failed: ${parseError(r.stderr)?.text ?? r.stderr.trim() ?? r.stdout.trim()}`, r);
    return parseEntries(r.stdout).map((e) => ({ name: e.name.toLowerCase(), attrs: e.attrs }));
  }
}

function onlyAttrs(attrs: Attrs, wanted: string[]): Attrs {
  const out: Attrs = {};
  for (const w of wanted) {
    const k = Object.keys(attrs).find((x) => x.toLowerCase() === w.toLowerCase());
    if (k) out[w] = attrs[k];
  }
  return out;
}
