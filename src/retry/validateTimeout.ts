import { InvalidArgumentError } from '../errors/InvalidArgumentError';

/**
 * Checks an optional operation timeout (milliseconds) at the call site: `undefined` passes (no
 * timeout), otherwise it must be a finite number greater than 0.
 * @throws InvalidArgumentError(name, 'must be a finite number of milliseconds greater than 0', value)
 * @example const timeout = validateTimeout('timeout', options.timeout);
 */
export function validateTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(name, 'must be a finite number of milliseconds greater than 0', value);
  }
  return value;
}
