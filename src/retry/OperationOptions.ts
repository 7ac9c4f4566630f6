/** Options every operation takes. */
export interface OperationOptions {
  /**
   * Milliseconds (finite, > 0) for the whole operation, retries included; when it runs out the
   * operation errors with `ServiceTimeoutError`. Validated at the call (`InvalidArgumentError`).
   * For `acceptNextSession` it is how long the broker may wait for a session (`com.microsoft:timeout`).
   */
  readonly timeout?: number;
}
