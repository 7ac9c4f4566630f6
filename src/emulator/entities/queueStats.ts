import type { EmulatorStats, QueueStats } from '../EmulatorHandle';
import type { Namespace } from './Namespace';
import type { Queue } from './Queue';
import { MessageState } from './StoredMessage';

/** Counts a queue's messages by state (a walk over its messages: meant for demos, not hot paths). */
export function queueStats(queue: Queue): QueueStats {
  let active = 0;
  let locked = 0;
  let deferred = 0;
  let scheduled = 0;
  for (const message of queue.messages.values()) {
    if (message.state === MessageState.active) {
      active++;
      if (message.lock !== undefined) locked++;
    } else if (message.state === MessageState.deferred) deferred++;
    else scheduled++;
  }
  let lockedSessions = 0;
  for (const session of queue.sessions.values()) if (session.holder !== undefined) lockedSessions++;
  return {
    name: queue.name,
    requiresSession: queue.requiresSession,
    active,
    locked,
    deferred,
    scheduled,
    deadLettered: queue.deadLetterQueue?.messages.size ?? 0,
    sessions: queue.sessions.size,
    lockedSessions,
  };
}

/** Counts of every queue and topic of `namespace` (see {@link queueStats}). */
export function namespaceStats(namespace: Namespace): Omit<EmulatorStats, 'connections'> {
  return {
    queues: namespace.queues.map(queueStats),
    topics: namespace.topics.map((topic) => ({
      name: topic.name,
      scheduled: topic.scheduledCount,
      subscriptions: [...topic.subscriptions.values()].map((subscription) => queueStats(subscription.queue)),
    })),
  };
}
