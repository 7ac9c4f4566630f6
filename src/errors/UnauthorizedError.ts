import { ServiceBusRxError } from './ServiceBusRxError';

/** The credential was refused (CBS put-token answered 401, or the token could not be obtained). */
export class UnauthorizedError extends ServiceBusRxError {
  override readonly name = 'UnauthorizedError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, { condition: 'amqp:unauthorized-access', ...options, retryable: false });
  }
}
