import { InvalidArgumentError } from '../errors';
import { entityName } from './entityName';
import { subscriptionPath } from './subscriptionPath';
import type { ReceiveEntity } from './TopicSubscription';

/**
 * The entity path to receive from: a queue name as it is, a `{ topic, subscription }` as
 * `<topic>/Subscriptions/<subscription>`. With `boundEntityPath` (a connection string's
 * `EntityPath`), the queue, or the subscription's topic, must equal it (as the official SDK checks).
 * @throws InvalidArgumentError naming `queue`, `entity.topic`, `entity.subscription` or `entity`.
 */
export function receiveEntityPath(entity: ReceiveEntity, boundEntityPath?: string): string {
  if (typeof entity === 'string') return entityName('queue', entity, boundEntityPath);
  if (typeof entity !== 'object' || entity === null) {
    throw new InvalidArgumentError('entity', 'must be a queue name or { topic, subscription }', entity);
  }
  const topic = entityName('entity.topic', entity.topic, boundEntityPath);
  const { subscription } = entity;
  if (typeof subscription !== 'string' || subscription.trim() === '') {
    throw new InvalidArgumentError('entity.subscription', 'must be a non-empty string', subscription);
  }
  if (subscription.includes('/')) throw new InvalidArgumentError('entity.subscription', "must be a subscription's name, without '/'", subscription);
  return subscriptionPath(topic, subscription);
}

