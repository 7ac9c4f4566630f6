import { InvalidArgumentError } from '../../src/errors';
import { backoffDelay } from '../../src/retry/backoffDelay';
import { isRetryable } from '../../src/retry/isRetryable';
import { validateCount } from '../../src/retry/validateCount';
import { validateDuration } from '../../src/retry/validateDuration';
import { validateTimeout } from '../../src/retry/validateTimeout';
import { ServiceBusyError, SessionLockLostError } from '../../src/errors';

describe('validateTimeout', () => {
  it('passes undefined and finite numbers > 0', () => {
    expect(validateTimeout('timeout', undefined)).toBeUndefined();
    expect(validateTimeout('timeout', 1)).toBe(1);
    expect(validateTimeout('timeout', 0.5)).toBe(0.5);
  });
  it.each([0, -1, Number.NaN, Infinity, -Infinity, '100', null, {}])('rejects %p with an InvalidArgumentError naming the argument', (value) => {
    let thrown: unknown;
    try {
      validateTimeout('options.timeout', value);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect(thrown).toMatchObject({ argument: 'options.timeout', problem: 'must be a finite number of milliseconds greater than 0', value });
  });
});

describe('validateDuration', () => {
  it('applies allowZero / allowInfinity', () => {
    expect(validateDuration('d', undefined)).toBeUndefined();
    expect(validateDuration('d', 10)).toBe(10);
    expect(() => validateDuration('d', 0)).toThrow('Invalid d: must be a finite number of milliseconds greater than 0 (got 0).');
    expect(validateDuration('d', 0, { allowZero: true })).toBe(0);
    expect(() => validateDuration('d', Infinity)).toThrow(InvalidArgumentError);
    expect(validateDuration('d', Infinity, { allowInfinity: true })).toBe(Infinity);
    expect(() => validateDuration('d', -1, { allowZero: true, allowInfinity: true })).toThrow(
      'Invalid d: must be a number of milliseconds greater than or equal to 0 (or Infinity) (got -1).',
    );
    expect(() => validateDuration('d', Number.NaN, { allowZero: true, allowInfinity: true })).toThrow(InvalidArgumentError);
    expect(() => validateDuration('d', -Infinity, { allowInfinity: true })).toThrow(InvalidArgumentError);
  });
});

describe('validateCount', () => {
  it('accepts integers >= 0 and Infinity only', () => {
    expect(validateCount('n', undefined)).toBeUndefined();
    expect(validateCount('n', 0)).toBe(0);
    expect(validateCount('n', Infinity)).toBe(Infinity);
    for (const bad of [-1, 1.5, Number.NaN, '3']) expect(() => validateCount('n', bad)).toThrow(/Invalid n/);
  });
});

describe('backoffDelay / isRetryable', () => {
  it('grows exponentially, caps at maxDelay, spreads by jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, { delay: 500 }))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { delay: 500, mode: 'fixed' }))).toEqual([500, 500, 500]);
    expect(backoffDelay(10, { delay: 500, maxDelay: 3_000 })).toBe(3_000);
    expect(backoffDelay(1, { delay: 1_000, jitter: 0.2, random: () => 0 })).toBe(800);
    expect(backoffDelay(1, { delay: 1_000, jitter: 0.2, random: () => 0.5 })).toBe(1_000);
  });
  it('only retryable === true is transient', () => {
    expect(isRetryable(new ServiceBusyError('busy'))).toBe(true);
    expect(isRetryable(new SessionLockLostError('s', 'expired'))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable({ retryable: 'yes' })).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
