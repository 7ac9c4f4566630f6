import type { QueueOptions } from './EmulatorOptions';
import type { TopicOptions } from './TopicOptions';

/** The entities of a configuration: its queues and its topics (with their subscriptions and rules). */
export interface EmulatorEntities {
  readonly queues: readonly QueueOptions[];
  readonly topics: readonly TopicOptions[];
}
