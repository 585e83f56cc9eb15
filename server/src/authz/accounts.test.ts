import { describe, expect, it } from 'vitest';
import { ACCOUNT_ABILITY_KEYS } from '@shared/accounts';
import { ACCOUNT_ROLE_ACTIONS, AccountRoleSchema, type AccountAction } from '@shared/permissions';
import { AppError } from '../lib/errors';
import { accountAbilities, accountCan, assertAccountCan, type AccountAccess } from './accounts';

const access = (role: AccountAccess['role'], status: AccountAccess['status']): AccountAccess => ({
  accountId: '00000000-0000-4000-8000-000000000001',
  workspaceId: '00000000-0000-4000-8000-000000000002',
  label: 'Brand Instagram',
  role,
  status,
});

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not-an-app-error';
  }
};

describe('account authorization decisions', () => {
  it('active accounts follow ACCOUNT_ROLE_ACTIONS exactly (restore aside)', () => {
    for (const role of AccountRoleSchema.options) {
      for (const key of ACCOUNT_ABILITY_KEYS) {
        const action = `account.${key}` as AccountAction;
        const expected = key === 'restore' ? false : ACCOUNT_ROLE_ACTIONS[role].includes(action);
        expect(accountCan(access(role, 'active'), action), `${role} ${action}`).toBe(expected);
      }
    }
  });

  it('a deleted account allows its Owner only view and restore', () => {
    const abilities = accountAbilities(access('owner', 'deleted'));
    expect(Object.entries(abilities).filter(([, v]) => v).map(([k]) => k).sort()).toEqual(['restore', 'view']);
  });

  it('Collaborators and Managers never reveal, share or delete', () => {
    for (const role of ['collaborator', 'manager'] as const) {
      const a = accountAbilities(access(role, 'active'));
      expect(a).toMatchObject({ view: true, login: true, revealSecret: false, share: false, delete: false, update: false });
    }
  });

  it('errors: 403 for the role, 409 for the status', () => {
    expect(codeOf(() => assertAccountCan(access('collaborator', 'active'), 'account.revealSecret'))).toBe('forbidden');
    expect(codeOf(() => assertAccountCan(access('owner', 'deleted'), 'account.update'))).toBe('conflict');
    expect(codeOf(() => assertAccountCan(access('owner', 'active'), 'account.restore'))).toBe('conflict');
    expect(codeOf(() => assertAccountCan(access('owner', 'active'), 'account.revealSecret'))).toBeNull();
    expect(codeOf(() => assertAccountCan(access('owner', 'deleted'), 'account.restore'))).toBeNull();
  });

  it('every ability key names a real account action', () => {
    const all = new Set(Object.values(ACCOUNT_ROLE_ACTIONS).flat());
    for (const key of ACCOUNT_ABILITY_KEYS) expect(all.has(`account.${key}` as AccountAction)).toBe(true);
    // …and every action some role holds has its ability key (requestAccess is the Manager's alone).
    expect(ACCOUNT_ABILITY_KEYS).toHaveLength(all.size);
  });
});
