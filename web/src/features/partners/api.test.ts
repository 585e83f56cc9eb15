import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { retryAfter, waitText } from './api';

describe('retryAfter', () => {
  it('reads the seconds of a rate_limited answer, whichever key the server used', () => {
    expect(retryAfter(new ApiError(429, 'rate_limited', 'Slow down', { retryAfterSeconds: 120 }))).toBe(120);
    expect(retryAfter(new ApiError(429, 'rate_limited', 'Slow down', { retryAfter: 30 }))).toBe(30);
  });
  it('is null for other errors and for a 429 without a wait', () => {
    expect(retryAfter(new ApiError(404, 'not_found', 'Nope', { retryAfterSeconds: 5 }))).toBeNull();
    expect(retryAfter(new ApiError(429, 'rate_limited', 'Slow down'))).toBeNull();
    expect(retryAfter(new Error('x'))).toBeNull();
  });
});

describe('waitText', () => {
  it('says seconds, minutes or hours', () => {
    expect(waitText(0.2)).toBe('in 1 second');
    expect(waitText(45)).toBe('in 45 seconds');
    expect(waitText(600)).toBe('in 10 minutes');
    expect(waitText(86_400)).toBe('in 24 hours');
  });
});
