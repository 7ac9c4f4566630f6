/**
 * True when `error` says a retry of the same operation may succeed (`error.retryable === true`, as set
 * by the typed errors in `src/errors`). Anything else, including plain `Error`s, is final.
 */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { readonly retryable?: unknown }).retryable === true;
}
