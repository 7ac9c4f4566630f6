import { ServiceBusRxError } from './ServiceBusRxError';

/** An operation did not complete in time (on the broker, or within the caller's `timeout`). Retryable. */
export class ServiceTimeoutError extends ServiceBusRxError {
  override readonly name = 'ServiceTimeoutError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, { condition: 'com.microsoft:timeout', ...options, retryable: true });
  }
}
