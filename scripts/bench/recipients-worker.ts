// Benchmark worker (bundled and run in its own process by scripts/bench.ts, section 5): a domain
// of N recipients of mixed classes, from the raw Get-Recipient CSV to a flow-checked primary plan:
// parse, inventory, validation, plan, mail-flow check; peak RSS.
import { parseExchangeCsv } from '../../src/inventory/exchange.js';
import { accountLines, buildInventory, withRecipientInfo } from '../../src/inventory/model.js';
import { validateAnswers } from '../../src/model/validate.js';
import { planFlowCheck } from '../../src/plan/flowcheck.js';
import { plan } from '../../src/plan/index.js';

const n = Number(process.argv[2] ?? 20_000);
// The mix of a real domain: mostly users, then lists, shared mailboxes, rooms, contacts, ...
const MIX = ['UserMailbox', 'UserMailbox', 'UserMailbox', 'UserMailbox', 'UserMailbox', 'UserMailbox', 'MailUniversalDistributionGroup', 'SharedMailbox', 'RoomMailbox', 'MailContact', 'EquipmentMailbox', 'DynamicDistributionGroup', 'MailUser', 'GroupMailbox'];
const rows = ['"PrimarySmtpAddress","RecipientTypeDetails","DisplayName","EmailAddresses"'];
for (let i = 0; i < n; i++) {
  const type = MIX[i % MIX.length];
  const a = `r${i}@example.com`;
  rows.push(`"${a}","${type}","Recipient ${i}, ${type}","SMTP:${a};smtp:alias${i}@example.com${i % 3 === 0 ? `;smtp:second${i}@example.com` : ''};X500:/o=Org/cn=r${i};smtp:r${i}@example.mail.onmicrosoft.com"`);
}
const csv = `\uFEFF${rows.join('\r\n')}\r\n`;
const t0 = performance.now();
const parsed = parseExchangeCsv(csv, 'recipients.csv');
const inv = buildInventory(parsed.recipients, ['example.com']);
if (inv.errors.length) throw new Error(inv.errors.slice(0, 3).join('\n'));
const t1 = performance.now();
const v = validateAnswers(
  { role: 'primary', domain: ['example.com'], zimbraHost: ['zimbra.example.com'], zimbraVersion: '10.1.0', peerHost: 'mail.example.com', peerKind: 'exchange', peerIp: ['192.0.2.10'], peerAccounts: accountLines(inv) },
  'setup',
);
if (!v.answers) throw new Error(JSON.stringify(v.errors.slice(0, 3)));
const answers = { ...v.answers, peerAccounts: withRecipientInfo(v.answers.peerAccounts, inv) };
const t2 = performance.now();
const p = plan('setup', answers);
const t3 = performance.now();
process.stdout.write(JSON.stringify({ phase: 'planned', n, readMs: t1 - t0, validateMs: t2 - t1, planMs: t3 - t2, steps: p.steps.length, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
const check = planFlowCheck(p);
const t4 = performance.now();
process.stdout.write(
  JSON.stringify({ n, ms: t4 - t0, readMs: t1 - t0, validateMs: t2 - t1, planMs: t3 - t2, flowMs: t4 - t3, steps: p.steps.length, addresses: inv.recipients.reduce((s, r) => s + 1 + r.aliases.length, 0), flowOk: check.ok, maxRssKB: process.resourceUsage().maxRSS }) + '\n',
);
