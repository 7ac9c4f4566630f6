import { ServiceBusRxError } from './ServiceBusRxError';

/** The requested session is locked by another receiver. Final: not retried. */
export class SessionCannotBeLockedError extends ServiceBusRxError {
  override readonly name = 'SessionCannotBeLockedError' as const;
  constructor(readonly sessionId: string | undefined, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? `Session '${sessionId ?? '(next available)'}' cannot be locked: it may be locked by another receiver.`, {
      ...options,
      condition: 'com.microsoft:session-cannot-be-locked',
      retryable: false,
    });
  }
}
