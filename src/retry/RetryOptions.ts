/** How transient failures (errors with `retryable === true`) are retried, within an operation's timeout. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3; 0 disables retrying. */
  readonly maxRetries?: number;
  /** First delay in ms. Default 100. */
  readonly delay?: number;
  /** Cap on any delay in ms. Default 5000. */
  readonly maxDelay?: number;
  /** `exponential` (default: delay × 2^attempt, capped) or `fixed`. */
  readonly mode?: 'fixed' | 'exponential';
}
