import type { RuleOptions } from '../filters/RuleOptions';

export type { CorrelationFilterOptions, RuleFilterOptions, RuleOptions } from '../filters/RuleOptions';

/**
 * One topic of the embedded broker: messages sent to it are copied to every subscription whose rules
 * match. Names are case-insensitive; a topic and a queue cannot share a name.
 */
export interface TopicOptions {
  readonly name: string;
  /** Time to live of messages without their own TTL, in ms; a subscription's own default may be shorter. Default: unlimited. */
  readonly defaultMessageTimeToLiveMs?: number;
  /** Drop a message whose message-id was already accepted within the window (still acknowledged). Default false. */
  readonly requiresDuplicateDetection?: boolean;
  /** The duplicate-detection window in ms. Default 10 minutes. */
  readonly duplicateDetectionHistoryTimeWindowMs?: number;
  /** The topic's subscriptions. Default: none. */
  readonly subscriptions?: readonly SubscriptionOptions[];
}

/**
 * One subscription of a topic: a queue of its own (sessions, locks, DLQ, TTL, forwarding all work as on
 * a queue) that receives a copy of each message its rules select. Addressed as
 * `<topic>/Subscriptions/<name>` (and `…/$DeadLetterQueue`).
 */
export interface SubscriptionOptions {
  readonly name: string;
  /** Sessions required on receive. Default false. */
  readonly requiresSession?: boolean;
  /** Message / session lock duration in ms. Default 60 000. */
  readonly lockDurationMs?: number;
  /** Deliveries before a message is dead-lettered. Default 10. */
  readonly maxDeliveryCount?: number;
  /** Default message TTL in ms (the topic's applies when shorter). Default: unlimited. */
  readonly defaultMessageTimeToLiveMs?: number;
  /** Dead-letter expired messages instead of dropping them. Default false. */
  readonly deadLetteringOnMessageExpiration?: boolean;
  /** Auto-forwarding: copies that become active here move on to this queue or topic. */
  readonly forwardTo?: string;
  /** Dead-lettered copies go to this queue or topic instead of the subscription's DLQ. */
  readonly forwardDeadLetteredMessagesTo?: string;
  /**
   * The rules; a copy is made when any rule's filter matches, and every matching rule's action is applied
   * to it. Absent or empty: one rule `$Default` with a true filter.
   */
  readonly rules?: readonly RuleOptions[];
}
