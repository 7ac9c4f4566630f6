import type { DeadlineHeap } from './locks/DeadlineHeap';
import type { LockTokens } from './wire/lockToken';

/** Shared broker machinery handed to queues and links: the clock, the one deadline heap, lock tokens. */
export interface BrokerServices {
  /** Current time in Unix ms, from the broker's scheduler. */
  now(): number;
  readonly deadlines: DeadlineHeap;
  readonly lockTokens: LockTokens;
  /** A new broker-assigned message id (for messages sent without one). */
  newMessageId(): string;
}
