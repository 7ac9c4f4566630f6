import { ServiceBusRxError } from './ServiceBusRxError';

/** The queue (or other entity) does not exist on the namespace. Final. */
export class EntityNotFoundError extends ServiceBusRxError {
  override readonly name = 'EntityNotFoundError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, { condition: 'amqp:not-found', ...options, retryable: false });
  }
}
