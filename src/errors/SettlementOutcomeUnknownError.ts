import { ServiceBusRxError } from './ServiceBusRxError';

/**
 * A settlement was sent, and the session lock or the connection was lost before the broker's answer
 * came: the broker may have applied it (the message is gone) or not (the message comes back to the
 * session's next holder). Unlike `SessionLockLostError` from a settlement — refused before anything was
 * sent, so the message certainly comes back — the outcome is unknown: make the handler's effects
 * idempotent (the message may be delivered again) and do not count on a redelivery. Never retryable:
 * the lock is gone. `cause` is the loss (`SessionLockLostError`).
 */
export class SettlementOutcomeUnknownError extends ServiceBusRxError {
  override readonly name = 'SettlementOutcomeUnknownError' as const;
  constructor(
    readonly sessionId: string,
    /** What was asked: `complete`, `abandon`, `defer` or `deadLetter`. */
    readonly settlement: 'complete' | 'abandon' | 'defer' | 'deadLetter',
    options: { cause: unknown },
  ) {
    super(
      `The outcome of ${settlement} on a message of session '${sessionId}' is unknown: the lock or the connection was lost while it was in flight (the broker may or may not have applied it; the message may or may not come back).`,
      { cause: options.cause, retryable: false },
    );
  }
}
