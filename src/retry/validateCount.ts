import { InvalidArgumentError } from '../errors/InvalidArgumentError';

/**
 * Checks an optional count option (e.g. `maxRetries`): `undefined` passes, otherwise it must be an
 * integer `>= 0` or `Infinity`.
 * @throws InvalidArgumentError naming `name` otherwise.
 */
export function validateCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 0) {
    throw new InvalidArgumentError(name, 'must be an integer greater than or equal to 0 (or Infinity)', value);
  }
  return value;
}
