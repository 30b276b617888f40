/** The planner's answers for a Zimbra primary beside a Postfix peer, the fixture the plan tests share. */
import type { Answers } from '../../src/model/types.js';

export function primaryPlanAnswers(peerAccounts: Answers['peerAccounts'], extra: Partial<Answers> = {}): Answers {
  return {
    domains: ['example.com'],
    role: 'primary',
    zimbraHosts: ['zimbra.example.com'],
    mailboxHost: 'zimbra.example.com',
    zimbraVersion: '10.1.0',
    peer: { kind: 'postfix', host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
    peerAccounts,
    ...extra,
  };
}
