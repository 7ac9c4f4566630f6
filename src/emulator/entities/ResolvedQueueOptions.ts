import type { QueueOptions } from '../config/EmulatorOptions';
import { queueDefaults } from '../config/queueDefaults';
import type { SubscriptionOptions, TopicOptions } from '../config/TopicOptions';
import { EntityOptionsError } from './EntityOptionsError';

/** Service Bus's default duplicate-detection window (10 minutes). */
export const defaultDuplicateDetectionWindowMs = 10 * 60_000;

/**
 * A queue's options with every default applied. A subscription's message store and every dead-letter
 * queue are queues too (`name` is then the full path, e.g. `events/Subscriptions/audit`).
 */
export interface ResolvedQueueOptions {
  readonly name: string;
  readonly requiresSession: boolean;
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  /** `Infinity` when messages do not expire by default. */
  readonly defaultMessageTimeToLiveMs: number;
  readonly deadLetteringOnMessageExpiration: boolean;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs: number;
  /** Auto-forwarding target (queue or topic name); `undefined` for none. */
  readonly forwardTo: string | undefined;
  /** Where dead-lettered messages go instead of the dead-letter queue; `undefined` for the DLQ. */
  readonly forwardDeadLetteredMessagesTo: string | undefined;
}

/** A topic's options with every default applied (its subscriptions are resolved separately). */
export interface ResolvedTopicOptions {
  readonly name: string;
  readonly defaultMessageTimeToLiveMs: number;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs: number;
}

/** Entity names: no `/ \ ? #`, no `$` (reserved for `$DeadLetterQueue`, `$management`), not blank. */
const FORBIDDEN_NAME_CHARACTERS = /[/\\?#$]/;

/**
 * Applies the defaults (lock 60 s, max delivery count 10, no TTL, no dead-lettering on expiry, no
 * duplicate detection, no forwarding) and validates every value.
 * @throws EntityOptionsError naming the option (`lockDurationMs`, …) and the problem.
 */
export function resolveQueueOptions(queue: QueueOptions): ResolvedQueueOptions {
  const name = entityName(queue?.name, 'queue');
  return {
    name,
    ...messageStoreOptions(queue, name),
    requiresDuplicateDetection: flag(queue.requiresDuplicateDetection, name, 'requiresDuplicateDetection', false),
    duplicateDetectionHistoryTimeWindowMs: duration(queue.duplicateDetectionHistoryTimeWindowMs, name, 'duplicateDetectionHistoryTimeWindowMs') ?? defaultDuplicateDetectionWindowMs,
  };
}

/** A subscription's message store options; `name` becomes `<topic>/Subscriptions/<name>`. @throws EntityOptionsError */
export function resolveSubscriptionOptions(topic: string, subscription: SubscriptionOptions): ResolvedQueueOptions {
  const short = entityName(subscription?.name, 'subscription', topic);
  const name = subscriptionPath(topic, short);
  return { name, ...messageStoreOptions(subscription, name), requiresDuplicateDetection: false, duplicateDetectionHistoryTimeWindowMs: defaultDuplicateDetectionWindowMs };
}

/** A topic's options with defaults applied (no TTL, no duplicate detection). @throws EntityOptionsError */
export function resolveTopicOptions(topic: TopicOptions): ResolvedTopicOptions {
  const name = entityName(topic?.name, 'topic');
  return {
    name,
    defaultMessageTimeToLiveMs: duration(topic.defaultMessageTimeToLiveMs, name, 'defaultMessageTimeToLiveMs', true) ?? Number.POSITIVE_INFINITY,
    requiresDuplicateDetection: flag(topic.requiresDuplicateDetection, name, 'requiresDuplicateDetection', false),
    duplicateDetectionHistoryTimeWindowMs: duration(topic.duplicateDetectionHistoryTimeWindowMs, name, 'duplicateDetectionHistoryTimeWindowMs') ?? defaultDuplicateDetectionWindowMs,
  };
}

/** `<topic>/Subscriptions/<name>`: a subscription's entity path. */
export function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}

/** Validates an entity name. @throws EntityOptionsError (option `name`) */
export function entityName(value: unknown, kind: string, parent?: string): string {
  const at = parent === undefined ? String(value) : `${parent}/${String(value)}`;
  if (typeof value !== 'string' || value.trim().length === 0) throw new EntityOptionsError(at, 'name', `a ${kind} name must be a non-empty string`);
  if (FORBIDDEN_NAME_CHARACTERS.test(value)) {
    throw new EntityOptionsError(at, 'name', `'${value}' contains a character not allowed in a ${kind} name (/ \\ ? # $)`);
  }
  if (value.length > 260) throw new EntityOptionsError(at, 'name', `a ${kind} name has at most 260 characters`);
  return value;
}

type StoreFields = Omit<ResolvedQueueOptions, 'name' | 'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindowMs'>;

function messageStoreOptions(options: QueueOptions | SubscriptionOptions, name: string): StoreFields {
  const maxDeliveryCount = options.maxDeliveryCount ?? queueDefaults.maxDeliveryCount;
  if (!Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) throw new EntityOptionsError(name, 'maxDeliveryCount', 'must be an integer ≥ 1');
  return {
    requiresSession: flag(options.requiresSession, name, 'requiresSession', queueDefaults.requiresSession),
    lockDurationMs: duration(options.lockDurationMs, name, 'lockDurationMs') ?? queueDefaults.lockDurationMs,
    maxDeliveryCount,
    defaultMessageTimeToLiveMs: duration(options.defaultMessageTimeToLiveMs, name, 'defaultMessageTimeToLiveMs', true) ?? Number.POSITIVE_INFINITY,
    deadLetteringOnMessageExpiration: flag(options.deadLetteringOnMessageExpiration, name, 'deadLetteringOnMessageExpiration', queueDefaults.deadLetteringOnMessageExpiration),
    forwardTo: target(options.forwardTo, name, 'forwardTo'),
    forwardDeadLetteredMessagesTo: target(options.forwardDeadLetteredMessagesTo, name, 'forwardDeadLetteredMessagesTo'),
  };
}

function flag(value: unknown, entity: string, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new EntityOptionsError(entity, option, 'must be true or false');
  return value;
}

function duration(value: unknown, entity: string, option: string, infinityAllowed = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (!infinityAllowed && !Number.isFinite(value))) {
    throw new EntityOptionsError(entity, option, 'must be a positive number of milliseconds');
  }
  return value;
}

/** A forwarding target name (`''` means none, as in `Config.json`). Existence is checked by the namespace. */
function target(value: unknown, entity: string, option: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || FORBIDDEN_NAME_CHARACTERS.test(value)) {
    throw new EntityOptionsError(entity, option, 'must be the name of a queue or topic');
  }
  return value;
}
