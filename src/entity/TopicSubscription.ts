/**
 * A subscription of a topic, as the receiving entry points take it (`acceptSession`,
 * `acceptNextSession`, `sessions`, `sessionPool`). Its entity path is
 * `<topic>/Subscriptions/<subscription>`.
 * @example client.acceptNextSession({ topic: 'orders', subscription: 'billing' })
 */
export interface TopicSubscription {
  /** The topic's name (what messages are sent to). */
  readonly topic: string;
  /** The subscription's name within the topic (no `/`). */
  readonly subscription: string;
}

/** What sessions are received from: a queue's name, or a topic's subscription. */
export type ReceiveEntity = string | TopicSubscription;
