import { ServiceBusRxError } from './ServiceBusRxError';

/** The broker is throttling or temporarily unable to serve the request. Retryable. */
export class ServiceBusyError extends ServiceBusRxError {
  override readonly name = 'ServiceBusyError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, { condition: 'com.microsoft:server-busy', ...options, retryable: true });
  }
}
