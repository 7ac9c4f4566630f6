import { ConnectionClosedError, translateAmqpError, type ServiceBusRxError, type TranslateContext } from '../errors';

/**
 * The error for links the peer closed: the first AMQP error (`{ condition, description }`) among
 * `errors` (the links' detach errors, then the session's end error) translated, or a retryable
 * `ConnectionClosedError` when the peer gave none.
 */
export function remoteCloseError(errors: readonly unknown[], context: TranslateContext): ServiceBusRxError {
  for (const error of errors) {
    if (typeof error === 'object' && error !== null && 'condition' in error && typeof error.condition === 'string') {
      const description = (error as { description?: unknown }).description;
      return translateAmqpError({ condition: error.condition, description: typeof description === 'string' ? description : undefined }, context);
    }
  }
  return new ConnectionClosedError('The broker closed the link.', { retryable: true });
}
