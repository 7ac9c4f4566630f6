import { ServiceBusRxError } from './ServiceBusRxError';

/** How a session lock was lost. */
export type LockLostReason = 'expired' | 'renew-failed' | 'detached' | 'closed';

/**
 * The session lock is gone: it expired, the broker detached the link, a renewal was refused, or the
 * session was closed. Final: never retried. Every later operation on the session fails fast with it.
 */
export class SessionLockLostError extends ServiceBusRxError {
  override readonly name = 'SessionLockLostError' as const;
  constructor(
    readonly sessionId: string,
    readonly reason: LockLostReason,
    options?: { cause?: unknown; condition?: string; message?: string },
  ) {
    super(options?.message ?? `The lock on session '${sessionId}' was lost (${reason}).`, {
      ...options,
      condition: options?.condition ?? 'com.microsoft:session-lock-lost',
      retryable: false,
    });
  }
}
