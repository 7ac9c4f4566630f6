import { ServiceBusRxError } from '../errors/ServiceBusRxError';

/**
 * Auto-renewal stopped because its budget (`maxDuration`) was spent. The lock is then left to
 * expire. Counterpart of Python's `AutoLockRenewTimeout`.
 */
export class AutoLockRenewTimeout extends ServiceBusRxError {
  override readonly name = 'AutoLockRenewTimeout' as const;
  constructor(readonly sessionId: string, readonly maxDuration: number) {
    super(`Auto-renew period (${maxDuration} ms) elapsed for session '${sessionId}'.`, { retryable: false });
  }
}

/**
 * Auto-renewal failed: a renewal was refused with a final error, or transient failures used up the
 * lock's remaining time. `cause` is the last renewal error. Counterpart of Python's `AutoLockRenewFailed`.
 */
export class AutoLockRenewFailed extends ServiceBusRxError {
  override readonly name = 'AutoLockRenewFailed' as const;
  constructor(readonly sessionId: string, cause: unknown) {
    super(`Failed to auto-renew the lock of session '${sessionId}'.`, { cause, retryable: false });
  }
}

/** Either auto-renew error; what `session.autoRenewError` holds. */
export type AutoLockRenewError = AutoLockRenewTimeout | AutoLockRenewFailed;

/** The value `autoRenew` emits, besides the lock states it passes through. */
export interface AutoRenewErrorEvent {
  readonly kind: 'auto-renew-error';
  readonly sessionId: string;
  readonly error: AutoLockRenewError;
}

/**
 * True for the error events `autoRenew` adds to the stream (as opposed to the lock states it passes
 * through). @example lock$.pipe(autoRenew(), filter(isAutoRenewErrorEvent))
 */
export function isAutoRenewErrorEvent(value: unknown): value is AutoRenewErrorEvent {
  return typeof value === 'object' && value !== null && (value as { readonly kind?: unknown }).kind === 'auto-renew-error';
}
