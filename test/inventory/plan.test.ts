import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers, PeerAccount } from '../../src/model/types.js';
import { plan, PlanRefused } from '../../src/plan/index.js';
import type { Observed } from '../../src/plan/index.js';
import { entryKey } from '../../src/zimbra/commands.js';

const ATTRS_XML = readFileSync(join(import.meta.dirname, '../../../shared/reference/zimbra-source/zimbra-attrs.xml'), 'utf8');

/** The object classes zimbra-attrs.xml says an attribute is on (optionalIn + requiredIn). */
function classesOf(attr: string): string[] {
  const m = new RegExp(`<attr [^>]*name="${attr}"[^>]*>`).exec(ATTRS_XML);
  if (!m) return [];
  return [...m[0].matchAll(/(?:optionalIn|requiredIn)="([^"]*)"/g)].flatMap((x) => x[1].split(','));
}

function answers(peerAccounts: PeerAccount[], extra: Partial<Answers> = {}): Answers {
  return {
    domains: ['example.com'],
    role: 'primary',
    zimbraHosts: ['mta1.example.com', 'mta2.example.com'],
    mailboxHost: 'mta1.example.com',
    zimbraVersion: '10.1.0',
    peer: { kind: 'postfix', host: 'mail.example.com', port: 25, ips: ['192.0.2.10/32'] },
    peerAccounts,
    ...extra,
  };
}

const RECIPIENTS: PeerAccount[] = [
  { address: 'bob@example.com', aliases: ['robert@example.com'], class: 'user', displayName: 'Bob' },
  { address: 'team@example.com', aliases: ['all@example.com'], class: 'list', displayName: 'Team' },
  { address: 'room1@example.com', aliases: [], class: 'room' },
  { address: 'carol@example.com', aliases: [] },
];

describe('primary placeholders of every class', () => {
  it('every attribute a placeholder is created with exists on account in zimbra-attrs.xml', () => {
    const p = plan('setup', answers(RECIPIENTS, { placeholderHosts: ['mbox2.example.com'] }));
    const creates = p.steps.filter((s) => s.change?.op === 'create' && s.entry?.kind === 'account');
    expect(creates).toHaveLength(4);
    const attrs = new Set(creates.flatMap((s) => (s.change as { attrs: [string, string][] }).attrs.map(([a]) => a)));
    expect([...attrs].sort()).toEqual(['displayName', 'zimbraAccountStatus', 'zimbraHideInGal', 'zimbraMailHost']);
    // An account is a mailRecipient (and zimbraAccount): the classes attrs.xml names.
    for (const a of [...attrs, 'zimbraMailTransport']) expect(classesOf(a).some((c) => ['account', 'mailRecipient'].includes(c)), a).toBe(true);
    expect(creates[0].argv).toEqual(['ca', 'bob@example.com', '', 'zimbraAccountStatus', 'locked', 'zimbraHideInGal', 'TRUE', 'zimbraMailHost', 'mbox2.example.com', 'displayName', 'Bob']);
    expect(p.steps.map((s) => s.argv?.join(' '))).toContain('aaa team@example.com all@example.com');
    expect(p.notes).toContain('Placeholders for 4 peer recipient(s) with 2 alias(es): 2 user, 1 list, 1 room.');
  });

  it('placeholders spread over the mailbox servers the operator chose, in turn', () => {
    const p = plan('setup', answers(RECIPIENTS, { placeholderHosts: ['mbox1.example.com', 'mbox2.example.com'] }));
    const hostOf = (s: { argv?: string[] }) => s.argv![s.argv!.indexOf('zimbraMailHost') + 1];
    expect(p.steps.filter((s) => s.id.startsWith('placeholder.create:')).map(hostOf)).toEqual(['mbox1.example.com', 'mbox2.example.com', 'mbox1.example.com', 'mbox2.example.com']);
  });

  it('the why says what hiding and showing in the GAL mean, and who serves the class', () => {
    const hidden = plan('setup', answers(RECIPIENTS));
    const shown = plan('setup', answers(RECIPIENTS, { placeholdersInGal: true }));
    const why = (p: typeof hidden, id: string) => p.steps.find((s) => s.id === id)!.why;
    expect(why(hidden, 'placeholder.create:team@example.com')).toMatch(/expands the list.*Hidden from the GAL \(zimbraHideInGal TRUE\)/);
    expect(why(shown, 'placeholder.create:team@example.com')).toMatch(/Shown in the GAL \(--placeholders-in-gal\)/);
    expect(shown.steps.find((s) => s.id === 'placeholder.create:carol@example.com')!.argv).toEqual(['ca', 'carol@example.com', '', 'zimbraAccountStatus', 'locked']);
  });
});

describe('cutover of recipients on several mailbox servers', () => {
  const acct = (name: string) => entryKey({ kind: 'account', name });
  const observed: Observed = {
    entries: {
      [acct('bob@example.com')]: { zimbraMailHost: ['mbox1.example.com'], zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'], zimbraHideInGal: ['TRUE'] },
      [acct('room1@example.com')]: { zimbraMailHost: ['mbox2.example.com'], zimbraAccountStatus: ['locked'], zimbraMailTransport: ['smtp:[mail.example.com]:25'], zimbraHideInGal: ['TRUE'] },
    },
  };
  const wave = (users: string[], direction: 'to-zimbra' | 'to-peer' = 'to-zimbra') => answers(RECIPIENTS, { cutover: { users, direction, wave: 'w1' } });

  it('routes each account to lmtp on its own zimbraMailHost, not one --mailbox-host', () => {
    const p = plan('cutover', wave(['bob@example.com', 'room1@example.com']), observed);
    const t = (u: string) => p.steps.find((s) => s.id === `cutover.transport:${u}`)!;
    expect(t('bob@example.com').argv).toEqual(['ma', 'bob@example.com', 'zimbraMailTransport', 'lmtp:mbox1.example.com:7025']);
    expect(t('room1@example.com').argv).toEqual(['ma', 'room1@example.com', 'zimbraMailTransport', 'lmtp:mbox2.example.com:7025']);
    expect(t('room1@example.com').title).toContain('room room1@example.com');
    // The GAL: shown once it is a real mailbox, only if hidden; rollback hides it again.
    const gal = p.steps.find((s) => s.id === 'cutover.gal:bob@example.com')!;
    expect(gal).toMatchObject({ argv: ['ma', 'bob@example.com', 'zimbraHideInGal', ''], onlyIf: ['TRUE'], inverse: ['ma', 'bob@example.com', 'zimbraHideInGal', 'TRUE'] });
  });

  it('an account read without a mail host is refused, naming the fix', () => {
    const o: Observed = { entries: { [acct('bob@example.com')]: { zimbraMailHost: [], zimbraAccountStatus: ['locked'] } } };
    expect(() => plan('cutover', wave(['bob@example.com']), o)).toThrow(/bob@example.com has no zimbraMailHost.*zmprov ma bob@example.com zimbraMailHost/);
    expect(() => plan('cutover', wave(['bob@example.com']), o)).toThrow(PlanRefused);
  });

  it('an alias moves with its owner; a list moved to Zimbra is said to become a mailbox', () => {
    const p = plan('cutover', wave(['robert@example.com', 'bob@example.com', 'all@example.com']));
    const moved = p.steps.filter((s) => s.id.startsWith('cutover.transport:')).map((s) => s.entry!.name);
    expect(moved).toEqual(['bob@example.com', 'team@example.com']);
    expect(p.notes.join('\n')).toContain('robert@example.com is an alias of bob@example.com: it moves with bob@example.com');
    expect(p.warnings.join('\n')).toMatch(/list team@example.com is a list on the peer: moved, it becomes a Zimbra mailbox/);
  });

  it('moving back hides the placeholder again unless --placeholders-in-gal', () => {
    const back = plan('cutover', wave(['bob@example.com'], 'to-peer'));
    expect(back.steps.find((s) => s.id === 'cutover.gal:bob@example.com')!.argv).toEqual(['ma', 'bob@example.com', 'zimbraHideInGal', 'TRUE']);
    const inGal = plan('cutover', { ...wave(['bob@example.com'], 'to-peer'), placeholdersInGal: true });
    expect(inGal.steps.some((s) => s.id === 'cutover.gal:bob@example.com')).toBe(false);
  });
});

describe('several MTA servers', () => {
  it('setup reloads the local MTA and names the reload on every other MTA server', () => {
    for (const role of ['primary', 'secondary'] as const) {
      const p = plan('setup', answers(RECIPIENTS, { role }));
      expect(p.steps.some((s) => s.kind === 'reload')).toBe(true);
      const other = p.steps.find((s) => s.id === 'mta.reload:mta2.example.com')!;
      expect(other.kind).toBe('manual');
      expect(other.manual!.commands[0]).toMatch(/^ssh root@mta2\.example\.com 'su - zimbra -c '\\''zmmtactl reload'\\'''/);
      // mynetworks on every MTA server
      expect(p.steps.filter((s) => s.argv?.[0] === 'ms' && s.argv.includes('+zimbraMtaMyNetworks')).map((s) => s.argv![1])).toEqual(['mta1.example.com', 'mta2.example.com']);
    }
  });
});

describe('secondary: the authoritative peer is told every Zimbra recipient', () => {
  it('accounts, calendar resources and distribution lists with their aliases reach the peer steps', () => {
    const a = answers([], { role: 'secondary', peer: { kind: 'postfix', host: 'mail.example.com', port: 25, ips: [] } });
    const observed: Observed = {
      entries: {},
      accounts: [
        { name: 'zoe@example.com', attrs: { zimbraMailTransport: ['lmtp:mbox1.example.com:7025'], zimbraMailAlias: ['zz@example.com'] } },
        { name: 'placeholder@example.com', attrs: { zimbraMailTransport: ['smtp:[mail.example.com]:25'] } },
      ],
      resources: [{ name: 'conf-a@example.com', attrs: { zimbraMailTransport: ['lmtp:mbox2.example.com:7025'], zimbraCalResType: ['Location'] } }],
      lists: [
        { name: 'staff@example.com', attrs: { zimbraMailStatus: ['enabled'], zimbraMailAlias: ['everyone@example.com'] } },
        { name: 'off@example.com', attrs: { zimbraMailStatus: ['disabled'] } },
      ],
    };
    const p = plan('setup', a, observed);
    const peerText = p.steps.filter((s) => s.where === 'peer').flatMap((s) => s.manual!.commands).join('\n');
    for (const addr of ['zoe@example.com', 'zz@example.com', 'conf-a@example.com', 'staff@example.com', 'everyone@example.com']) expect(peerText, addr).toContain(addr);
    expect(peerText).not.toContain('placeholder@example.com');
    expect(peerText).not.toContain('off@example.com');
  });

  it("the simulator answers gadl -v and gacr -v as Zimbra's ProvUtil does (gaa lists no calendar resource)", async () => {
    const { sim } = await import('../sim/helpers.js');
    const { state, zm } = sim();
    const first = Object.keys(state.accounts)[0];
    state.accounts['room@example.com'] = { ...state.accounts[first], objectClass: ['inetOrgPerson', 'zimbraAccount', 'amavisAccount', 'zimbraCalendarResource'], zimbraCalResType: ['Location'], mail: ['room@example.com'], zimbraMailDeliveryAddress: ['room@example.com'] };
    expect(zm(['-l', 'gadl', '-v', 'example.com'])).toMatchObject({ exitCode: 0, stdout: '' });
    expect(zm(['-l', 'gacr', 'example.com']).stdout.trim()).toBe('room@example.com');
    expect(zm(['-l', 'gaa', 'example.com']).stdout).not.toContain('room@example.com');
    expect(zm(['-l', 'gadl', 'nosuch.example']).stdout + zm(['-l', 'gadl', 'nosuch.example']).stderr).toContain('NO_SUCH_DOMAIN');
  });
});
