// Reads scale with the change, not with the domain: what a run reads, counted by the simulated
// LDAP (one `read` record per zmprov command that read accounts, with how many it returned).
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { primaryAnswers, simWorld } from '../helpers/sim.js';

/** A domain of `zimbraUsers` mailboxes plus `placeholders` locked accounts routed to the peer. */
function bigDomain(zimbraUsers: number, placeholders: number) {
  const w = simWorld();
  expect(w.zmprov('gacf', 'zimbraMtaRelayHost').status).toBe(0); // the default state
  const s = JSON.parse(readFileSync(w.statePath, 'utf8'));
  const base = s.accounts['alice@example.com'];
  const account = (name: string, status: string, transport: string, i: number) => ({
    ...base,
    cn: [name],
    displayName: [name],
    mail: [name],
    uid: [name.split('@')[0]],
    zimbraId: [`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`],
    zimbraMailDeliveryAddress: [name],
    zimbraAccountStatus: [status],
    zimbraMailTransport: [transport],
  });
  for (let i = 0; i < zimbraUsers; i++) s.accounts[`zuser${i}@example.com`] = account(`zuser${i}@example.com`, 'active', 'lmtp:zimbra.example.com:7025', i);
  const users: string[] = [];
  for (let i = 0; i < placeholders; i++) {
    users.push(`peer${i}@example.com`);
    s.accounts[users[i]] = account(users[i], 'locked', 'smtp:[mail.example.com]:25', zimbraUsers + i);
  }
  writeFileSync(w.statePath, JSON.stringify(s));
  const reads = () => w.log().filter((r) => r.type === 'read') as unknown as { command: string; accounts: number }[];
  return { w, users, reads };
}

describe('accounts read by an apply', () => {
  it('a 10-user cutover on a 3,000-account domain reads those 10 accounts, not the domain', () => {
    const { w, users, reads } = bigDomain(3000, 10);
    const before = reads().length;
    const r = w.zsplit(['apply', 'cutover', ...primaryAnswers(w.file('peers.txt', '')).filter((x, i, a) => x !== '--peer-accounts' && a[i - 1] !== '--peer-accounts'), '--users', w.file('users.txt', users.join('\n')), '--direction', 'to-zimbra', '--wave', 'w1', '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/COMPLETED: 20 applied/);
    for (const u of users) expect(w.json().accounts[u]).toMatchObject({ zimbraAccountStatus: ['active'], zimbraMailTransport: ['lmtp:zimbra.example.com:7025'] });
    const read = reads().slice(before);
    const total = read.reduce((n, x) => n + x.accounts, 0);
    // Probe and verify read each user at most once each; nothing lists the domain.
    expect(read.filter((x) => x.command === 'getAllAccounts')).toEqual([]);
    expect(total).toBeLessThanOrEqual(2 * users.length);
    expect(total).toBeGreaterThanOrEqual(users.length);
  });

  it('2,000 placeholders on an empty domain: one listing for the probe, one search naming them for the read-back, not 4,000 lines', () => {
    const { w, reads } = bigDomain(0, 0);
    const n = 2000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`user${i}@example.com`);
    const r = w.zsplit(['apply', 'setup', ...primaryAnswers(w.file('accounts.txt', lines.join('\n'))), '--yes']);
    expect(r.code, r.err + r.out).toBe(0);
    const read = reads();
    expect(read.filter((x) => x.command === 'getAccount').length).toBeLessThan(20);
    expect(read.filter((x) => x.command === 'getAllAccounts').length).toBe(1);
    expect(read.filter((x) => x.command === 'searchAccounts')).toEqual([expect.objectContaining({ accounts: n })]);
  }, 60_000);
});
