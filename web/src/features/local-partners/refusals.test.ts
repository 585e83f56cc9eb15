import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { refusalField } from './refusals';

describe('refusalField (where "Invite your partners to your workspace" shows a refusal)', () => {
  it('follows the field the server names', () => {
    expect(refusalField(new ApiError(409, 'already_exists', 'A local partner named "X" already exists.', { field: 'companyName' }))).toBe('companyName');
    expect(refusalField(new ApiError(422, 'rule_violation', 'x@a.com is a Login-Only…', { field: 'hostAdminUserIds', userId: 'u' }))).toBe('hostAdminUserIds');
    expect(refusalField(new ApiError(422, 'rule_violation', 'same domain', { rule: 'R-LP-02', field: 'guestAdminEmail' }))).toBe('guestAdminEmail');
  });
  it('puts corporate-domain and already-a-guest refusals on the email', () => {
    expect(refusalField(new ApiError(422, 'rule_violation', 'x@acme.com is on acme.com…', { rule: 'R-LP-05', domain: 'acme.com' }))).toBe('guestAdminEmail');
    expect(refusalField(new ApiError(409, 'already_exists', 'x@b.com is already a guest of this workspace.', { rule: 'R-LP-04' }))).toBe('guestAdminEmail');
  });
  it('leaves everything else to the form-level message', () => {
    expect(refusalField(new ApiError(403, 'forbidden', 'Only Admins add local partners.'))).toBeNull();
    expect(refusalField(new ApiError(0, 'network_error', 'offline'))).toBeNull();
    expect(refusalField(new Error('boom'))).toBeNull();
  });
});
