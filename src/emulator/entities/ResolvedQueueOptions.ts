import type { QueueOptions } from '../config/EmulatorOptions';
import { queueDefaults } from '../config/queueDefaults';

/** A queue's options with every default applied. */
export interface ResolvedQueueOptions {
  readonly name: string;
  readonly requiresSession: boolean;
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  /** `Infinity` when messages do not expire by default. */
  readonly defaultMessageTimeToLiveMs: number;
  readonly deadLetteringOnMessageExpiration: boolean;
}

/** Applies `queueDefaults` (lock 60 s, max delivery count 10, no dead-lettering on expiry) and no TTL. */
export function resolveQueueOptions(queue: QueueOptions): ResolvedQueueOptions {
  return {
    name: queue.name,
    requiresSession: queue.requiresSession ?? queueDefaults.requiresSession,
    lockDurationMs: queue.lockDurationMs ?? queueDefaults.lockDurationMs,
    maxDeliveryCount: queue.maxDeliveryCount ?? queueDefaults.maxDeliveryCount,
    defaultMessageTimeToLiveMs: queue.defaultMessageTimeToLiveMs ?? Number.POSITIVE_INFINITY,
    deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration ?? queueDefaults.deadLetteringOnMessageExpiration,
  };
}
