import { InvalidArgumentError } from '../errors/InvalidArgumentError';

/** Inputs of {@link renewAt}; all times are milliseconds on one clock (the scheduler's). */
export interface RenewAtInput {
  /** Current scheduler time. */
  readonly now: number;
  /** The lock's expiry. */
  readonly lockedUntil: Date | number;
  /** Renew this long before expiry; when absent the JS SDK rule `min(remaining / 2, 10 000)` applies. */
  readonly renewBefore?: number | undefined;
  /** Last measured renewal round trip (0 or absent when not measured yet). */
  readonly rttMs?: number | undefined;
}

/** Below this much remaining lock time, renew at once (JS SDK rule). */
export const RENEW_IMMEDIATELY_BELOW_MS = 1_000;
/** Upper bound of the default margin (JS SDK rule: `min(remaining / 2, 10 s)`). */
export const DEFAULT_MAX_RENEW_MARGIN_MS = 10_000;

/**
 * The absolute scheduler time at which to renew a lock. Pure.
 *
 * With `remaining = lockedUntil − now`:
 * - `remaining < 1 000` (including an expired lock) → `now`;
 * - margin = `renewBefore` if given, else `min(remaining / 2, 10 000)` (JS SDK);
 * - allowance = `2 × rttMs`, so the request has time for a slow round trip and its reply;
 * - result = `floor(lockedUntil − margin − allowance)`, clamped to `[now, lockedUntil − rttMs]`
 *   (never in the past; never so late that one round trip could not finish before expiry).
 *
 * @throws InvalidArgumentError for a non-finite `now`/`lockedUntil`, a negative or NaN `renewBefore`/`rttMs`.
 * @example renewAt({ now: 0, lockedUntil: 60_000 }) // 50 000
 * @example renewAt({ now: 0, lockedUntil: 60_000, renewBefore: 15_000, rttMs: 100 }) // 44 800
 */
export function renewAt(input: RenewAtInput): number {
  const { now, renewBefore, rttMs = 0 } = input;
  const lockedUntil = typeof input.lockedUntil === 'number' ? input.lockedUntil : input.lockedUntil.getTime();
  if (!Number.isFinite(now)) throw new InvalidArgumentError('now', 'must be a finite number', now);
  if (!Number.isFinite(lockedUntil)) throw new InvalidArgumentError('lockedUntil', 'must be a valid Date or finite number', lockedUntil);
  if (renewBefore !== undefined && !(renewBefore >= 0)) {
    throw new InvalidArgumentError('renewBefore', 'must be a number of milliseconds greater than or equal to 0', renewBefore);
  }
  if (!(rttMs >= 0)) throw new InvalidArgumentError('rttMs', 'must be a number of milliseconds greater than or equal to 0', rttMs);

  const remaining = lockedUntil - now;
  if (remaining < RENEW_IMMEDIATELY_BELOW_MS) return now;
  const margin = renewBefore ?? Math.min(remaining / 2, DEFAULT_MAX_RENEW_MARGIN_MS);
  const at = Math.floor(lockedUntil - margin - 2 * rttMs);
  return Math.max(now, Math.min(at, lockedUntil - rttMs));
}

/** {@link renewAt} as a delay from `now` (ms, `>= 0`). */
export function renewDelay(input: RenewAtInput): number {
  return renewAt(input) - input.now;
}
