import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactArgv } from '../../src/journal/journal.js';
import { simWorld } from '../helpers/sim.js';

describe('secrets never reach the journal or the screen', () => {
  it('redacts passwords in zmprov argv', () => {
    expect(redactArgv(['ca', 'x@example.com', 'S3cret!', 'displayName', 'X'])).toEqual(['ca', 'x@example.com', '*****', 'displayName', 'X']);
    expect(redactArgv(['ca', 'x@example.com', ''])).toEqual(['ca', 'x@example.com', '']);
    expect(redactArgv(['-a', 'admin', '-p', 'pw', 'ga', 'x'])).toEqual(['-a', 'admin', '-p', '*****', 'ga', 'x']);
    expect(redactArgv(['sp', 'x@example.com', 'pw'])).toEqual(['sp', 'x@example.com', '*****']);
  });

  it('a plan file edited to carry a password is refused, and the password is in no journal, log or output', () => {
    const w = simWorld();
    const secret = 'Very-S3cret-Passw0rd';
    const plan = w.zsplit(['plan', 'setup', '--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-accounts', w.file('a.txt', 'pat@example.com\n'), '--format', 'json']);
    const json = JSON.parse(plan.out);
    const create = json.steps.find((s: { id: string }) => s.id === 'placeholder.create:pat@example.com');
    create.argv[2] = secret;
    const file = w.file('plan.json', JSON.stringify(json));
    const a = w.zsplit(['apply', '--plan', file, '--yes', '--json']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/commands differ from what its answers produce .*placeholder.create:pat@example.com/);
    expect(w.json().accounts['pat@example.com']).toBeUndefined();
    // the unedited plan applies; its journal names the step and holds no password field
    create.argv[2] = '';
    const b = w.zsplit(['apply', '--plan', w.file('plan2.json', JSON.stringify(json)), '--yes', '--json']);
    expect(b.code, b.err).toBe(0);
    const journals = readdirSync(join(w.stateDir, 'runs')).map((f) => readFileSync(join(w.stateDir, 'runs', f), 'utf8')).join('\n');
    expect(journals).toContain('placeholder.create:pat@example.com');
    for (const text of [journals, a.out, a.err, b.out, b.err, readFileSync(`${w.statePath}.log`, 'utf8')]) expect(text).not.toContain(secret);
    writeFileSync(file, ''); // the plan file is the operator's own
  });
});
