import type { FilterValue } from '../filters/RuleFilter';

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

/** One subscription rule: a filter and an optional SQL action. */
export interface RuleOptions {
  /** Rule name, unique in its subscription (case-insensitive). */
  readonly name: string;
  /** Default: the true filter. */
  readonly filter?: RuleFilterOptions;
  /** A SQL rule action (`SET …`, `REMOVE …`) applied to the subscription's copy of a matching message. */
  readonly action?: { readonly sqlExpression: string };
}

/** A rule filter: SQL, correlation, or the constant true / false filters. */
export type RuleFilterOptions =
  | { readonly type: 'sql'; readonly sqlExpression: string }
  | ({ readonly type: 'correlation' } & CorrelationFilterOptions)
  | { readonly type: 'true' }
  | { readonly type: 'false' };

/**
 * A correlation filter: matches when every field given equals the message's (exact, case-sensitive),
 * and every entry of `properties` equals the application property of that name. At least one field.
 */
export interface CorrelationFilterOptions {
  readonly correlationId?: string;
  readonly messageId?: string;
  readonly to?: string;
  readonly replyTo?: string;
  /** The message's subject (Service Bus `Label`). */
  readonly subject?: string;
  readonly sessionId?: string;
  readonly replyToSessionId?: string;
  readonly contentType?: string;
  /** Application properties that must be present with these values. */
  readonly properties?: Readonly<Record<string, FilterValue>>;
}
