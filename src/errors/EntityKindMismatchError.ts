import { ServiceBusRxError } from './ServiceBusRxError';

/**
 * The operation does not fit the kind of entity it addressed (sessions or not). Final: retrying
 * cannot help. See {@link SessionsNotEnabledError} and {@link SessionIdRequiredError}.
 */
export class EntityKindMismatchError extends ServiceBusRxError {
  override readonly name: string = 'EntityKindMismatchError';
  constructor(
    message: string,
    /** The entity named by the broker (or the operation), when known. */
    readonly entityPath: string | undefined,
    options?: { cause?: unknown; condition?: string },
  ) {
    super(message, { condition: 'amqp:not-allowed', ...options, retryable: false });
  }
}
