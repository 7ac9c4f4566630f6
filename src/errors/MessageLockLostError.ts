import { ServiceBusRxError } from './ServiceBusRxError';

/** A message can no longer be settled: its lock (or the delivery it arrived on) is gone. Final. */
export class MessageLockLostError extends ServiceBusRxError {
  override readonly name = 'MessageLockLostError' as const;
  constructor(message: string, options?: { cause?: unknown; condition?: string }) {
    super(message, { condition: 'com.microsoft:message-lock-lost', ...options, retryable: false });
  }
}
