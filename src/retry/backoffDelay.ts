/** How {@link backoffDelay} grows the wait between attempts. */
export type BackoffMode = 'fixed' | 'exponential';

/** Parameters of {@link backoffDelay}. */
export interface BackoffConfig {
  /** Base delay in ms: the wait before the first retry. */
  readonly delay: number;
  /** Upper bound of any single wait, in ms (default `Infinity`). */
  readonly maxDelay?: number;
  /** `'exponential'` (default): `delay × 2^(retry − 1)`; `'fixed'`: always `delay`. */
  readonly mode?: BackoffMode;
  /** Relative spread in `[0, 1]`: the wait is scaled by a factor in `[1 − jitter, 1 + jitter)` (default 0). */
  readonly jitter?: number;
  /** Source of randomness in `[0, 1)` used for jitter (default `Math.random`); inject for deterministic tests. */
  readonly random?: () => number;
}

/**
 * The wait in ms before retry number `retry` (1-based): grown by `mode`, spread by `jitter`, capped at
 * `maxDelay`, rounded to whole milliseconds. Pure apart from `random`.
 * @example backoffDelay(3, { delay: 500 }) // 2000
 */
export function backoffDelay(retry: number, config: BackoffConfig): number {
  const { delay, maxDelay = Infinity, mode = 'exponential', jitter = 0, random = Math.random } = config;
  const base = mode === 'fixed' ? delay : delay * 2 ** Math.max(0, retry - 1);
  const spread = jitter > 0 ? 1 - jitter + 2 * jitter * random() : 1;
  return Math.round(Math.min(maxDelay, base * spread));
}
