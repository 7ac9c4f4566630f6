import { ServiceBusRxError } from './ServiceBusRxError';

/** The client or its AMQP connection is closed (by the caller, or lost). Retryable only if lost. */
export class ConnectionClosedError extends ServiceBusRxError {
  override readonly name = 'ConnectionClosedError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string; retryable?: boolean }) {
    super(message, options);
  }
}
