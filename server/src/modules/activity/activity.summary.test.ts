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
});
