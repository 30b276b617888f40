import { describe, expect, it } from 'vitest';
import type { Change, Entry } from '../../src/zimbra/commands.js';
import { changeArgv, changedAttr, existenceAttr, probeArgv } from '../../src/zimbra/commands.js';
import { inverseChange, isSatisfied, valuesAfter } from '../../src/plan/step.js';

const account: Entry = { kind: 'account', name: 'bob@example.com' };
const domain: Entry = { kind: 'domain', name: 'zimbra-route.example.com' };
const createAlias: Change = {
  op: 'create',
  attrs: [
    ['zimbraDomainType', 'alias'],
    ['zimbraMailCatchAllAddress', '@zimbra-route.example.com'],
    ['zimbraMailCatchAllForwardingAddress', '@example.com'],
  ],
};

describe('create and delete, by entry kind', () => {
  it('an account: ca with an empty password, da; its existence is zimbraAccountStatus', () => {
    const create: Change = { op: 'create', attrs: [['zimbraAccountStatus', 'locked']] };
    expect(changeArgv(account, create)).toEqual(['ca', 'bob@example.com', '', 'zimbraAccountStatus', 'locked']);
    expect(changeArgv(account, { op: 'delete' })).toEqual(['da', 'bob@example.com']);
    expect(changedAttr(create, 'account')).toBe('zimbraAccountStatus');
    expect(valuesAfter(create, null, 'account')).toEqual(['locked']);
    expect(valuesAfter({ op: 'create', attrs: [] }, null, 'account')).toEqual(['active']);
  });

  it('a domain: cd without a password, dd; its existence is zimbraDomainType', () => {
    expect(changeArgv(domain, createAlias)).toEqual([
      'cd',
      'zimbra-route.example.com',
      'zimbraDomainType',
      'alias',
      'zimbraMailCatchAllAddress',
      '@zimbra-route.example.com',
      'zimbraMailCatchAllForwardingAddress',
      '@example.com',
    ]);
    expect(changeArgv(domain, { op: 'delete' })).toEqual(['dd', 'zimbra-route.example.com']);
    expect(changedAttr(createAlias, 'domain')).toBe('zimbraDomainType');
    expect(changedAttr({ op: 'delete' }, 'domain')).toBe('zimbraDomainType');
    expect(existenceAttr('domain')).toEqual({ attr: 'zimbraDomainType', initial: 'local' });
    expect(probeArgv(domain, [changedAttr(createAlias, 'domain')])).toEqual(['gd', '-e', 'zimbra-route.example.com', 'zimbraDomainType']);
    expect(valuesAfter(createAlias, null, 'domain')).toEqual(['alias']);
    expect(valuesAfter({ op: 'create', attrs: [] }, null, 'domain')).toEqual(['local']);
    expect(valuesAfter(createAlias, ['alias'], 'domain')).toEqual(['alias']);
    expect(valuesAfter({ op: 'delete' }, ['alias'], 'domain')).toBeNull();
  });

  it('a missing domain is created and undone by deleting it; an existing one is left alone; a deletion is never undone', () => {
    expect(isSatisfied(createAlias, null)).toBe(false);
    expect(inverseChange(createAlias, null)).toEqual({ op: 'delete' });
    expect(changeArgv(domain, inverseChange(createAlias, null)!)).toEqual(['dd', 'zimbra-route.example.com']);
    expect(isSatisfied(createAlias, ['alias'])).toBe(true);
    expect(inverseChange(createAlias, ['alias'])).toBeNull();
    expect(() => inverseChange({ op: 'delete' }, ['alias'])).toThrow(/does not undo a deletion/);
  });
});
