// What the one-file build loads when: the libraries only some commands need (LAZY_LIBS in
// scripts/build-options.mjs: saved answers, running commands, LDAP) and Node's TLS stay out of
// `--version` and of the wizard's first frame, and a static import of a lazy library is refused at
// build time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOneFile, LAZY_LIBS } from '../../scripts/build-options.mjs';
import { ROOT } from '../helpers/sim.js';
import { openWizard } from '../e2e/terminal.js';
import type { Wizard } from '../e2e/terminal.js';

const PRELOAD = join(ROOT, 'test/build/load-log.mjs');

/** The cache files (program-*, lib-*) a log names, in order, with "frame" where the first frame was drawn. */
function loads(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .map((l) => (l === 'frame' ? l : (/\/((?:program|lib)-[^/]*\.mjs)$/.exec(l)?.[1] ?? '')))
    .filter(Boolean);
}

const open: Wizard[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.kill();
});

describe('lazily loaded libraries', () => {
  it('--version loads no program at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-lazy-'));
    const log = join(dir, 'loads.log');
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'bin/zsplit.js'), '--version'], { env: { ...process.env, HOME: dir, XDG_CACHE_HOME: '', ZSPLIT_TEST_LOAD_LOG: log }, encoding: 'utf8' });
    expect(r.stdout).toMatch(/^zsplit \d/);
    expect(readFileSync(log, 'utf8')).toContain('/dist/zsplit.mjs');
    expect(loads(log)).toEqual([]);
  });

  it("the wizard's first frame loads the program only; its saved answers (conf) load after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-lazy-'));
    const log = join(dir, 'loads.log');
    writeFileSync(log, '');
    const w = openWizard({ dir, env: { NODE_OPTIONS: `--import ${PRELOAD}`, ZSPLIT_TEST_LOAD_LOG: log, ZSPLIT_TEST_FRAME_MARK: 'REHEARSAL on the simulated Zimbra' } });
    open.push(w);
    // the start menu: Zimbra detected, the journal and the saved answers read
    await w.waitFor((s) => s.includes('REHEARSAL on the simulated Zimbra') && !s.includes('Looking for Zimbra'));
    const seen = loads(log);
    const frame = seen.indexOf('frame');
    expect(frame, `no first frame in ${seen.join(' ')}`).toBeGreaterThan(0);
    expect(seen.slice(0, frame)).toEqual([expect.stringMatching(/^program-/)]);
    expect(seen.slice(frame + 1)).toContainEqual(expect.stringMatching(/^lib-conf-/));
    expect(seen.slice(frame + 1).filter((n) => /^lib-(execa|ldapts)-/.test(n))).toEqual([]);
    // nor Node's TLS and crypto modules (only verify's STARTTLS probe needs them)
    const raw = readFileSync(log, 'utf8');
    const before = raw.slice(0, raw.indexOf('frame\n'));
    expect(before).toMatch(/load node:[a-z]+\n/); // Node's modules are logged too
    expect(before).not.toMatch(/load node:(tls|crypto)\n/);
  });

  it('buildOneFile: a program and its lazy library, into a folder not there yet, run from the one file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-lazy-'));
    writeFileSync(join(dir, 'entry.ts'), "const { default: Conf } = await import('conf');\nprocess.stdout.write(`conf is a ${typeof Conf}\\n`);\n");
    const outfile = join(dir, 'new/dist/tool.mjs');
    const built = await buildOneFile({ entry: join(dir, 'entry.ts'), outfile, lazy: ['conf'], extra: { logLevel: 'silent', nodePaths: [join(ROOT, 'node_modules')] } });
    expect(built.files.map((f) => f.name)).toEqual([expect.stringMatching(/^program-/), expect.stringMatching(/^lib-conf-/)]);
    const r = spawnSync(process.execPath, [outfile], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('conf is a function\n');
  });

  it('a static import of a lazy library fails the build, naming it', async () => {
    expect(LAZY_LIBS).toContain('conf');
    const dir = mkdtempSync(join(tmpdir(), 'zsplit-lazy-'));
    writeFileSync(join(dir, 'entry.ts'), "import Conf from 'conf';\nconsole.log(Conf);\n");
    await expect(buildOneFile({ entry: join(dir, 'entry.ts'), outfile: join(dir, 'out.mjs'), lazy: ['conf'], extra: { logLevel: 'silent', nodePaths: [join(ROOT, 'node_modules')] } })).rejects.toThrow(/"conf" is loaded lazily in the one-file build: import it with import\(\)/);
  });
});
