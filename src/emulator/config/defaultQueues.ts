import type { QueueOptions } from './EmulatorOptions';
import { queueDefaults } from './queueDefaults';

/**
 * The queues the emulator serves when it is given neither `queues` nor `config`:
 * - `queue.1`: plain (non-session) queue;
 * - `session.1`: session queue;
 * - `orders`: session queue used by the demo.
 *
 * All three: lock 60 s, max delivery count 10, no default TTL, no dead-lettering on expiry.
 */
export const defaultQueues: readonly QueueOptions[] = Object.freeze(
  [
    { name: 'queue.1', ...queueDefaults, requiresSession: false },
    { name: 'session.1', ...queueDefaults, requiresSession: true },
    { name: 'orders', ...queueDefaults, requiresSession: true },
  ].map((queue): QueueOptions => Object.freeze(queue)),
);
