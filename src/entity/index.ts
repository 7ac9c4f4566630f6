export type { TopicSubscription, ReceiveEntity } from './TopicSubscription';
export { subscriptionPath } from './subscriptionPath';
export { receiveEntityPath } from './receiveEntityPath';
export { entityName } from './entityName';
