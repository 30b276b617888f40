/**
 * The routing subdomain (zimbra.md §6.4): Sendmail, Exchange and Microsoft 365 peers send Zimbra's
 * users to user@zimbra-route.<domain>; Zimbra accepts that name as an alias domain of <domain>
 * (ldap-vad.cf lists it in virtual_alias_domains; its catch-all @zimbra-route.<domain> forwards to
 * @<domain>) and delivers user@<domain>.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/flow/check.js';
import type { ZimbraDirectory } from '../../src/flow/directory.js';
import type { FlowInput } from '../../src/flow/model.js';
import { expectedPeerBehaviour, zimbraUserAddresses } from '../../src/flow/peer.js';
import { route } from '../../src/flow/route.js';
import type { PeerKind } from '../../src/model/types.js';
import { plan } from '../../src/plan/index.js';
import { planFlowCheck, observedOf } from '../../src/plan/flowcheck.js';
import { applyPlanToModel } from '../../src/plan/model.js';
import { BAR, DOMAIN, FOO, ZIMBRA, answers, systems, zimbraUser } from './fixtures.js';

const ROUTE = `zimbra-route.${DOMAIN}`;
const routed = (a: string) => a.replace(`@${DOMAIN}`, `@${ROUTE}`);

function before(): ZimbraDirectory {
  return {
    config: { zimbraMtaSmtpDnsSupportLevel: ['enabled'] },
    servers: { [ZIMBRA]: { zimbraServiceEnabled: ['mta', 'mailbox', 'ldap'], zimbraMtaMyNetworks: ['127.0.0.0/8 192.0.2.0/24'] } },
    domains: { [DOMAIN]: { zimbraDomainName: [DOMAIN], zimbraDomainType: ['local'], zimbraMailStatus: ['enabled'] } },
    accounts: { [FOO]: zimbraUser({ zimbraMailDeliveryAddress: [FOO], zimbraMailAlias: ['fooey@example.com'] }) },
  };
}

/** Zimbra after a secondary setup with this peer kind, and the peer its manual steps ask for. */
function secondarySetup(kind: PeerKind): FlowInput {
  const a = answers('secondary', { peer: { kind, host: 'mail.example.com', port: 25, ips: ['192.0.2.20'] } });
  const { after } = applyPlanToModel(before(), plan('setup', a).steps);
  return { answers: a, zimbra: after, peer: expectedPeerBehaviour(a, zimbraUserAddresses(after, a.domains)), mx: 'peer' };
}

describe('the routing subdomain as an alias domain', () => {
  it('after a secondary setup with a Sendmail peer: user@zimbra-route.example.com from the peer ends in the Zimbra mailbox of user@example.com', () => {
    const input = secondarySetup('sendmail');
    expect(input.zimbra.domains[ROUTE]).toMatchObject({ zimbraDomainType: ['alias'], zimbraMailCatchAllForwardingAddress: ['@example.com'] });
    const t = route(input, routed(FOO), 'peer');
    expect(t.outcome, t.reason).toBe('delivered-zimbra');
    expect(systems(t)).toEqual(['peer-mailbox', 'peer-mta', 'zimbra-mta', 'zimbra-mailbox']);
    expect(t.hops.find((h) => h.system === 'peer-mta')!.decision).toContain(`mailertable ${ROUTE} esmtp:[${ZIMBRA}]`);
    expect(t.hops.some((h) => h.system === 'zimbra-mta' && h.decision.includes(`catch-all @${ROUTE} -> @${DOMAIN}: rewritten to ${FOO}`))).toBe(true);
    expect(t.hops.at(-1)).toMatchObject({ system: 'zimbra-mailbox', address: FOO });
    // an alias of the Zimbra user too
    expect(route(input, routed('fooey@example.com'), 'peer').outcome).toBe('delivered-zimbra');
  });

  it('a user who is not on Zimbra is refused by the peer at RCPT when Zimbra hands it back: no loop, no delivery', () => {
    const input = secondarySetup('sendmail');
    const t = route(input, 'nobody@zimbra-route.example.com', 'peer');
    expect(t.outcome, t.reason).not.toBe('loop');
    // The peer relayed it (its user sent it), Zimbra accepted it (the alias domain's catch-all
    // lists every name) and sent nobody@example.com on through the domain transport: the
    // authoritative peer rejects that at RCPT, and the message comes back as a bounce.
    expect(t.rejectedBy).toBe('peer-mta');
    expect(t.outcome).toBe('bounced');
    expect(t.hops.at(-1)).toMatchObject({ system: 'peer-mta', address: 'nobody@example.com' });
    expect(t.hops.at(-1)!.decision).toMatch(/^rejected: 550 5\.1\.1 <nobody@example\.com>\.\.\. User unknown/);
    // A peer user sent through the routing subdomain is handed back to the peer and delivered there.
    expect(route(input, routed(BAR), 'peer').outcome).toBe('delivered-peer');
  });

  it.each(['sendmail', 'exchange', 'm365'] as PeerKind[])('%s: the authoritative peer routes a Zimbra user through the routing subdomain, and the plan check passes', (kind) => {
    const input = secondarySetup(kind);
    for (const from of ['internet', 'peer', 'zimbra'] as const) {
      const t = route(input, FOO, from);
      expect(t.outcome, `${from}: ${t.reason}`).toBe('delivered-zimbra');
      if (from !== 'zimbra') expect(t.hops.some((h) => h.system === 'zimbra-mta' && h.address === routed(FOO))).toBe(true);
    }
    const check = checkPlan(input);
    expect(check.errors, JSON.stringify(check.errors.map((e) => e.message))).toEqual([]);
  });

  it('without the alias domain the peer routes Zimbra users into a loop, and the check says which domain to create', () => {
    const input = secondarySetup('sendmail');
    delete input.zimbra.domains[ROUTE];
    const again: FlowInput = { ...input, zimbra: { ...input.zimbra } };
    const t = route(again, FOO, 'internet');
    expect(t.outcome, t.reason).toBe('loop');
    const check = checkPlan(again);
    const f = check.errors.find((e) => e.address === FOO)!;
    expect(f.code).toBe('loop');
    expect(f.hint).toContain(`zmprov cad ${ROUTE} ${DOMAIN} zimbraMailCatchAllForwardingAddress @${DOMAIN}`);
  });

  it('a postfix peer routes the address unchanged: no routing subdomain', () => {
    const input = secondarySetup('postfix');
    expect(input.zimbra.domains[ROUTE]).toBeUndefined();
    const t = route(input, FOO, 'internet');
    expect(t.outcome).toBe('delivered-zimbra');
    expect(t.hops.every((h) => !h.address.includes(ROUTE))).toBe(true);
  });

  it("the plan's own flow check sees the alias domain it creates, and one that exists already", () => {
    const a = answers('secondary', { peer: { kind: 'exchange', host: 'mail.example.com', port: 25, ips: ['192.0.2.20'] } });
    const observed = observedOf(before(), a);
    const p = plan('setup', a, observed);
    expect(p.steps.find((s) => s.id === 'domain.routing:example.com')!.before).toBeUndefined(); // not probed in this observed state
    expect(planFlowCheck(p, observed).errors).toEqual([]);
    // set up by an earlier run: the domain is read back from the probe and routes the same
    const done = applyPlanToModel(before(), p.steps).after;
    const again = observedOf(done, a);
    const p2 = plan('cutover', { ...a, cutover: { users: [FOO], direction: 'to-zimbra', wave: 'w' } }, again);
    expect(p2.steps.find((s) => s.id === 'domain.routing:example.com')).toMatchObject({ before: ['alias'], inverse: null });
    expect(planFlowCheck(p2, again).errors).toEqual([]);
  });
});
