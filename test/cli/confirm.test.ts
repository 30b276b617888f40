// Approving changes: --step shows a whole batch before asking; on a real Zimbra an interactive
// "apply all" needs the domain name typed first; --yes and rehearsal ask nothing.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { confirmationMatches, typedConfirmation } from '../../src/plan/confirm.js';
import { primaryAnswers, simWorld } from '../helpers/sim.js';

describe('typedConfirmation', () => {
  const base = { domains: ['Example.com', 'example.org'], rehearsal: false, unattended: false, what: 'apply' as const };
  it('asks for the domain on a real Zimbra only, never with --yes or in rehearsal', () => {
    expect(typedConfirmation(base)).toMatchObject({ expected: 'example.com', prompt: expect.stringContaining('type the domain name (example.com)') });
    expect(typedConfirmation({ ...base, rehearsal: true })).toBeUndefined();
    expect(typedConfirmation({ ...base, unattended: true })).toBeUndefined();
  });
  it('accepts the domain whatever its case, blanks or final dot; nothing else', () => {
    const t = typedConfirmation(base)!;
    expect(confirmationMatches(t, ' EXAMPLE.com. ')).toBe(true);
    for (const x of ['', 'y', 'yes', 'example', 'example.org', undefined]) expect(confirmationMatches(t, x)).toBe(false);
  });
});

describe('headless --step on a real target (the simulator behind --zmprov, not --rehearsal)', () => {
  it('shows every command of a batch before asking', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\nu02@example.com\n');
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'q\n' });
    const firstQuestion = r.err.slice(0, r.err.indexOf('[y]es'));
    for (const cmd of ["zmprov ca u01@example.com '' zimbraAccountStatus locked", 'zmprov ma u01@example.com zimbraMailTransport', "zmprov ca u02@example.com ''", 'zmprov ma u02@example.com zimbraMailTransport'])
      expect(firstQuestion).toContain(cmd);
  });

  it('"all remaining" asks for the domain name; a wrong one applies nothing and asks again', () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const accounts = w.file('peer.txt', 'u01@example.com\n');
    const no = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'a\nyes\nq\n' });
    expect(no.err).toContain('type the domain name (example.com)');
    expect(no.err).toContain('Not confirmed');
    expect(no.out).toMatch(/STOPPED: 0 applied/);
    expect(w.state()).toBe(before);
    const yes = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--step'], { input: 'a\nexample.com\n' });
    expect(yes.code, yes.err + yes.out).toBe(0);
    expect(yes.out).toMatch(/COMPLETED: 4 applied/);
  });

  it('--rehearsal: "all remaining" asks nothing more', () => {
    const w = simWorld();
    const accounts = w.file('peer.txt', 'u01@example.com\n');
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(accounts), '--rehearsal', '--step'], { input: 'a\n' });
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.err).not.toContain('type the domain name');
  });
});

async function onTerminal(argv: string[], typed: string, env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: true, env: { ...process.env, ...env }, cwd: process.cwd(), input: Readable.from([typed]) };
  const code = await run(argv, io);
  return { code, out, err };
}

describe('apply on a terminal without --yes or --step (a real target)', () => {
  it('shows the plan and applies only after the domain name is typed', async () => {
    const w = simWorld();
    expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0);
    const before = w.state();
    const accounts = w.file('peer.txt', 'u01@example.com\n');
    const argv = ['apply', 'setup', ...primaryAnswers(accounts), ...w.flags];
    const no = await onTerminal(argv, 'y\n', w.env);
    expect(no.code).toBe(2);
    expect(no.out).toContain('Placeholder for u01@example.com');
    expect(no.err).toMatch(/type the domain name \(example.com\)[\s\S]*not confirmed: nothing was applied/);
    expect(w.state()).toBe(before);
    const yes = await onTerminal(argv, 'example.com\n', w.env);
    expect(yes.code, yes.err + yes.out).toBe(0);
    expect(yes.out).toMatch(/COMPLETED: 4 applied/);
  });
});
