/**
 * What the inspector page shows, as the broker sends it (JSON over server-sent events). Shared by the
 * broker (which builds it) and the browser script (which renders it): types only.
 */
export interface InspectorSnapshot {
  /** Broker time (Unix ms) when the snapshot was taken: lock countdowns are computed against it. */
  readonly now: number;
  /** Open AMQP connections. */
  readonly connections: number;
  readonly entities: readonly EntityView[];
}

/** Message counts of one entity. */
export interface EntityCounts {
  /** Available or locked (delivered, unsettled) messages. */
  readonly active: number;
  readonly locked: number;
  readonly deferred: number;
  readonly scheduled: number;
  readonly deadLettered: number;
}

/**
 * One entity: a queue, a topic (which only takes messages: its counts are its scheduled messages and
 * `subscriptions` names its subscriptions) or a subscription (receive only: sends go to its topic).
 */
export interface EntityView {
  readonly kind: 'queue' | 'topic' | 'subscription';
  /** Entity path, as clients address it (`orders`, `events`, `events/Subscriptions/audit`). */
  readonly path: string;
  /** For a subscription: its topic. */
  readonly topic?: string;
  /** For a topic: its subscriptions' names. */
  readonly subscriptions?: readonly string[];
  readonly requiresSession: boolean;
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  readonly counts: EntityCounts;
  readonly sessions: readonly SessionView[];
  /** The first messages by sequence number (peeked: nothing is locked or changed by looking). */
  readonly messages: readonly MessageView[];
  /** The first messages of the dead-letter queue. */
  readonly deadLetters: readonly MessageView[];
}

/** One session of a session-enabled entity. */
export interface SessionView {
  readonly id: string;
  readonly state: 'locked' | 'unlocked';
  /** Who holds the lock: the receiver link's name and its connection's number (`#3`). */
  readonly owner: string | undefined;
  /** Lock expiry (broker Unix ms) while locked. */
  readonly lockedUntil: number | undefined;
  readonly messageCount: number;
  /** Session state set by `setSessionState`, as text (or hex when not UTF-8), if any. */
  readonly sessionState: string | undefined;
}

/** One message, for display. */
export interface MessageView {
  readonly sequenceNumber: number;
  readonly messageId: string | undefined;
  readonly sessionId: string | undefined;
  readonly state: 'active' | 'deferred' | 'scheduled';
  readonly locked: boolean;
  readonly deliveryCount: number;
  /** Enqueue (or scheduled activation) time, broker Unix ms. */
  readonly enqueuedAt: number;
  /** The body as text: a string as is, binary as UTF-8 when it decodes cleanly (else hex), anything else as JSON. */
  readonly body: string;
  /** Application properties, values as display text. */
  readonly properties: Readonly<Record<string, string>>;
  /** For dead letters: `DeadLetterReason` and `DeadLetterErrorDescription`. */
  readonly deadLetterReason?: string;
  readonly deadLetterDescription?: string;
}

/** `POST /inspector/send`: a message typed into the page. */
export interface SendRequest {
  readonly entity: string;
  readonly body: string;
  readonly sessionId?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

/** `POST /inspector/purge`: removes every unlocked message of the entity, or of its dead-letter queue. */
export interface PurgeRequest {
  readonly entity: string;
  readonly deadLetter: boolean;
}

/** `POST /inspector/resubmit`: moves a dead letter back to its entity. */
export interface ResubmitRequest {
  readonly entity: string;
  readonly sequenceNumber: number;
}
