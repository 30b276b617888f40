import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, 'fixtures');
const PRIMARY = ['--role', 'primary', '--domain', 'example.com', '--zimbra-host', 'zimbra.example.com', '--peer-host', 'mail.example.com', '--peer-kind', 'postfix', '--peer-ip', '192.0.2.10'];
const SOURCES = ['postfix-virtual_mailbox', 'postfix-virtual', 'postfix-relay_recipients'].flatMap((f) => ['--peer-recipients', join(FIX, f)]);

describe('mail flow of every class (Zimbra primary, recipients read from the Postfix maps)', () => {
  it('a peer list traced from the internet reaches the peer, which expands it', async () => {
    const r = await cli(['trace', 'team@example.com', '--from', 'internet', ...PRIMARY, ...SOURCES]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('smtp:[mail.example.com]:25');
    expect(r.out).toContain('local distribution list');
    expect(r.out).toContain('the peer expands the list to its members');
    expect(r.out).toContain('from internet: DELIVERED on the peer');
  });

  it('an alias read from the alias map reaches its owner on the peer, from Zimbra too', async () => {
    const r = await cli(['trace', 'alice.smith@example.com', '--from', 'zimbra', ...PRIMARY, ...SOURCES]);
    expect(r.out).toContain('virtual_alias_maps alice.smith@example.com: alias -> alice@example.com');
    expect(r.out).toContain('delivered to the peer mailbox alice@example.com');
    expect(r.out).toContain('from zimbra: DELIVERED on the peer');
  });

  it('an unknown address is rejected once, by Zimbra (the authoritative side)', async () => {
    const r = await cli(['trace', 'nobody@example.com', '--from', 'internet', ...PRIMARY, ...SOURCES]);
    expect(r.out.match(/RCPT TO <nobody@example.com>: rejected/g)).toHaveLength(1);
    expect(r.out).toContain('REJECTED: Zimbra MTA zimbra.example.com rejects RCPT TO');
    expect(r.out).not.toContain('peer MTA');
  });

  it('the plan of the whole inventory passes the flow check (no loop, no lost address)', async () => {
    const r = await cli(['plan', 'setup', ...PRIMARY, ...SOURCES, '--format', 'json']);
    expect(r.err).not.toMatch(/refused/);
    expect(r.code).toBe(0);
  });
});
