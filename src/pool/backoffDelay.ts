/**
 * The delay before retry number `attempt` (1-based) of an exponential backoff: `initial`, `2 × initial`,
 * `4 × initial`… capped at `max`. Pure: no clock, no randomness.
 * @example backoffDelay(3, { initial: 100, max: 1_000 }) // 400
 */
export function backoffDelay(attempt: number, backoff: { readonly initial: number; readonly max: number }): number {
  if (attempt <= 1) return Math.min(backoff.initial, backoff.max);
  // 2 ** 1024 is Infinity, so large attempt counts saturate at `max` instead of overflowing.
  return Math.min(backoff.max, backoff.initial * 2 ** (attempt - 1));
}
