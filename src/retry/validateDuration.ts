import { InvalidArgumentError } from '../errors/InvalidArgumentError';

/** Which edge values {@link validateDuration} accepts besides finite numbers greater than 0. */
export interface DurationRules {
  /** Accept `0` (default `false`). */
  readonly allowZero?: boolean;
  /** Accept `Infinity`, meaning "no limit" (default `false`). */
  readonly allowInfinity?: boolean;
}

/**
 * Checks an optional duration option (milliseconds) at the call site.
 * Returns `undefined` for `undefined`, the number when valid.
 * @throws InvalidArgumentError naming `name` when the value is not a number, is NaN, negative, zero
 *   (unless `allowZero`) or infinite (unless `allowInfinity`).
 * @example validateDuration('maxDuration', options.maxDuration, { allowInfinity: true })
 */
export function validateDuration(name: string, value: unknown, rules: DurationRules = {}): number | undefined {
  if (value === undefined) return undefined;
  const { allowZero = false, allowInfinity = false } = rules;
  const ok =
    typeof value === 'number' &&
    (Number.isFinite(value) || (allowInfinity && value === Infinity)) &&
    (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    const kind = allowInfinity ? 'a number of milliseconds' : 'a finite number of milliseconds';
    const bound = allowZero ? 'greater than or equal to 0' : 'greater than 0';
    throw new InvalidArgumentError(name, `must be ${kind} ${bound}${allowInfinity ? ' (or Infinity)' : ''}`, value);
  }
  return value;
}
