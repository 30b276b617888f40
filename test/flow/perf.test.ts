import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/flow/check.js';
import { route } from '../../src/flow/route.js';
import type { FlowInput } from '../../src/flow/model.js';
import { expectedPeerBehaviour, zimbraUserAddresses } from '../../src/flow/peer.js';
import { answers, placeholder, zimbraUser, DOMAIN, TO_PEER, ZIMBRA } from './fixtures.js';

const N = 100_000;

function bigPrimary(): FlowInput {
  const peerAccounts = Array.from({ length: N }, (_, i) => ({ address: `user${i}@${DOMAIN}`, aliases: i % 4 === 0 ? [`u${i}.alias@${DOMAIN}`] : [] }));
  const a = answers('primary', { peerAccounts });
  const accounts: Record<string, Record<string, string[]>> = { [`foo@${DOMAIN}`]: zimbraUser() };
  for (const p of peerAccounts) accounts[p.address] = placeholder(p.aliases);
  const zimbra = { config: {}, servers: { [ZIMBRA]: { zimbraServiceEnabled: ['mta', 'mailbox'] } }, domains: { [DOMAIN]: { zimbraDomainType: ['local'] } }, accounts };
  return { answers: a, zimbra, mx: 'zimbra', peer: expectedPeerBehaviour(a, zimbraUserAddresses(zimbra, a.domains)) };
}

function bigSecondary(): FlowInput {
  const a = answers('secondary', { peerAccounts: Array.from({ length: 1000 }, (_, i) => ({ address: `old${i}@${DOMAIN}`, aliases: [] })) });
  const accounts: Record<string, Record<string, string[]>> = {};
  for (let i = 0; i < N; i++) accounts[`z${i}@${DOMAIN}`] = zimbraUser(i % 3 === 0 ? { zimbraMailAlias: [`z${i}.a@${DOMAIN}`] } : {});
  const zimbra = {
    config: {},
    servers: {},
    domains: { [DOMAIN]: { zimbraMailCatchAllAddress: [`@${DOMAIN}`], zimbraMailCatchAllForwardingAddress: [`@${DOMAIN}`], zimbraMailTransport: [TO_PEER] } },
    accounts,
  };
  return { answers: a, zimbra, mx: 'peer', peer: expectedPeerBehaviour(a, zimbraUserAddresses(zimbra, a.domains)) };
}

describe('100,000 accounts', () => {
  it('checkPlan on a Zimbra primary with 100k locked placeholders', () => {
    const input = bigPrimary();
    const t0 = performance.now();
    const r = checkPlan(input);
    const ms = performance.now() - t0;
    console.log(`checkPlan, Zimbra primary, ${N} placeholders (+${N / 4} aliases): ${ms.toFixed(0)} ms cold, ${r.stats.groups} routing groups, ${r.stats.traced} traces`);
    const t1 = performance.now();
    checkPlan(input);
    console.log(`checkPlan, same input again (JIT warm): ${(performance.now() - t1).toFixed(0)} ms`);
    expect(r.ok).toBe(true);
    expect(r.stats.addresses).toBe(N + N / 4 + 2);
    expect(r.stats.groups).toBeLessThan(10);
  });

  it('a broken placeholder among 100k is still found, with the right count', () => {
    const input = bigPrimary();
    delete input.zimbra.accounts[`user${N - 1}@${DOMAIN}`];
    input.zimbra.accounts[`user${N - 2}@${DOMAIN}`].zimbraAccountStatus = ['closed'];
    const t0 = performance.now();
    const r = checkPlan(input);
    console.log(`checkPlan, same with 2 broken placeholders: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(r.ok).toBe(false);
    const rejected = r.errors.filter((f) => f.code === 'rejected');
    expect(rejected.reduce((n, f) => n + f.count, 0)).toBe(2);
    expect(rejected.map((f) => f.address).sort()).toEqual([`user${N - 1}@${DOMAIN}`, `user${N - 2}@${DOMAIN}`].sort());
  });

  it('checkPlan on a Zimbra secondary with 100k Zimbra users routed by an authoritative peer', () => {
    const input = bigSecondary();
    const t0 = performance.now();
    const r = checkPlan(input);
    const ms = performance.now() - t0;
    console.log(`checkPlan, Zimbra secondary, ${N} Zimbra users: ${ms.toFixed(0)} ms, ${r.stats.groups} routing groups`);
    expect(r.errors).toEqual([]);
    const t1 = performance.now();
    for (let i = 0; i < 1000; i++) route(input, `z${i * 97}@${DOMAIN}`, 'internet');
    console.log(`route x1000 on the compiled 100k model: ${(performance.now() - t1).toFixed(0)} ms`);
  });
});
