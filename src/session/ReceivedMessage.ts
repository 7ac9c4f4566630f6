import type { Observable } from 'rxjs';
import type { OperationOptions } from '../retry/OperationOptions';

/** Message annotations to change while abandoning, deferring or dead-lettering a message. */
export type PropertiesToModify = Readonly<Record<string, string | number | boolean | Date | null>>;

/** Where a message is in its life cycle (`x-opt-message-state`). */
export type MessageState = 'active' | 'deferred' | 'scheduled';

/** A message as read from a session, without a lock (what `peek` returns). */
export interface PeekedMessage {
  /** Decoded like the official SDK: JSON when the data section holds JSON, else the bytes (`Buffer`); amqp-value bodies as decoded. */
  readonly body: unknown;
  readonly messageId: string | number | Buffer | undefined;
  readonly correlationId: string | number | Buffer | undefined;
  readonly subject: string | undefined;
  readonly contentType: string | undefined;
  readonly to: string | undefined;
  readonly replyTo: string | undefined;
  readonly replyToSessionId: string | undefined;
  readonly sessionId: string;
  readonly sequenceNumber: bigint;
  readonly deliveryCount: number;
  readonly enqueuedTime: Date;
  readonly lockedUntil: Date | undefined;
  /** ms, when the sender set one. */
  readonly timeToLive: number | undefined;
  readonly scheduledEnqueueTime: Date | undefined;
  readonly partitionKey: string | undefined;
  readonly deadLetterReason: string | undefined;
  readonly deadLetterErrorDescription: string | undefined;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly state: MessageState;
}

/** Options of `deadLetter`. */
export interface DeadLetterOptions extends OperationOptions {
  readonly reason?: string;
  readonly description?: string;
  readonly propertiesToModify?: PropertiesToModify;
}

/**
 * A message received from a session (`messages$`, or `receiveDeferred`). In peekLock mode it stays
 * locked until settled with one of the methods below; each returns a cold Observable that settles on
 * subscribe and completes when the broker confirmed. A message is settled once: a second settlement
 * errors with `InvalidArgumentError`. After the session lock is lost they error at once with
 * `SessionLockLostError` (no wire traffic) and the message is redelivered to the next holder. One
 * already sent when the lock or the connection is lost errors with `SettlementOutcomeUnknownError`:
 * the broker may or may not have applied it.
 * Messages received in receiveAndDelete mode cannot be settled (`InvalidArgumentError`).
 */
export interface ReceivedMessage extends PeekedMessage {
  /**
   * Aborted when its session's lock is lost (a safety margin before the broker's expiry) or the
   * session closes; `reason` is the `SessionLockLostError`. Pass it to async work (`fetch`, database
   * calls) so that work stops when the message can no longer be settled. The session's `signal`.
   */
  readonly signal: AbortSignal;
  /** The lock token (delivery tag as a UUID, .NET byte order), or `undefined` in receiveAndDelete mode. */
  readonly lockToken: string | undefined;
  /** Removes the message from the queue. */
  complete(options?: OperationOptions): Observable<void>;
  /** Releases the lock: the message is delivered again (delivery count + 1), with `propertiesToModify` applied. */
  abandon(propertiesToModify?: PropertiesToModify, options?: OperationOptions): Observable<void>;
  /** Sets it aside: it is then only available by sequence number (`session.receiveDeferred`). */
  defer(propertiesToModify?: PropertiesToModify, options?: OperationOptions): Observable<void>;
  /** Moves it to the dead-letter queue with `reason` / `description`. */
  deadLetter(options?: DeadLetterOptions): Observable<void>;
}
