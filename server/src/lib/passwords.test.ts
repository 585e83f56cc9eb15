import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { assertPasswordPolicy } from './passwords.js';

function refusal(password: string, email?: string): AppError {
  try {
    assertPasswordPolicy(password, email);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`"${password}" was accepted`);
}

describe('assertPasswordPolicy', () => {
  it('accepts a long, uncommon password that does not contain the email name', () => {
    expect(() => assertPasswordPolicy('plum-harbour-sextant-42', 'gina@brightside.test')).not.toThrow();
  });

  it('names one broken rule as a sentence', () => {
    const error = refusal('short');
    expect(error.code).toBe('weak_password');
    expect(error.message).toBe('Choose a password that has at least 12 characters.');
  });

  it('names a common password', () => {
    expect(refusal('Password1234').message).toBe('Choose a password that is not a commonly used password.');
  });

  it('joins several broken rules with "and"', () => {
    const error = refusal('gina', 'gina@brightside.test');
    expect(error.message).toBe(
      'Choose a password that has at least 12 characters and does not contain the name in your email address.',
    );
    expect(error.details).toEqual({
      requirements: ['has at least 12 characters', 'does not contain the name in your email address'],
    });
  });

  it('ignores an email name shorter than four characters', () => {
    expect(() => assertPasswordPolicy('jo-plum-harbour-sextant', 'jo@example.test')).not.toThrow();
  });
});
