import { ConnectionClosedError, ServiceTimeoutError, translateAmqpError, isServiceBusRxError, type ServiceBusRxError, type TranslateContext } from '../errors';

/**
 * Converts what rhea / rhea-promise reject with while opening a connection, session or link (an
 * AMQP error `{ condition, description }`, rhea-promise's `OperationTimeoutError`, a socket error)
 * into the typed hierarchy. AMQP conditions go through `translateAmqpError`; anything else is a
 * retryable `ConnectionClosedError` carrying the original as `cause`.
 */
export function toAmqpOpenError(err: unknown, context: TranslateContext = {}): ServiceBusRxError {
  if (isServiceBusRxError(err)) return err;
  if (typeof err === 'object' && err !== null) {
    const e = err as { condition?: unknown; description?: unknown; name?: unknown; message?: unknown };
    if (typeof e.condition === 'string') {
      return translateAmqpError({ condition: e.condition, description: typeof e.description === 'string' ? e.description : undefined }, context);
    }
    if (e.name === 'OperationTimeoutError') {
      return new ServiceTimeoutError(typeof e.message === 'string' ? e.message : 'The AMQP operation timed out.', { cause: err });
    }
  }
  const message = err instanceof Error ? err.message : 'unknown error';
  return new ConnectionClosedError(`The AMQP connection failed: ${message}`, { cause: err, retryable: true });
}
