/**
 * Zimbra's split-domain recipient check (issue 12 follow-up): with zimbraMtaRestriction holding
 * `check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf` and `reject`, zmconfigd puts
 * them into smtpd_recipient_restrictions after permit_sasl_authenticated, permit_mynetworks and
 * reject_unlisted_recipient (smtpd_recipient_restrictions.cf). ldap-splitdomain.cf (zmmtainit)
 * answers OK for an enabled entry whose zimbraMailDeliveryAddress, zimbraMailAlias or
 * zimbraMailCatchAllAddress is the looked-up key; anything else from a client that neither logged
 * in nor is in mynetworks is refused at RCPT.
 */
import { describe, expect, it } from 'vitest';
import { route } from '../../src/flow/route.js';
import { checkPlan } from '../../src/flow/check.js';
import type { FlowInput } from '../../src/flow/model.js';
import { expectedPeerBehaviour, zimbraUserAddresses } from '../../src/flow/peer.js';
import { plan } from '../../src/plan/index.js';
import { applyPlanToModel } from '../../src/plan/model.js';
import { BAR, DOMAIN, FOO, ZIMBRA, answers, secondaryInput, zimbraUser } from './fixtures.js';

const CHECK = 'check_recipient_access ldap:/opt/zimbra/conf/ldap-splitdomain.cf';
const UNKNOWN = `nobody@${DOMAIN}`;

function withCheck(input: FlowInput, values: string[] = [CHECK, 'reject'], peerInMyNetworks = true): FlowInput {
  const servers = { ...input.zimbra.servers };
  if (!peerInMyNetworks) servers[ZIMBRA] = { ...servers[ZIMBRA], zimbraMtaMyNetworks: ['127.0.0.0/8'] };
  return { ...input, zimbra: { ...input.zimbra, servers, config: { ...input.zimbra.config, zimbraMtaRestriction: values } } };
}

/** A secondary whose MX points at Zimbra: the Internet talks to Zimbra's catch-all. */
const secondary = (): FlowInput => secondaryInput({ mx: 'zimbra' });

describe("Zimbra's split-domain check in the flow model", () => {
  it('without the check, an unknown address from the Internet is caught by the catch-all and bounced later (backscatter)', () => {
    expect(route(secondary(), UNKNOWN, 'internet').outcome).toBe('bounced');
  });

  it('with the check, Zimbra rejects an unknown address from the Internet at RCPT', () => {
    const t = route(withCheck(secondary()), UNKNOWN, 'internet');
    expect(t.outcome).toBe('rejected');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(t.reason).toContain('554 5.7.1');
    expect(t.hops.some((h) => h.system === 'peer-mta')).toBe(false);
    // and the plan check no longer warns about backscatter
    expect(checkPlan(withCheck(secondary())).warnings.map((w) => w.code)).not.toContain('backscatter');
  });

  it('a Zimbra user and its alias pass the check (delivery address, zimbraMailAlias)', () => {
    const input = secondary();
    input.zimbra.accounts[FOO] = zimbraUser({ zimbraMailDeliveryAddress: [FOO], zimbraMailAlias: [`foo.alias@${DOMAIN}`] });
    for (const a of [FOO, `foo.alias@${DOMAIN}`]) {
      const t = route(withCheck(input), a, 'internet');
      expect(t.outcome, a).toBe('delivered-zimbra');
      expect(t.hops.some((h) => h.lookup.includes('ldap-splitdomain.cf') && h.decision.startsWith('OK')), a).toBe(true);
    }
  });

  it('zimbraOldMailAddress is not in the filter: refused from the Internet though the alias map knows it', () => {
    const input = secondary();
    input.zimbra.accounts[FOO] = zimbraUser({ zimbraMailDeliveryAddress: [FOO], zimbraOldMailAddress: [`old@${DOMAIN}`] });
    expect(route(input, `old@${DOMAIN}`, 'internet').outcome).toBe('delivered-zimbra');
    expect(route(withCheck(input), `old@${DOMAIN}`, 'internet').outcome).toBe('rejected');
  });

  it('a peer in mynetworks and Zimbra users pass before the check (permit_mynetworks, permit_sasl_authenticated)', () => {
    expect(route(withCheck(secondary()), BAR, 'zimbra').outcome).toBe('delivered-peer');
    expect(route(withCheck(secondary()), FOO, 'peer').outcome).toBe('delivered-zimbra');
    expect(route(withCheck(secondary()), UNKNOWN, 'zimbra').outcome).not.toBe('rejected');
  });

  it('a peer outside mynetworks is held to the check like any client', () => {
    const input = withCheck(secondary(), undefined, false);
    expect(route(input, FOO, 'peer').outcome).toBe('delivered-zimbra');
  });

  it('the check without `reject` after it only permits early: nothing is refused', () => {
    expect(route(withCheck(secondary(), [CHECK]), UNKNOWN, 'internet').outcome).toBe('bounced');
  });

  it("after zsplit's secondary setup: an unknown address from the Internet at Zimbra's MX is refused by Zimbra, Zimbra's users are delivered", () => {
    const a = answers('secondary');
    const dir = secondaryInput().zimbra;
    dir.domains[DOMAIN] = { zimbraDomainType: ['local'], zimbraMailStatus: ['enabled'] };
    const { after } = applyPlanToModel(dir, plan('setup', a).steps);
    expect(after.config.zimbraMtaRestriction ?? after.servers[ZIMBRA]?.zimbraMtaRestriction).toContain(CHECK);
    const input: FlowInput = { answers: a, zimbra: after, peer: expectedPeerBehaviour(a, zimbraUserAddresses(after, a.domains)), mx: 'zimbra' };
    const t = route(input, UNKNOWN, 'internet');
    expect(t.outcome, t.reason).toBe('rejected');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(route(input, FOO, 'internet').outcome).toBe('delivered-zimbra');
    // a peer user is unknown to Zimbra's LDAP too: with the MX at Zimbra, the check refuses it (the MX belongs on the peer)
    expect(route(input, BAR, 'internet').outcome).toBe('rejected');
    expect(route({ ...input, mx: 'peer' }, BAR, 'internet').outcome).toBe('delivered-peer');
    expect(route({ ...input, mx: 'peer' }, FOO, 'internet').outcome).toBe('delivered-zimbra');
    const f = checkPlan(input).errors.find((e) => e.address === BAR && e.code === 'rejected');
    expect(f?.hint).toMatch(/MX/);
  });

  it('a peer that routes through zimbra-route.<domain> from outside mynetworks is refused by the check: the plan check says so', () => {
    const input = withCheck(secondary(), undefined, false);
    input.zimbra.domains[`zimbra-route.${DOMAIN}`] = {
      zimbraDomainType: ['alias'], zimbraMailStatus: ['enabled'],
      zimbraMailCatchAllAddress: [`@zimbra-route.${DOMAIN}`], zimbraMailCatchAllForwardingAddress: [`@${DOMAIN}`],
    };
    const routedInput: FlowInput = { ...input, peer: { ...input.peer, routingDomain: true } };
    const t = route(routedInput, FOO, 'peer');
    // the peer accepted it from its user, so the refusal comes back as a bounce
    expect(t.outcome, t.reason).toBe('bounced');
    expect(t.rejectedBy).toBe('zimbra-mta');
    expect(t.reason).toContain('split-domain check');
    expect(checkPlan(routedInput).errors.some((e) => e.code === 'bounced' && e.address === FOO)).toBe(true);
  });
});
