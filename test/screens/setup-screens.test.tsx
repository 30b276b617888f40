// Start, Role, Hosts and Accounts: keys, validation messages that name the field and the fix, back and forth.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { flat, KEY, startWizard, throughHosts } from './helpers.js';

afterEach(() => cleanup());

describe('Start', () => {
  it('says REHEARSAL plainly, shows what it found, and lists the jobs with unavailable ones explained', async () => {
    const t = startWizard();
    const f = await t.waitFor('First-time setup');
    expect(f.split('\n')[0]).toContain('REHEARSAL: simulated Zimbra, nothing real is changed');
    await t.waitFor('Host:    zimbra.example.com');
    expect(t.live()).toContain('REHEARSAL on the simulated Zimbra 10.1.0');
    expect(t.live()).toMatch(/Running as: /);
    for (const item of ['First-time setup', 'Cut over users', 'Unsplit cleanup', 'Resume the interrupted run', 'Roll back a run', 'Quit']) expect(t.live()).toContain(item);
    expect(t.live()).toContain('(no interrupted run)');
    expect(t.live()).toContain('(no run to roll back)');
  });

  it('skips the unavailable items with the arrows and quits with q', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.down, KEY.down, KEY.down);
    // Resume and Roll back are unavailable: the cursor lands on Quit
    expect(t.live()).toMatch(/^> Quit/m);
    await t.press(KEY.enter);
    expect(t.exits).toEqual([0]);
  });

  it('q quits at once when nothing runs', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press('q');
    expect(t.exits).toEqual([0]);
  });
});

describe('Role', () => {
  it('explains each role in terms of mail flow, picks the peer kind, and Esc goes back step by step', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter);
    let f = await t.waitFor("Zimbra's role");
    expect(f).toContain('Zimbra is authoritative');
    expect(f).toContain('rejects unknown ones');
    expect(f).toContain('The peer is authoritative');
    expect(f).toContain('forwards every other address');
    await t.press(KEY.down);
    expect(t.state().fields.role).toBe('secondary');
    await t.press(KEY.enter);
    expect(t.state().role.focus).toBe('peer');
    await t.press(KEY.down, KEY.down);
    expect(t.state().fields.peerKind).toBe('postfix');
    // Esc from the peer list goes back to the role, a second Esc to the start screen
    await t.press(KEY.esc);
    expect(t.state().role.focus).toBe('role');
    await t.press(KEY.esc);
    f = await t.waitFor('What do you want to do?');
    // forward again: the answers are kept
    await t.press(KEY.enter);
    await t.waitFor("Zimbra's role");
    expect(t.state().fields.role).toBe('secondary');
    expect(t.state().fields.peerKind).toBe('postfix');
  });
});

describe('Hosts', () => {
  it('offers the detected defaults and names the field and the fix for each bad value', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter, KEY.enter, KEY.enter);
    let f = await t.waitFor('Hosts and addresses');
    expect(f).toMatch(/Mail domain \.+ example\.com\s+\(detected\)/);
    expect(f).toMatch(/Zimbra MTA host \.+ zimbra\.example\.com\s+\(detected\)/);
    expect(f).toMatch(/Zimbra version \.+ 10\.1\.0\s+\(detected\)/);
    // A peer host that is no host name
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down);
    await t.type('mail;rm');
    await t.press(KEY.down);
    f = await t.waitFor('Also to fix: Peer SMTP host');
    expect(f).toMatch(/^! Peer SMTP host/m);
    await t.press(KEY.up);
    f = await t.waitFor((_s, fr) => flat(fr).includes('! Peer SMTP host: "mail;rm" is not a valid host name or IP address (no spaces, ; or other shell characters)'));
    // The peer is Zimbra itself: mail would loop
    for (let i = 0; i < 7; i++) await t.press(KEY.backspace);
    await t.type('zimbra.example.com');
    f = await t.waitFor('is also a Zimbra host');
    expect(flat(f)).toContain('mail would loop back to Zimbra');
    for (let i = 0; i < 18; i++) await t.press(KEY.backspace);
    await t.type('mail.example.com');
    await t.waitFor('The other mail system\'s SMTP host');
    // An open relay
    await t.press(KEY.down, KEY.down);
    await t.type('0.0.0.0/0');
    f = await t.waitFor('open relay');
    expect(flat(f)).toContain('Peer relay IPs: "0.0.0.0/0" would let every host on the internet relay through Zimbra (an open relay)');
    for (let i = 0; i < 9; i++) await t.press(KEY.backspace);
    // A whole block is refused unless the toggle allows it
    await t.type('10.0.0.0/16');
    f = await t.waitFor('wider than /24');
    expect(flat(f)).toContain('turn on "Allow wide networks" below if you really mean it');
    await t.press(KEY.down);
    await t.press(KEY.space);
    expect(t.state().fields.allowWideNetwork).toBe(true);
    await t.press(KEY.up);
    f = await t.waitFor('Addresses the peer relays from');
    expect(f).not.toContain('wider than');
  });

  it('keys typed faster than the screen redraws land in the field that has the focus; the caret edits inside the value', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter, KEY.enter, KEY.enter);
    await t.waitFor('Hosts and addresses');
    // four Downs and the text in one chunk: nothing is redrawn in between
    t.r.stdin.write(`${KEY.down.repeat(4)}mail.exmple.com`);
    await t.waitFor('Peer SMTP host ....... mail.exmple.com');
    expect(t.state().fields.zimbraVersion).toBe('10.1.0');
    for (let i = 0; i < 8; i++) await t.press(KEY.left);
    await t.type('a');
    await t.waitFor('Peer SMTP host ....... mail.example.com');
    expect(t.state().fields.peerHost).toBe('mail.example.com');
    // a paste that ends with a line break moves on, as Enter does
    await t.press(KEY.down, KEY.down);
    await t.type('192.0.2.10\r');
    await t.waitFor((s) => s.hosts.focus === 7 && s.fields.peerIp === '192.0.2.10');
  });

  it('Backspace bytes that arrive in one chunk, alone or mixed with text, each delete one character', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter, KEY.enter, KEY.enter);
    await t.waitFor('Hosts and addresses');
    t.r.stdin.write(`${KEY.down.repeat(4)}mail;reboot`);
    await t.waitFor('Peer SMTP host ....... mail;reboot');
    // key repeat: seven DELs in one read, then text with DELs mixed in
    t.r.stdin.write('\u007f'.repeat(7));
    await t.waitFor((s) => s.fields.peerHost === 'mail');
    t.r.stdin.write('X\u007f\u007f.example.com');
    await t.waitFor((s) => s.fields.peerHost === 'mai.example.com');
  });

  it('refuses to continue while a field is wrong, focusing it; Esc back and forth keeps the values', async () => {
    const t = startWizard();
    await t.waitFor('First-time setup');
    await t.press(KEY.enter, KEY.enter, KEY.enter);
    await t.waitFor('Hosts and addresses');
    // Straight to Continue with an empty peer host
    for (let i = 0; i < 8; i++) await t.press(KEY.down);
    await t.waitFor('[ Continue ]');
    await t.press(KEY.enter);
    const f = await t.waitFor('Peer SMTP host is required');
    expect(flat(f)).toContain("Peer SMTP host is required: the other mail system's SMTP host, e.g. mail.example.com");
    expect(t.state().screen).toBe('hosts');
    expect(t.state().hosts.focus).toBe(4);
    await t.type('mail.example.com');
    await t.press(KEY.esc);
    await t.waitFor("Zimbra's role");
    // back where it was left: on the peer kind
    expect(t.state().role.focus).toBe('peer');
    await t.press(KEY.enter);
    await t.waitFor('Hosts and addresses');
    expect(t.live()).toContain('Peer SMTP host ....... mail.example.com');
    // all valid: the cursor waits on Continue
    expect(t.live()).toMatch(/^> \[ Continue \]/m);
  });
});

describe('Accounts', () => {
  it('takes typed and pasted lines, counts them, shows duplicates and invalid lines, and drops them on request', async () => {
    const t = startWizard();
    await throughHosts(t);
    let f = await t.waitFor('Accounts that live on mail.example.com');
    expect(f).toContain('the list is empty');
    await t.press(KEY.enter); // Type or paste
    await t.waitFor('Type an address and Enter');
    await t.type('carol@example.com');
    await t.press(KEY.enter);
    // a paste: several lines at once, with an alias, a duplicate, a foreign domain and garbage
    await t.type('dave@example.com d.alias@example.com\rcarol@example.com\rx@other.org\rnot an address\r');
    f = await t.waitFor('2 account(s), 1 alias(es), 1 duplicate(s), 2 invalid line(s)');
    expect(f).toContain('line 3: "carol@example.com" is a duplicate of line 1');
    expect(f).toContain('line 4: "x@other.org" is not in example.com');
    await t.press(KEY.enter); // empty line: done typing
    f = await t.waitFor('Remove the 3 invalid or duplicate line(s)');
    expect(f).toContain('(fix or remove the 3 problem line');
    // the cursor waits on the removal
    expect(f).toMatch(/^> Remove the 3 invalid/m);
    await t.press(KEY.enter);
    f = await t.waitFor('2 account(s), 1 alias(es), 0 duplicate(s), 0 invalid line(s)');
    expect(f).toMatch(/^> Continue with 2 account\(s\)/m);
    // back to the hosts and forward again: the list is kept
    await t.press(KEY.esc);
    await t.waitFor('Hosts and addresses');
    await t.press(KEY.enter);
    await t.waitFor('2 account(s), 1 alias(es)');
  });

  it('reads a file, and reads the accounts live with one zmprov -l gaa', async () => {
    const t = startWizard();
    const file = t.file('peer.txt', '# people on postfix\nerin@example.com\nfrank@example.com  f@example.com\n');
    await throughHosts(t);
    await t.waitFor('Accounts that live on mail.example.com');
    await t.choose('Read them from a file');
    await t.press(KEY.enter);
    await t.waitFor('path:');
    await t.type('nope.txt');
    await t.press(KEY.enter);
    let f = await t.waitFor('Cannot read nope.txt: ENOENT');
    await t.press(KEY.esc);
    await t.choose('Read them from a file');
    await t.press(KEY.enter);
    await t.waitFor('path:');
    expect(t.state().accounts.path).toBe('nope.txt');
    for (let i = 0; i < 8; i++) await t.press(KEY.backspace);
    await t.type(file);
    await t.press(KEY.enter);
    f = await t.waitFor('Read 2 line(s) from');
    expect(f).toContain('2 account(s), 1 alias(es)');
    await t.choose('Read live from Zimbra');
    await t.press(KEY.enter);
    f = await t.waitFor('Read 3 account(s) from Zimbra');
    // the three are real mailboxes: none is offered as a peer user (issue 10)
    expect(f).toContain('2 account(s)');
    expect(t.state().fields.peerAccounts).not.toContain('alice@example.com');
    const gaa = t.r.frames.length > 0;
    expect(gaa).toBe(true);
  });
});

describe('Saved answers and flags', () => {
  it('saves the answers per domain in the state dir and offers to continue where it was left', async () => {
    const t = startWizard();
    await throughHosts(t);
    await t.waitFor('Accounts that live on');
    await t.press(KEY.enter);
    await t.type('carol@example.com\r');
    await t.press(KEY.esc);
    await t.waitFor(/^> Continue with 1 account/m);
    await t.press(KEY.enter);
    await t.waitFor('Mail flow after the plan');
    await t.press('q');
    expect(t.exits).toEqual([0]);
    cleanup();
    const again = startWizard({ dir: t.dir });
    const f = await again.waitFor('Continue the setup of example.com');
    expect(f).toMatch(/^> Continue the setup of example\.com\s+saved .*, at Accounts/m);
    await again.press(KEY.enter);
    await again.waitFor('Accounts that live on mail.example.com');
    expect(again.live()).toContain('1 account(s)');
    expect(again.state().fields.peerKind).toBe('postfix');
    // and back through the path it was on
    await again.press(KEY.esc);
    await again.waitFor('Hosts and addresses');
  });

  it('fills the form from the flags (every wizard answer has one)', async () => {
    const t = startWizard({ flags: ['--role', 'secondary', '--peer-kind', 'm365', '--peer-host', 'example-com.mail.protection.outlook.com', '--peer-ip', '192.0.2.0/28', '--domain', 'example.org'] });
    await t.waitFor('First-time setup');
    await t.press(KEY.enter);
    await t.waitFor("Zimbra's role");
    expect(t.state().fields.role).toBe('secondary');
    await t.press(KEY.enter, KEY.enter);
    const f = await t.waitFor('Hosts and addresses');
    expect(f).toContain('Mail domain .......... example.org');
    expect(f).toContain('Peer SMTP host ....... example-com.mail.protection.outlook.com');
    expect(f).toMatch(/^> \[ Continue \]/m);
  });
});
