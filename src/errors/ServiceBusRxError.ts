/**
 * Base class of every error this library raises. Carries the AMQP condition (when the failure came
 * from the wire), whether a retry may succeed, and the standard `cause`.
 */
export class ServiceBusRxError extends Error {
  override readonly name: string = 'ServiceBusRxError';
  /** The AMQP error condition this error was translated from, when it came from the wire. */
  readonly condition: string | undefined;
  /** True when the same operation may succeed if retried (server busy, timeout, connection drop). */
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; condition?: string; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.condition = options?.condition;
    this.retryable = options?.retryable ?? false;
  }
}

/** Type guard that also works across realms / duplicated module copies (checks `name`). */
export function isServiceBusRxError(e: unknown): e is ServiceBusRxError {
  return e instanceof ServiceBusRxError || (typeof e === 'object' && e !== null && 'retryable' in e && 'condition' in e);
}
