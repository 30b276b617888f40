import { describe, expect, it } from 'vitest';
import { serializeState } from '../../src/sim/state.js';
import { sim } from './helpers.js';

const USAGE_MA = 'usage:  modifyAccount(ma) {name@domain|id} [attr1 value1 [attr2 value2...]]\n';

describe('zmprov single-command mode (zimbra.md §2.1, §3)', () => {
  it('ga prints "# name", sorted attributes, one line per value, and a blank line', () => {
    const { zm } = sim();
    const r = zm(['ga', '-e', 'alice@example.com']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('# name alice@example.com');
    expect(r.stdout.endsWith('\n\n')).toBe(true);
    const names = lines.slice(1, -2).map((l) => l.split(':')[0]);
    expect(names).toEqual([...names].sort());
    expect(lines.filter((l) => l.startsWith('objectClass: '))).toEqual([
      'objectClass: inetOrgPerson',
      'objectClass: zimbraAccount',
      'objectClass: amavisAccount',
    ]);
  });

  it('ga without -e adds COS defaults that -e does not show', () => {
    const { zm } = sim();
    expect(zm(['ga', 'alice@example.com', 'zimbraMailQuota']).stdout).toBe('# name alice@example.com\nzimbraMailQuota: 0\n\n');
    expect(zm(['ga', '-e', 'alice@example.com', 'zimbraMailQuota']).stdout).toBe('# name alice@example.com\n\n');
  });

  it('ga filters attribute names case-insensitively, and attr=value filters values', () => {
    const { zm } = sim();
    expect(zm(['ga', '-e', 'alice@example.com', 'ZIMBRAMAILTRANSPORT', 'zimbramailstatus']).stdout).toBe(
      '# name alice@example.com\nzimbraMailStatus: enabled\nzimbraMailTransport: lmtp:zimbra.example.com:7025\n\n',
    );
    expect(zm(['ga', '-e', 'alice@example.com', 'zimbraMailStatus=enabled', 'uid=bob']).stdout).toBe('# name alice@example.com\nzimbraMailStatus: enabled\n\n');
    // getArgNameSet lower-cases the whole word, value included: a mixed-case value never matches.
    expect(zm(['ga', '-e', 'alice@example.com', 'objectClass=zimbraAccount']).stdout).toBe('# name alice@example.com\n\n');
    expect(zm(['ga', '-e', 'alice@example.com', 'uid=']).stderr).toBe('ERROR: service.INVALID_REQUEST (invalid request: missing value for uid=)\n');
  });

  it('an alias or a bare local part resolves to the account, and the header shows the primary name', () => {
    const { zm } = sim();
    expect(zm(['aaa', 'alice@example.com', 'a.archer@example.com']).exitCode).toBe(0);
    expect(zm(['ga', '-e', 'A.Archer@example.com', 'uid']).stdout).toBe('# name alice@example.com\nuid: alice\n\n');
    expect(zm(['ga', '-e', 'alice', 'uid']).stdout).toBe('# name alice@example.com\nuid: alice\n\n');
  });

  it('a ServiceException goes to stderr and exits 2', () => {
    const { zm } = sim();
    const r = zm(['ga', 'nobody@example.com']);
    expect(r).toMatchObject({ exitCode: 2, stdout: '', stderr: 'ERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\n' });
    expect(zm(['gd', 'nowhere.org']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.org)\n');
    expect(zm(['gs', 'mx9.example.com']).stderr).toBe('ERROR: account.NO_SUCH_SERVER (no such server: mx9.example.com)\n');
  });

  it('-v adds a Java stack trace after the ERROR line, on stderr', () => {
    const { zm } = sim();
    const r = zm(['-v', 'ga', 'nobody@example.com']);
    expect(r.stderr.split('\n')[0]).toBe('ERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)');
    expect(r.stderr).toMatch(/\n\tat com\.zimbra\./);
    expect(r.stdout).toBe('');
  });

  it('usage errors print the usage line on stdout and exit 1', () => {
    const { zm } = sim();
    const r = zm(['ma', 'alice@example.com', 'zimbraMailTransport']);
    expect(r).toMatchObject({ exitCode: 1, stderr: '', stdout: `${USAGE_MA}For general help, type : zmprov --help\n` });
    // An odd number of attr/value words is an ArgException: same output.
    expect(zm(['ma', 'alice@example.com', 'a', 'b', 'c']).stdout).toBe(`${USAGE_MA}For general help, type : zmprov --help\n`);
  });

  it('an unknown command prints the general usage on stdout and exits 1', () => {
    const { zm } = sim();
    const r = zm(['frobnicate']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('zmprov [args] [cmd] [cmd-args ...]');
    expect(r.stdout).toContain('     zmprov help commands        help on all commands\n');
  });

  it('-l with -s fails with exit 2 on stderr; -m needs -l', () => {
    const { zm } = sim();
    expect(zm(['-l', '-s', 'mbx1', 'ga', 'alice@example.com'])).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'error: cannot specify both -l and -s at the same time\n',
    });
    expect(zm(['-m', 'ga', 'alice@example.com'])).toMatchObject({ exitCode: 2, stderr: 'error: cannot specify -m when -l is not specified\n' });
    expect(zm(['-l', '-m', '-z', 'ga', '-e', 'alice@example.com', 'uid']).exitCode).toBe(0);
    // Bundled flags, as commons-cli bursts them.
    expect(zm(['-lv', 'gaa']).exitCode).toBe(0);
  });

  it('gaa needs -l: two-space message plus usage on stdout, exit 1', () => {
    const { zm } = sim();
    const r = zm(['gaa']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.startsWith('getAllAccounts can only be used with  "zmprov -l/--ldap"\n\nzmprov [args]')).toBe(true);
    expect(zm(['-l', 'gaa']).stdout).toBe('admin@example.com\nalice@example.com\nbob@example.com\n');
    expect(zm(['-l', 'gaa', 'nowhere.org']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.org)\n');
    const e = zm(['-l', 'gaa', '-e']);
    expect(e.exitCode).toBe(1);
    expect(e.stdout.startsWith('arg -e is invalid unless -v is also specified\nusage:  getAllAccounts(gaa) ')).toBe(true);
  });

  it('gaa -v dumps every account; -e leaves out COS defaults', () => {
    const { zm } = sim();
    const v = zm(['-l', 'gaa', '-v', 'example.com']).stdout;
    expect(v.match(/^# name /gm)).toHaveLength(3);
    expect(v).toContain('zimbraMailQuota: 0');
    expect(zm(['-l', 'gaa', '-v', '-e']).stdout).not.toContain('zimbraMailQuota');
  });

  it('gacf/gcf print attr lines without a header', () => {
    const { zm } = sim();
    expect(zm(['gacf', 'zimbraMtaRestriction', 'zimbraMtaRelayHost']).stdout).toBe(
      'zimbraMtaRestriction: reject_invalid_helo_hostname\nzimbraMtaRestriction: reject_non_fqdn_sender\n',
    );
    expect(zm(['gcf', 'zimbramtasmtpdnssupportlevel']).stdout).toBe('zimbraMtaSmtpDnsSupportLevel: enabled\n');
    expect(zm(['gcf', 'zimbraMtaRelayHost'])).toMatchObject({ exitCode: 0, stdout: '' });
    expect(zm(['gcf', 'a', 'b']).exitCode).toBe(1);
  });

  it('gs shows inherited global values, gs -e only what is on the server', () => {
    const { zm } = sim();
    expect(zm(['gs', 'zimbra.example.com', 'zimbraMtaRestriction']).stdout).toContain('zimbraMtaRestriction: reject_non_fqdn_sender');
    expect(zm(['gs', '-e', 'zimbra.example.com', 'zimbraMtaRestriction']).stdout).toBe('# name zimbra.example.com\n\n');
    expect(zm(['gs', '-e', 'zimbra.example.com', 'zimbraMtaMyNetworks']).stdout).toBe(
      '# name zimbra.example.com\nzimbraMtaMyNetworks: 127.0.0.0/8 [::1]/128 10.0.0.10/32\n\n',
    );
  });

  it('gas [service] lists servers running a service', () => {
    const { zm } = sim();
    expect(zm(['gas', 'mta']).stdout).toBe('zimbra.example.com\n');
    expect(zm(['gas', 'imapd']).stdout).toBe('');
    expect(zm(['gas', '-v', 'mta']).stdout).toMatch(/^# name zimbra\.example\.com\n/);
  });
});

describe('modifying attributes (§1.3)', () => {
  it('replace, repeat for multi-values, +attr/-attr idempotent, \'\' unsets', () => {
    const { zm, state } = sim();
    expect(zm(['ms', 'zimbra.example.com', 'zimbraMtaMyNetworks', '127.0.0.0/8', 'zimbraMtaMyNetworks', '10.0.0.0/24'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(state.servers['zimbra.example.com'].zimbraMtaMyNetworks).toEqual(['127.0.0.0/8', '10.0.0.0/24']);
    zm(['mcf', '+zimbraMtaRestriction', 'reject_unverified_recipient']);
    zm(['mcf', '+zimbraMtaRestriction', 'reject_unverified_recipient']);
    expect(state.config.zimbraMtaRestriction).toEqual(['reject_invalid_helo_hostname', 'reject_non_fqdn_sender', 'reject_unverified_recipient']);
    zm(['mcf', '-zimbraMtaRestriction', 'reject_unverified_recipient']);
    expect(zm(['mcf', '-zimbraMtaRestriction', 'reject_unverified_recipient']).exitCode).toBe(0);
    expect(state.config.zimbraMtaRestriction).toEqual(['reject_invalid_helo_hostname', 'reject_non_fqdn_sender']);
    zm(['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com']);
    expect(state.domains['example.com'].zimbraMailCatchAllAddress).toEqual(['@example.com']);
    expect(zm(['md', 'example.com', 'zimbraMailCatchAllAddress', '']).exitCode).toBe(0);
    expect(state.domains['example.com'].zimbraMailCatchAllAddress).toBeUndefined();
    // Unsetting an absent attribute is fine too.
    expect(zm(['md', 'example.com', 'zimbraMailCatchAllAddress', '']).exitCode).toBe(0);
  });

  it('stores the attrs.xml spelling whatever case was typed', () => {
    const { zm, state } = sim();
    zm(['ma', 'bob@example.com', 'zimbramailtransport', 'smtp:[mail.example.net]:25']);
    expect(state.accounts['bob@example.com'].zimbraMailTransport).toEqual(['smtp:[mail.example.net]:25']);
    expect(Object.keys(state.accounts['bob@example.com']).filter((k) => k.toLowerCase() === 'zimbramailtransport')).toEqual(['zimbraMailTransport']);
  });

  it("can't mix +attr with attr", () => {
    const { zm, state } = sim();
    const before = serializeState(state);
    const r = zm(['mcf', '+zimbraMtaRestriction', 'a', 'zimbraMtaRestriction', 'b']);
    expect(r).toMatchObject({ exitCode: 2, stderr: "ERROR: service.INVALID_REQUEST (invalid request: can't mix +attrName/-attrName with attrName)\n" });
    expect(serializeState(state)).toBe(before);
  });

  it('validates values with the attrs.xml messages', () => {
    const { zm } = sim();
    const err = (argv: string[]) => zm(argv).stderr;
    expect(err(['ma', 'alice@example.com', 'zimbraHideInGal', 'true'])).toBe('ERROR: account.INVALID_ATTR_VALUE (zimbraHideInGal must be TRUE or FALSE)\n');
    expect(err(['ma', 'alice@example.com', 'zimbraAccountStatus', 'disabled'])).toBe(
      'ERROR: account.INVALID_ATTR_VALUE (zimbraAccountStatus must be one of: active,maintenance,locked,closed,lockout,pending)\n',
    );
    expect(err(['md', 'example.com', 'zimbraMailCatchAllAddress', 'example.com'])).toBe(
      'ERROR: account.INVALID_ATTR_VALUE (zimbraMailCatchAllAddress must match the regex: ^@[A-Za-z0-9-\\.]+$)\n',
    );
    expect(err(['ma', 'alice@example.com', 'foo', 'bar'])).toBe('ERROR: account.INVALID_ATTR_NAME (unknown attribute: foo)\n');
    expect(err(['mcf', 'zimbraMtaRelayHost', 'a:25', 'zimbraMtaRelayHost', 'b:25'])).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: zimbraMtaRelayHost can only have one value)\n',
    );
    expect(err(['mcf', 'zimbraMtaSmtpDnsSupportLevel', 'off'])).toBe(
      'ERROR: account.INVALID_ATTR_VALUE (zimbraMtaSmtpDnsSupportLevel must be one of: disabled,enabled,dnssec)\n',
    );
    expect(err(['ma', 'alice@example.com', 'zimbraId', '00000000-0000-4000-8000-000000000001'])).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: zimbraId is immutable)\n',
    );
    expect(zm(['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com']).exitCode).toBe(0);
  });

  it('zimbraMtaRelayHost: a global relay counts for a server +value', () => {
    const { zm } = sim();
    expect(zm(['mcf', 'zimbraMtaRelayHost', '[relay.example.org]:25']).exitCode).toBe(0);
    expect(zm(['ms', 'zimbra.example.com', '+zimbraMtaRelayHost', '[other]:25']).stderr).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: zimbraMtaRelayHost can only have one value)\n',
    );
    expect(zm(['ms', 'zimbra.example.com', 'zimbraMtaRelayHost', '[other]:25']).exitCode).toBe(0);
  });

  it('attributes introduced in 8.7: unknown before, deprecated DNS switch warns on STDOUT after', () => {
    const old = sim('8.6.0');
    expect(old.zm(['mcf', 'zimbraMtaSmtpDnsSupportLevel', 'disabled']).stderr).toBe(
      'ERROR: account.INVALID_ATTR_NAME (unknown attribute: zimbraMtaSmtpDnsSupportLevel)\n',
    );
    expect(old.zm(['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });

    const cur = sim('10.1.0');
    const r = cur.zm(['mcf', 'zimbraMtaDnsLookupsEnabled', 'FALSE']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: 'Warn: attribute zimbraMtaDnsLookupsEnabled has been deprecated since 8.7.0_BETA2\n\n' });
    expect(cur.state.config.zimbraMtaDnsLookupsEnabled).toEqual(['FALSE']);
  });

  it('a single-valued attribute cannot get two values', () => {
    const { zm } = sim();
    expect(zm(['ma', 'alice@example.com', 'zimbraMailTransport', 'smtp:a', 'zimbraMailTransport', 'smtp:b']).stderr).toMatch(
      /^ERROR: account\.INVALID_ATTR_VALUE \(.*cannot have multiple values.*\)\n$/,
    );
  });

  it('an attribute the entry class does not allow is an LDAP schema violation', () => {
    const { zm } = sim();
    expect(zm(['ma', 'alice@example.com', 'zimbraMtaRelayHost', 'x']).stderr).toMatch(/^ERROR: service\.INVALID_REQUEST \(invalid request: LDAP schema violation: /);
  });
});

describe('createAccount (§1.2, §4.2, §5)', () => {
  it('prints the new zimbraId, assigns mail host and lmtp transport', () => {
    const { zm, state } = sim();
    const r = zm(['ca', 'carol@example.com', '', 'displayName', 'Carol C']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: '00000000-0000-4000-8000-000000000001\n' });
    const a = state.accounts['carol@example.com'];
    expect(a.zimbraMailHost).toEqual(['zimbra.example.com']);
    expect(a.zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
    expect(a.zimbraAccountStatus).toEqual(['active']);
    expect(a.zimbraMailStatus).toEqual(['enabled']);
    expect(a.zimbraMailDeliveryAddress).toEqual(['carol@example.com']);
    expect(a.cn).toEqual(['Carol C']);
    expect(a.userPassword).toBeUndefined();
  });

  it('a ca line that sets zimbraMailTransport leaves the account without zimbraMailHost', () => {
    const { zm, state } = sim();
    zm(['ca', 'bar@example.com', '', 'zimbraAccountStatus', 'locked', 'zimbraMailTransport', 'smtp:[mail.example.com]:25']);
    const a = state.accounts['bar@example.com'];
    expect(a.zimbraMailHost).toBeUndefined();
    expect(a.zimbraMailTransport).toEqual(['smtp:[mail.example.com]:25']);
    expect(a.zimbraMailStatus).toEqual(['enabled']);
  });

  it('checks the password only when one is given', () => {
    const { zm, state } = sim();
    expect(zm(['ca', 'p1@example.com', 'abc']).stderr).toBe('ERROR: account.INVALID_PASSWORD (invalid password: too short)\n');
    expect(state.accounts['p1@example.com']).toBeUndefined();
    expect(zm(['ca', 'p1@example.com', 'long-enough-secret']).exitCode).toBe(0);
    expect(zm(['ga', '-e', 'p1@example.com', 'userPassword']).stdout).toBe('# name p1@example.com\nuserPassword: VALUE-BLOCKED\n\n');
  });

  it('a missing domain, an existing address, an existing alias', () => {
    const { zm } = sim();
    expect(zm(['ca', 'x@nowhere.org', '']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.org)\n');
    expect(zm(['ca', 'Alice@Example.com', '']).stderr).toBe(
      'ERROR: account.ACCOUNT_EXISTS (email address already exists: alice@example.com, at DN: uid=alice,ou=people,dc=example,dc=com)\n',
    );
    zm(['aaa', 'alice@example.com', 'al@example.com']);
    expect(zm(['ca', 'al@example.com', '']).stderr).toMatch(/^ERROR: account\.ACCOUNT_EXISTS \(email address already exists: al@example\.com, at DN: uid=al,/);
  });

  it('account status on ca: closed/pending disable mail, others enable it', () => {
    const { zm, state } = sim();
    zm(['ca', 'c1@example.com', '', 'zimbraAccountStatus', 'closed']);
    zm(['ca', 'c2@example.com', '', 'zimbraAccountStatus', 'locked']);
    expect(state.accounts['c1@example.com'].zimbraMailStatus).toEqual(['disabled']);
    expect(state.accounts['c2@example.com'].zimbraMailStatus).toEqual(['enabled']);
  });
});

describe('callbacks on modify', () => {
  it('AccountStatus: closed/pending force mail disabled, others enable unless set, unsetting is refused', () => {
    const { zm, state } = sim();
    const status = () => state.accounts['bob@example.com'].zimbraMailStatus;
    zm(['ma', 'bob@example.com', 'zimbraAccountStatus', 'closed']);
    expect(status()).toEqual(['disabled']);
    zm(['ma', 'bob@example.com', 'zimbraAccountStatus', 'locked']);
    expect(status()).toEqual(['enabled']);
    zm(['ma', 'bob@example.com', 'zimbraAccountStatus', 'active', 'zimbraMailStatus', 'disabled']);
    expect(status()).toEqual(['disabled']);
    zm(['ma', 'bob@example.com', 'zimbraAccountStatus', 'pending', 'zimbraMailStatus', 'enabled']);
    expect(status()).toEqual(['disabled']);
    expect(zm(['ma', 'bob@example.com', 'zimbraAccountStatus', '']).stderr).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: zimbraAccountStatus is a required attribute)\n',
    );
  });

  it('MailHost: both in one request refused; after an smtp transport a host change is a mismatch', () => {
    const { zm, state } = sim();
    expect(zm(['ma', 'bob@example.com', 'zimbraMailHost', 'zimbra.example.com', 'zimbraMailTransport', 'smtp:x']).stderr).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: setting both zimbraMailHost and zimbraMailTransport in the same request is not allowed)\n',
    );
    zm(['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25']);
    expect(zm(['ma', 'bob@example.com', 'zimbraMailHost', 'zimbra.example.com']).stderr).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: current value of zimbraMailHost does not match zimbraMailTransport, computed mail transport from current zimbraMailHost=lmtp:zimbra.example.com:7025, current zimbraMailTransport=smtp:[mail.example.com]:25)\n',
    );
    // Put the transport back first (§4.2 caveat 2), then the host change works and recomputes it.
    zm(['ma', 'bob@example.com', 'zimbraMailTransport', 'lmtp:zimbra.example.com:7025']);
    expect(zm(['ma', 'bob@example.com', 'zimbraMailHost', 'zimbra.example.com']).exitCode).toBe(0);
    expect(state.accounts['bob@example.com'].zimbraMailTransport).toEqual(['lmtp:zimbra.example.com:7025']);
    expect(zm(['ma', 'bob@example.com', 'zimbraMailHost', 'mbx9.example.com']).stderr).toBe(
      'ERROR: service.INVALID_REQUEST (invalid request: specified zimbraMailHost does not correspond to a valid server service hostname: mbx9.example.com)\n',
    );
  });
});

describe('deleteAccount', () => {
  it('accepts the primary name or the id, not an alias', () => {
    const { zm, state } = sim();
    zm(['aaa', 'bob@example.com', 'robert@example.com']);
    expect(zm(['da', 'robert@example.com']).stderr).toBe(
      "ERROR: service.INVALID_REQUEST (invalid request: argument to deleteAccount must be an account id or the account's primary name)\n",
    );
    const id = state.accounts['bob@example.com'].zimbraId[0];
    expect(zm(['da', id])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(state.accounts['bob@example.com']).toBeUndefined();
    expect(zm(['ga', 'robert@example.com']).exitCode).toBe(2);
  });

  it('-l da asks for confirmation on stdin (single mode) and leaves the mailbox orphaned', () => {
    const { zm, state, log } = sim();
    const no = zm(['-l', 'da', 'alice@example.com'], { stdin: '' });
    expect(no.exitCode).toBe(0);
    expect(no.stdout).toBe(
      '-l option is specified.  Only the LDAP entry of the account will be deleted.\nDB data of the account and associated blobs will not be deleted.\n\nContinue? [Y]es, [N]o: aborted\n',
    );
    expect(state.accounts['alice@example.com']).toBeDefined();
    expect(zm(['-l', 'da', 'alice@example.com'], { stdin: 'Y\n' }).exitCode).toBe(0);
    expect(state.accounts['alice@example.com']).toBeUndefined();
    expect(log.filter((r) => r.type === 'orphaned-mailbox')).toMatchObject([{ account: 'alice@example.com', mailHost: 'zimbra.example.com' }]);
  });

  it('-l da in a -f batch is confirmed automatically', () => {
    const { batch, state, log } = sim();
    const r = batch(['da alice@example.com'], ['-l', '-v']);
    expect(r.stdout).toBe('prov> da alice@example.com\nprov> ');
    expect(state.accounts['alice@example.com']).toBeUndefined();
    expect(log.some((x) => x.type === 'orphaned-mailbox')).toBe(true);
  });

  it('-l da on piped stdin takes the NEXT command line as the answer (the §2.1 trap)', () => {
    const { zm, state } = sim();
    const r = zm(['-l', '-v'], { stdin: 'da alice@example.com\nma bob@example.com displayName Robert\nga -e bob@example.com displayName\n' });
    expect(r.stdout).toBe(
      'prov> da alice@example.com\n-l option is specified.  Only the LDAP entry of the account will be deleted.\nDB data of the account and associated blobs will not be deleted.\n\n' +
        'Continue? [Y]es, [N]o: aborted\nprov> ga -e bob@example.com displayName\n# name bob@example.com\ndisplayName: Bob Baker\n\nprov> ',
    );
    expect(state.accounts['alice@example.com']).toBeDefined();
    expect(state.accounts['bob@example.com'].displayName).toEqual(['Bob Baker']);
  });
});

describe('flushCache', () => {
  it('is SOAP only', () => {
    const { zm, log } = sim();
    expect(zm(['-l', 'fc', 'account', 'alice@example.com'])).toMatchObject({
      exitCode: 2,
      stderr: 'ERROR: service.INVALID_REQUEST (invalid request: can only be used with SOAP)\n',
    });
    expect(zm(['fc', '-a', 'account', 'alice@example.com'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(log.filter((r) => r.type === 'flush')).toMatchObject([{ cacheType: 'account', entries: ['alice@example.com'], allServers: true }]);
    expect(zm(['fc', '-a']).exitCode).toBe(1);
  });
});

describe('aliases, search, domains', () => {
  it('aaa/raa keep zimbraMailAlias and mail in step', () => {
    const { zm, state } = sim();
    zm(['aaa', 'alice@example.com', 'Sales@Example.com']);
    expect(state.accounts['alice@example.com'].zimbraMailAlias).toEqual(['sales@example.com']);
    expect(state.accounts['alice@example.com'].mail).toEqual(['alice@example.com', 'sales@example.com']);
    expect(zm(['aaa', 'bob@example.com', 'sales@example.com']).stderr).toMatch(/^ERROR: account\.ACCOUNT_EXISTS /);
    expect(zm(['aaa', 'bob@example.com', 'x@nowhere.org']).stderr).toBe('ERROR: account.NO_SUCH_DOMAIN (no such domain: nowhere.org)\n');
    zm(['raa', 'alice@example.com', 'sales@example.com']);
    expect(state.accounts['alice@example.com'].zimbraMailAlias).toBeUndefined();
    expect(zm(['raa', 'alice@example.com', 'sales@example.com']).stderr).toBe('ERROR: account.NO_SUCH_ALIAS (no such alias: sales@example.com)\n');
  });

  it('sa finds accounts with an LDAP filter', () => {
    const { zm } = sim();
    zm(['ma', 'bob@example.com', 'zimbraMailCatchAllAddress', '@example.com']);
    expect(zm(['-l', 'sa', '(zimbraMailCatchAllAddress=@example.com)']).stdout).toBe('bob@example.com\n');
    expect(zm(['sa', '(&(zimbraAccountStatus=active)(uid=a*))']).stdout).toBe('admin@example.com\nalice@example.com\n');
  });

  it('sa is charged like a listing for what it returns, a tenth of it for what it tests and leaves', () => {
    const { zm, log } = sim();
    const slept: number[] = [];
    const io = { listAccountUs: 100, lineUs: 5, sleep: (ms: number) => slept.push(ms) };
    // 3 accounts in example.com: 2 returned (2 lines), 1 tested and left
    expect(zm(['-l', 'sa', '(&(zimbraAccountStatus=active)(uid=a*))', 'types', 'accounts', 'domain', 'example.com'], io).stdout).toBe('admin@example.com\nalice@example.com\n');
    expect(log.filter((r) => r.type === 'read')).toEqual([{ type: 'read', command: 'searchAccounts', accounts: 2 }]);
    expect(slept.at(-1)).toBeCloseTo((2 * 100 + 100 / 10 + 2 * 5) / 1000, 6);
  });

  it('cad creates an alias domain with its catch-all key', () => {
    const { zm, state } = sim();
    expect(zm(['cad', 'example.net', 'example.com']).stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    const d = state.domains['example.net'];
    expect(d.zimbraDomainType).toEqual(['alias']);
    expect(d.zimbraMailCatchAllAddress).toEqual(['@example.net']);
    expect(d.zimbraDomainAliasTargetId).toEqual(state.domains['example.com'].zimbraId);
    expect(zm(['cd', 'example.net']).stderr).toBe('ERROR: account.DOMAIN_EXISTS (domain already exists: example.net)\n');
    expect(zm(['dd', 'example.com']).stderr).toBe('ERROR: account.DOMAIN_NOT_EMPTY (domain not empty: example.com)\n');
  });

  it('the routing subdomain as an alias domain: gd before (no such domain), cd with zimbraDomainType alias, dd', () => {
    const { zm, state } = sim();
    const route = 'zimbra-route.example.com';
    expect(zm(['gd', '-e', route, 'zimbraDomainType'])).toMatchObject({ exitCode: 2, stdout: '', stderr: `ERROR: account.NO_SUCH_DOMAIN (no such domain: ${route})\n` });
    const before = serializeState(state);
    const cd = zm(['cd', route, 'zimbraDomainType', 'alias', 'zimbraMailCatchAllAddress', `@${route}`, 'zimbraMailCatchAllForwardingAddress', '@example.com']);
    expect(cd).toMatchObject({ exitCode: 0, stderr: '' });
    expect(cd.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(zm(['gd', '-e', route, 'zimbraDomainType', 'zimbraMailCatchAllAddress', 'zimbraMailCatchAllForwardingAddress', 'zimbraMailStatus']).stdout).toBe(
      `# name ${route}\nzimbraDomainType: alias\nzimbraMailCatchAllAddress: @${route}\nzimbraMailCatchAllForwardingAddress: @example.com\nzimbraMailStatus: enabled\n\n`,
    );
    expect(zm(['cd', route]).stderr).toBe(`ERROR: account.DOMAIN_EXISTS (domain already exists: ${route})\n`);
    expect(zm(['dd', route])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(serializeState(state)).toBe(before);
    expect(zm(['dd', route]).stderr).toBe(`ERROR: account.NO_SUCH_DOMAIN (no such domain: ${route})\n`);
  });

  it('createDomain gives any alias domain the catch-all key of its own name (LdapProvisioning.createDomain)', () => {
    const { zm, state } = sim();
    zm(['cd', 'alias.example.org', 'zimbraDomainType', 'alias', 'zimbraMailCatchAllAddress', '@other.example.org', 'zimbraMailCatchAllForwardingAddress', '@example.com']);
    expect(state.domains['alias.example.org'].zimbraMailCatchAllAddress).toEqual(['@alias.example.org']);
    zm(['cd', 'local.example.org', 'zimbraMailCatchAllAddress', '@local.example.org']);
    expect(state.domains['local.example.org']).toMatchObject({ zimbraDomainType: ['local'], zimbraMailCatchAllAddress: ['@local.example.org'] });
  });
});

describe('batch mode (-f and stdin)', () => {
  it('prompts before each line, echoes with -v, ends with a bare prompt at EOF, exits 0 despite errors', () => {
    const { batch } = sim();
    const r = batch(['ga -e bob@example.com uid', 'ga nobody@example.com', 'ma bob@example.com displayName', '# a comment', '', 'bogus']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      'prov> ga -e bob@example.com uid\n# name bob@example.com\nuid: bob\n\n' +
        'prov> ga nobody@example.com\n' +
        `prov> ma bob@example.com displayName\n${USAGE_MA}` +
        "prov> # a comment\nUnknown command. Type: 'help commands' for a list\n" +
        'prov> \n' +
        "prov> bogus\nUnknown command. Type: 'help commands' for a list\n" +
        'prov> ',
    );
    expect(r.stderr).toMatch(/^ERROR: account\.NO_SUCH_ACCOUNT \(no such account: nobody@example\.com\)\n/);
    // Interleaved: the ERROR line sits right after its command's echo.
    expect(r.combined).toContain('prov> ga nobody@example.com\nERROR: account.NO_SUCH_ACCOUNT (no such account: nobody@example.com)\n');
  });

  it('without -v there is no echo', () => {
    const { batch } = sim();
    expect(batch(['gcf zimbraMtaSmtpDnsSupportLevel'], []).stdout).toBe('prov> zimbraMtaSmtpDnsSupportLevel: enabled\nprov> ');
  });

  it('exit/quit: 2 after a ServiceException, 0 otherwise (usage errors do not count)', () => {
    expect(sim().batch(['ga nobody@example.com', 'exit']).exitCode).toBe(2);
    expect(sim().batch(['ma bob@example.com x', 'bogus', 'quit']).exitCode).toBe(0);
    const r = sim().batch(['exit', 'ma bob@example.com displayName Never']);
    expect(r.stdout).toBe('prov> exit\n');
  });

  it('continues after errors and applies the good lines', () => {
    const { batch, state } = sim();
    batch(['ma nobody@example.com displayName X', 'ma bob@example.com displayName Robert', 'exit']);
    expect(state.accounts['bob@example.com'].displayName).toEqual(['Robert']);
  });

  it('joins a line ending in a backslash with the next', () => {
    const { batch, state } = sim();
    const r = batch(['ma bob@example.com \\', "displayName 'Bob B'"]);
    expect(r.stdout).toBe("prov> ma bob@example.com displayName 'Bob B'\nprov> ");
    expect(state.accounts['bob@example.com'].displayName).toEqual(['Bob B']);
  });

  it('a safeguarded attribute replaced with one value aborts the whole batch with exit 2', () => {
    const { batch, state } = sim();
    const r = batch(['ma bob@example.com displayName One', 'ms zimbra.example.com zimbraServiceEnabled mta', 'ma bob@example.com displayName Two', 'exit']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('error: cannot replace multi-valued attr value unless -r is specified\n');
    expect(r.stdout).toBe('prov> ma bob@example.com displayName One\nprov> ms zimbra.example.com zimbraServiceEnabled mta\n');
    expect(state.accounts['bob@example.com'].displayName).toEqual(['One']);
    expect(state.servers['zimbra.example.com'].zimbraServiceEnabled).toContain('mailbox');
  });

  it('the safeguard does not apply with -r, with two values, or to +/-', () => {
    const { batch, state } = sim();
    expect(batch(['ms zimbra.example.com zimbraServiceEnabled mta zimbraServiceEnabled ldap', 'exit']).exitCode).toBe(0);
    expect(state.servers['zimbra.example.com'].zimbraServiceEnabled).toEqual(['mta', 'ldap']);
    expect(batch(['ms zimbra.example.com +zimbraServiceEnabled mailbox', 'exit']).exitCode).toBe(0);
    expect(batch(['ms zimbra.example.com zimbraServiceEnabled mta', 'exit'], ['-r', '-v']).exitCode).toBe(0);
    expect(state.servers['zimbra.example.com'].zimbraServiceEnabled).toEqual(['mta']);
  });

  it('commands on stdin behave the same', () => {
    const { zm } = sim();
    const r = zm(['-v'], { stdin: 'ga nobody@example.com\nexit\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('prov> ga nobody@example.com\nprov> exit\n');
  });

  it('a missing -f file is an uncaught Java exception (exit 1)', () => {
    const { zm } = sim();
    const r = zm(['-f', '/no/such.zmp'], {
      readFile: () => {
        throw new Error('ENOENT');
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('Exception in thread "main" java.io.FileNotFoundException: /no/such.zmp (No such file or directory)');
  });

  it('an empty attribute name crashes the JVM mid-batch: later lines never run', () => {
    const { batch, state } = sim();
    const r = batch(["ma bob@example.com '' x", 'ma bob@example.com displayName Never', 'exit']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Exception in thread "main" java\.lang\.StringIndexOutOfBoundsException/);
    expect(state.accounts['bob@example.com'].displayName).toEqual(['Bob Baker']);
  });
});

describe('failure injection', () => {
  it('makes matching lines fail with service.FAILURE by default', () => {
    const { batch, state, log } = sim();
    const r = batch(['ma alice@example.com displayName A', 'ma bob@example.com displayName B', 'exit'], ['-v'], { inject: { match: /^ma bob@/ } });
    expect(r.exitCode).toBe(2);
    expect(r.combined).toContain('prov> ma bob@example.com displayName B\nERROR: service.FAILURE (system failure: injected)\n');
    expect(state.accounts['alice@example.com'].displayName).toEqual(['A']);
    expect(state.accounts['bob@example.com'].displayName).toEqual(['Bob Baker']);
    expect(log.filter((x) => x.type === 'inject')).toHaveLength(1);
  });

  it('nth, once and a chosen code', () => {
    const { batch } = sim();
    const lines = ['ma alice@example.com displayName A', 'ma bob@example.com displayName B', 'exit'];
    const nth = batch(lines, ['-v'], { inject: { match: '^ma ', nth: 2, code: 'account.NO_SUCH_ACCOUNT (no such account: bob@example.com)' } });
    expect(nth.stderr.split('\n')[0]).toBe('ERROR: account.NO_SUCH_ACCOUNT (no such account: bob@example.com)');
    expect(nth.combined.indexOf('ERROR')).toBeGreaterThan(nth.combined.indexOf('prov> ma bob'));
    const once = batch(lines, ['-v'], { inject: { match: '^ma ', once: true } });
    expect(once.stderr.match(/ERROR/g)).toHaveLength(1);
    expect(batch(lines, ['-v'], { inject: { match: '^ma ', once: true, firedBefore: 1 } }).exitCode).toBe(0);
  });

  it('mailboxd down: SOAP mode fails before the first prompt; -l still works', () => {
    const { batch, zm } = sim();
    const r = batch(['ga bob@example.com', 'exit'], [], { soapDown: true });
    expect(r).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'ERROR: zclient.IO_ERROR (invoke Connection refused, server: localhost) (cause: java.net.ConnectException Connection refused)\n',
    });
    expect(zm(['-l', 'ga', 'bob@example.com', 'uid'], { soapDown: true }).exitCode).toBe(0);
  });
});

describe('determinism of the state', () => {
  it('a change followed by its exact inverse leaves the serialised state byte-identical', () => {
    const { zm, state } = sim();
    const before = serializeState(state);
    const steps: [string[], string[]][] = [
      [['ca', 'ph@example.com', '', 'zimbraAccountStatus', 'locked'], ['da', 'ph@example.com']],
      [['ma', 'bob@example.com', 'zimbraMailTransport', 'smtp:[mail.example.com]:25'], ['ma', 'bob@example.com', 'zimbraMailTransport', 'lmtp:zimbra.example.com:7025']],
      [['md', 'example.com', 'zimbraMailCatchAllAddress', '@example.com', 'zimbraMailCatchAllForwardingAddress', '@example.com'], ['md', 'example.com', 'zimbraMailCatchAllAddress', '', 'zimbraMailCatchAllForwardingAddress', '']],
      [['ms', 'zimbra.example.com', '+zimbraMtaMyNetworks', '192.0.2.10/32'], ['ms', 'zimbra.example.com', '-zimbraMtaMyNetworks', '192.0.2.10/32']],
      [['mcf', 'zimbraMtaRelayHost', '[mail.example.com]:25'], ['mcf', 'zimbraMtaRelayHost', '']],
      [['aaa', 'alice@example.com', 'a2@example.com'], ['raa', 'alice@example.com', 'a2@example.com']],
    ];
    for (const [change] of steps) expect(zm(change).exitCode).toBe(0);
    expect(serializeState(state)).not.toBe(before);
    for (const [, inverse] of [...steps].reverse()) expect(zm(inverse).exitCode).toBe(0);
    expect(serializeState(state)).toBe(before);
  });
});
