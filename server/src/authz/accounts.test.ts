import { describe, expect, it } from 'vitest';
import { ACCOUNT_ABILITY_KEYS } from '@shared/accounts';
import { ACCOUNT_ROLE_ACTIONS, AccountRoleSchema, type AccountAction } from '@shared/permissions';
import { AppError } from '../lib/errors';
import { accountAbilities, accountCan, assertAccountCan, type AccountAccess } from './accounts';

const access = (
  role: AccountAccess['role'],
  status: AccountAccess['status'],
  from: Partial<Pick<AccountAccess, 'fromPartnerWorkspace' | 'guestAdmin'>> = {},
): AccountAccess => ({
  accountId: '00000000-0000-4000-8000-000000000001',
  workspaceId: '00000000-0000-4000-8000-000000000002',
  label: 'Brand Instagram',
  role,
  status,
  fromPartnerWorkspace: from.fromPartnerWorkspace ?? false,
  guestAdmin: from.guestAdmin ?? false,
});

/** Actions a role allows only from some places: where the decision also needs the context. */
const CONTEXTUAL: ReadonlySet<string> = new Set(['requestAccess', 'shareWithGuests']);

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
        if (CONTEXTUAL.has(key)) continue;
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

  it('a Manager requests access only from a partner workspace, and shares with guests only as a Guest Admin here', () => {
    const hostGuest = access('manager', 'active', { fromPartnerWorkspace: true });
    expect(accountAbilities(hostGuest)).toMatchObject({ requestAccess: true, shareWithGuests: false });
    // A guest workspace's Admin is not a local partner's Guest Admin, even if the flag were set.
    expect(accountCan({ ...hostGuest, guestAdmin: true }, 'account.shareWithGuests')).toBe(false);
    const guestAdmin = access('manager', 'active', { guestAdmin: true });
    expect(accountAbilities(guestAdmin)).toMatchObject({ requestAccess: false, shareWithGuests: true });
    expect(accountCan(access('manager', 'active'), 'account.shareWithGuests')).toBe(false);
    // Collaborators do neither, wherever they hold the account.
    expect(accountCan(access('collaborator', 'active', { guestAdmin: true }), 'account.shareWithGuests')).toBe(false);
    expect(accountCan(access('collaborator', 'active', { fromPartnerWorkspace: true }), 'account.requestAccess')).toBe(false);
    // A deleted account: nothing.
    expect(accountCan(access('manager', 'deleted', { guestAdmin: true }), 'account.shareWithGuests')).toBe(false);
    expect(codeOf(() => assertAccountCan(access('manager', 'active'), 'account.shareWithGuests'))).toBe('forbidden');
    expect(codeOf(() => assertAccountCan(access('manager', 'active', { guestAdmin: true }), 'account.requestAccess'))).toBe('forbidden');
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
