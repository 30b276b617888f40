/**
 * The engine's parser of zmprov output (src/zimbra/parse.ts) against what the simulator prints,
 * with batches shaped exactly as src/exec/zmprov.ts writes them (zmprovLine, then `exit`).
 */
import { describe, expect, it } from 'vitest';
import { parseBatchOutput, parseEntries, parseError } from '../../src/zimbra/parse.js';
import { zmprovLine } from '../../src/zimbra/quote.js';
import { sim } from './helpers.js';

function engineBatch(argvs: string[][], opts: string[] = [], io = {}) {
  const s = sim();
  const text = argvs.map(zmprovLine);
  const r = s.batch([...text, 'exit', ''], [...opts, '-v'], io);
  return { s, r, parsed: parseBatchOutput(r.combined, text, r.exitCode) };
}

describe('parseBatchOutput reads the simulator', () => {
  it('gives each line its status, error and output', () => {
    const { parsed, r } = engineBatch([
      ['ma', 'bob@example.com', 'displayName', "O'Brien \\ & $HOME"],
      ['ma', 'nobody@example.com', 'displayName', 'x'],
      ['ga', '-e', 'bob@example.com', 'displayName'],
      ['ma', 'bob@example.com', 'zimbraMailTransport'],
      ['fc', 'account', 'bob@example.com'],
      ['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE'],
      ['md', 'example.com', 'zimbraMailCatchAllAddress', 'example.com'],
    ]);
    expect(r.exitCode).toBe(2);
    expect(parsed.lines.map((l) => l.status)).toEqual(['ok', 'error', 'ok', 'usage', 'ok', 'ok', 'error']);
    expect(parsed.lines[1].error).toMatchObject({ code: 'account.NO_SUCH_ACCOUNT', message: 'no such account: nobody@example.com' });
    expect(parseEntries(parsed.lines[2].output)[0]).toEqual({ name: 'bob@example.com', attrs: { displayName: ["O'Brien \\ & $HOME"] } });
    expect(parsed.lines[5].output).toBe('Warn: attribute zimbraMtaDnsLookupsEnabled has been deprecated since 8.7.0_BETA2');
    expect(parsed.lines[6].error?.code).toBe('account.INVALID_ATTR_VALUE');
    expect(parsed.trailer).toBe('');
  });

  it('marks the lines after a safeguard abort as not-run', () => {
    const { parsed, r } = engineBatch([
      ['ma', 'bob@example.com', 'displayName', 'B'],
      ['ms', 'zimbra.example.com', 'zimbraServiceEnabled', 'mta'],
      ['ma', 'alice@example.com', 'displayName', 'A'],
    ]);
    expect(r.exitCode).toBe(2);
    expect(parsed.lines.map((l) => l.status)).toEqual(['ok', 'error', 'not-run']);
    expect(parsed.lines[1].error?.text).toBe('error: cannot replace multi-valued attr value unless -r is specified');
  });

  it('puts an error that happens before the first prompt in the trailer', () => {
    const { parsed } = engineBatch([['ga', 'bob@example.com']], [], { soapDown: true });
    expect(parsed.lines[0].status).toBe('not-run');
    expect(parseError(parsed.trailer)?.code).toBe('zclient.IO_ERROR');
  });

  it('reads an injected failure on the right line', () => {
    const { parsed } = engineBatch(
      [
        ['ma', 'alice@example.com', 'displayName', 'A'],
        ['ma', 'bob@example.com', 'displayName', 'B'],
        ['ma', 'admin@example.com', 'displayName', 'C'],
      ],
      [],
      { inject: { match: 'bob@', code: 'service.INVALID_REQUEST (invalid request: injected)' } },
    );
    expect(parsed.lines.map((l) => l.status)).toEqual(['ok', 'error', 'ok']);
    expect(parsed.lines[1].error).toMatchObject({ code: 'service.INVALID_REQUEST', message: 'invalid request: injected' });
  });

  // Bugs the simulator found in src/zimbra/parse.ts, now fixed.
  it('a JVM crash during a line is not reported as ok', () => {
    const { parsed, r } = engineBatch([
      ['ma', 'bob@example.com', '', 'x'],
      ['ma', 'bob@example.com', 'displayName', 'Y'],
    ]);
    expect(r.exitCode).toBe(1);
    expect(parsed.lines[0].status).not.toBe('ok');
  });

  it('a Via violation (gaa without -l) is not reported as ok', () => {
    const { parsed } = engineBatch([['gaa', '-v']]);
    expect(parsed.lines[0].output).toBe('getAllAccounts can only be used with  "zmprov -l/--ldap"');
    expect(parsed.lines[0].status).not.toBe('ok');
  });

  it('a value containing "prov> " does not shift later results', () => {
    const { parsed } = engineBatch([
      ['ma', 'bob@example.com', 'displayName', 'prov> x'],
      ['ga', 'nobody@example.com'],
      ['ga', '-e', 'bob@example.com', 'uid'],
    ]);
    expect(parsed.lines.map((l) => l.status)).toEqual(['ok', 'error', 'ok']);
  });
});
