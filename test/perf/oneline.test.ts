// A session line's answer parsed on the fast path is what the batch parser makes of it.
import { describe, expect, it } from 'vitest';
import { oneLine, PROMPT } from '../../src/exec/zmprov.js';
import { parseBatchOutput } from '../../src/zimbra/parse.js';

describe('session line results', () => {
  it('equal the -v -f batch parser for plain and failing answers alike', () => {
    const outputs = [
      '',
      '\n',
      '7f0c2e1a-0000-4000-8000-000000000001\n',
      '# name bob@example.com\nzimbraAccountStatus: locked\nzimbraMailTransport: smtp:[mail.example.com]:25\n\n',
      'ERROR: account.NO_SUCH_ACCOUNT (no such account: x@example.com)\n',
      '  ERROR: service.FAILURE (system failure: x)\n',
      'error: cannot specify both\n',
      'usage:  modifyAccount(ma) {name@domain|id} [attr1 value1 [attr2 value2...]]\n',
      'getAllAccounts can only be used with  "zmprov -l/--ldap"\n',
      "Unknown command. Type: 'help commands' for a list\n",
      'Exception in thread "main" java.lang.NullPointerException\n',
      'Warn: attribute zimbraFoo has been deprecated\n',
      'text\nprov> exit\n',
    ];
    for (const out of outputs) {
      const line = 'ma bob@example.com zimbraAccountStatus locked';
      expect(oneLine(line, out), JSON.stringify(out)).toEqual(parseBatchOutput(`${PROMPT}${line}\n${out}`, [line], 0).lines[0]);
    }
  });
});
