import type { BrokerServices } from '../BrokerServices';
import { Queue } from './Queue';
import type { ResolvedQueueOptions } from './ResolvedQueueOptions';

/** What an address or audience names. */
export interface ResolvedEntity {
  /** The queue or dead-letter queue. */
  readonly queue: Queue;
  /** True for the entity's `$management` node. */
  readonly management: boolean;
}

const DEAD_LETTER_SUFFIX = '/$deadletterqueue';
const MANAGEMENT_SUFFIX = '/$management';

/** The broker's queues, found by name case-insensitively, each with its dead-letter queue. */
export class Namespace {
  private readonly byName = new Map<string, Queue>();

  constructor(
    queues: readonly ResolvedQueueOptions[],
    private readonly services: BrokerServices,
  ) {
    for (const options of queues) this.addQueue(options);
  }

  /** Adds a queue (and its dead-letter queue); the caller has checked that the name is free. */
  addQueue(options: ResolvedQueueOptions): Queue {
    const deadLetterQueue = new Queue(
      { ...options, name: `${options.name}/$DeadLetterQueue`, requiresSession: false, maxDeliveryCount: Number.POSITIVE_INFINITY },
      this.services,
    );
    const queue = new Queue(options, this.services, deadLetterQueue);
    this.byName.set(options.name.toLowerCase(), queue);
    return queue;
  }

  /** Forgets queue `name` (case-insensitive); new links and put-tokens for it then find nothing. */
  removeQueue(name: string): Queue | undefined {
    const key = name.toLowerCase();
    const queue = this.byName.get(key);
    this.byName.delete(key);
    return queue;
  }

  /** Every queue (not the dead-letter queues), in configuration order. */
  get queues(): readonly Queue[] {
    return [...this.byName.values()];
  }

  /**
   * Resolves a link address: `<queue>`, `<queue>/$deadletterqueue`, either followed by `/$management`
   * (all case-insensitive), optionally after one `/`. Returns `undefined` for anything else (`q/` and `q//`
   * name no entity, as in Service Bus).
   */
  resolve(address: string): ResolvedEntity | undefined {
    let path = (address.startsWith('/') ? address.slice(1) : address).toLowerCase();
    const management = path.endsWith(MANAGEMENT_SUFFIX);
    if (management) path = path.slice(0, -MANAGEMENT_SUFFIX.length);
    const deadLetter = path.endsWith(DEAD_LETTER_SUFFIX);
    if (deadLetter) path = path.slice(0, -DEAD_LETTER_SUFFIX.length);
    const queue = this.byName.get(path);
    if (queue === undefined) return undefined;
    return { queue: deadLetter ? (queue.deadLetterQueue ?? queue) : queue, management };
  }
}

/**
 * The entity path of a CBS audience (`sb://host[:port]/<path>`), lower-cased and without slashes at
 * either end; the empty string for the namespace itself.
 */
export function audiencePath(audience: string): string {
  const withoutScheme = audience.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return withoutScheme.replace(/^\/+|\/+$/g, '').toLowerCase();
}
