import { describe, expect, it } from 'vitest';
import { summarizeActivity } from './activity.summary';

describe('summarizeActivity', () => {
  it('describes a share with the account label, the person and the role', () => {
    expect(
      summarizeActivity('Sharing Of Account', { accountLabel: 'Acme Instagram', targetEmail: 'sam@example.com', role: 'collaborator' }, 'Olive'),
    ).toBe('Olive shared “Acme Instagram” with sam@example.com as Collaborator');
  });

  it('names roles with their product labels', () => {
    expect(summarizeActivity('User Updated', { targetEmail: 'a@x.test', fromRole: 'login_only', toRole: 'admin' }, 'Olive')).toBe(
      'Olive changed a@x.test’s role from Login-Only to Admin',
    );
  });

  it('says which secret was revealed', () => {
    expect(summarizeActivity('Password Retrieved', { accountLabel: 'X', field: 'totp' }, 'Olive')).toBe(
      'Olive revealed the authenticator key of “X”',
    );
  });

  it('words a failed sign-in without an actor', () => {
    expect(summarizeActivity('Login To Latchkey Failed', { reason: 'invalid_credentials' }, null)).toBe(
      'A sign-in failed (wrong email or password)',
    );
  });

  it('counts with singular and plural', () => {
    expect(summarizeActivity('Password Changed', { endedSessions: 1 }, 'O')).toBe('O changed their password (1 other session ended)');
    expect(summarizeActivity('Password Changed', { endedSessions: 3 }, 'O')).toBe('O changed their password (3 other sessions ended)');
  });

  it('falls back to the event name for an unknown type or a payload that does not parse', () => {
    expect(summarizeActivity('Something New', {}, 'Olive')).toBe('Olive: Something New');
    expect(summarizeActivity('Sharing Of Account', { accountLabel: 5 }, null)).toBe('Latchkey: Sharing Of Account');
  });

  describe('host-guest partnerships', () => {
    const P = { partnershipId: 'p1', hostWorkspaceName: 'Acme', guestWorkspaceName: 'Agency' };
    const A = { ...P, accountLabel: 'Acme Instagram' };
    it.each([
      ['Partnership Requested', { ...P, partnerEmail: 'g@agency.test', autoApproved: false }, 'Olive requested a partnership with “Agency” (g@agency.test)'],
      [
        'Partnership Requested',
        { ...P, partnerEmail: 'g@agency.test', autoApproved: true },
        'Olive requested a partnership with “Agency” (g@agency.test), approved automatically',
      ],
      ['Partnership Accepted', { ...P, side: 'host' }, 'Olive approved the partnership request from “Acme” to “Agency”'],
      ['Partnership Accepted', { ...P, side: 'guest' }, 'Olive accepted the partnership with “Acme”'],
      ['Partnership Declined', { ...P, side: 'host' }, 'Olive declined the partnership request from “Acme” to “Agency”'],
      ['Partnership Declined', { ...P, side: 'guest', reason: 'Not now' }, 'Olive declined the partnership with “Acme”: “Not now”'],
      ['Partnership Updated', { ...P, change: 'reminder_sent' }, 'Olive sent a reminder about the partnership between “Acme” and “Agency”'],
      ['Partnership Updated', { ...P, change: 'request_resent' }, 'Olive resent the partnership request to “Agency”'],
      ['Partnership Updated', { ...P, change: 'details_edited', fields: ['reason'] }, 'Olive edited the partnership between “Acme” and “Agency” (reason)'],
      [
        'Partnership Updated',
        { ...P, change: 'setting_changed', fields: ['expiresAfterDays'] },
        'Olive changed a setting of the partnership between “Acme” and “Agency” (expiresAfterDays)',
      ],
      ['Partnership Updated', { ...P, change: 'owner_added', targetEmail: 'o@acme.test' }, 'Olive made o@acme.test an owner of the partnership between “Acme” and “Agency”'],
      [
        'Partnership Updated',
        { ...P, change: 'owner_removed', targetEmail: 'o@acme.test' },
        'Olive removed o@acme.test as an owner of the partnership between “Acme” and “Agency”',
      ],
      [
        'Partnership Updated',
        { ...P, change: 'owners_transferred', targetEmail: 'o@acme.test' },
        'Olive transferred the ownership of the partnership between “Acme” and “Agency” to o@acme.test',
      ],
      [
        'Partnership Updated',
        { ...P, change: 'guest_contact_changed', targetEmail: 'g2@agency.test' },
        'Olive made g2@agency.test the guest contact of the partnership between “Acme” and “Agency”',
      ],
      [
        'Partnership Removed',
        { ...P, side: 'guest', endedGrants: 3, cancelledRequests: 1 },
        'Olive removed the partnership between “Acme” and “Agency” (3 grants ended, 1 access request cancelled)',
      ],
      [
        'Partnership Removed',
        { ...P, side: 'host', endedGrants: 1, cancelledRequests: 0 },
        'Olive removed the partnership between “Acme” and “Agency” (1 grant ended)',
      ],
      [
        'Account Shared Via Partnership',
        { ...A, role: 'manager', targetEmail: 'g@agency.test' },
        'Olive shared “Acme Instagram” with “Agency” (g@agency.test as Manager)',
      ],
      [
        'Account Removed From Partnership',
        { ...A, endedGrants: 2, cancelledRequests: 2 },
        'Olive removed “Acme Instagram” from the partnership between “Acme” and “Agency” (2 grants ended, 2 access requests cancelled)',
      ],
      [
        'Access Requested',
        { ...A, targetEmail: 'm@agency.test', role: 'collaborator' },
        'Olive requested Collaborator access to “Acme Instagram” for m@agency.test',
      ],
      [
        'Access Request Accepted',
        { ...A, targetEmail: 'm@agency.test', role: 'manager' },
        'Olive accepted the request for m@agency.test: Manager access to “Acme Instagram”',
      ],
      ['Access Request Declined', { ...A, targetEmail: 'm@agency.test' }, 'Olive declined the request for m@agency.test to access “Acme Instagram”'],
      ['Access Request Cancelled', { ...A, targetEmail: 'm@agency.test' }, 'Olive cancelled the request for m@agency.test to access “Acme Instagram”'],
      [
        'Access Request Cancelled',
        { ...A, targetEmail: 'm@agency.test', reason: 'requester_lost_manager' },
        'Olive cancelled the request for m@agency.test to access “Acme Instagram” (the member who asked is no longer a Manager of it)',
      ],
      [
        'Account Role Updated',
        { accountLabel: 'X', targetEmail: 'm@agency.test', fromRole: 'collaborator', toRole: 'manager', partnershipId: 'p1' },
        'Olive changed m@agency.test’s role on “X” from Collaborator to Manager (through a partnership)',
      ],
      [
        'Account Access Removed',
        { accountLabel: 'X', targetEmail: 'm@agency.test', role: 'manager', partnershipId: 'p1' },
        'Olive removed m@agency.test’s access to “X” (through a partnership)',
      ],
    ])('%s: %j', (type, data, expected) => {
      expect(summarizeActivity(type, data, 'Olive')).toBe(expected);
    });

    it('words an expiry without an actor, with the state it left', () => {
      expect(summarizeActivity('Partnership Expired', { ...P, fromState: 'awaiting_guest_admin' }, null)).toBe(
        'The partnership request from “Acme” to “Agency” expired (awaiting partner\'s acceptance)',
      );
    });

    it('keeps the plain wording for direct grants (no partnershipId)', () => {
      expect(summarizeActivity('Account Access Removed', { accountLabel: 'X', targetEmail: 'a@x.test', role: 'owner' }, 'Olive')).toBe(
        'Olive removed a@x.test’s access to “X”',
      );
    });

    it('names a masked host actor as given', () => {
      expect(summarizeActivity('Partnership Accepted', { ...P, side: 'host' }, 'Host user')).toBe(
        'Host user approved the partnership request from “Acme” to “Agency”',
      );
    });
  });
});
