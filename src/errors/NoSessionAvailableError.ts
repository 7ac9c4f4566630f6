import { ServiceBusRxError } from './ServiceBusRxError';

/**
 * `acceptNextSession(queue, { ifNone: 'error' })` found no available session within its timeout.
 * Final for that call (not retried); try again later or keep waiting with a pool. Carries the
 * queue and the wait, so a caller can tell it from a genuine failure (compare
 * {@link ServiceTimeoutError}, which means the broker did not answer).
 */
export class NoSessionAvailableError extends ServiceBusRxError {
  override readonly name = 'NoSessionAvailableError' as const;
  constructor(
    readonly entityPath: string,
    /** How long the broker was asked to wait for a session, in ms. */
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(`No session of '${entityPath}' became available within ${waitedMs} ms.`, { ...options, condition: 'com.microsoft:timeout', retryable: false });
  }
}
