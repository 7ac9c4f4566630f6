import { Deadline } from '../locks/Deadline';
import { BinaryParts } from '../rhea/BinaryParts';
import { encodeMessage, encodeMessageHead } from '../wire/encodeMessage';
import type { MessageContent } from '../wire/MessageContent';

/** `x-opt-message-state` values. */
export const MessageState = { active: 0, deferred: 1, scheduled: 2 } as const;
export type MessageState = (typeof MessageState)[keyof typeof MessageState];

/** Who holds a message lock, so that its expiry can tell the holder. */
export interface LockHolder {
  /** The lock was lost (expired) or settled elsewhere: forget the delivery without settling it. */
  forget(deliveryId: number): void;
}

/** A lock on one message: a peekLock delivery on a link, or a management receive-by-sequence-number. */
export interface MessageLock {
  /** Lock-token key (see `LockTokens`). */
  readonly token: number;
  /** Expiry in Unix ms. For session messages this mirrors the session lock. */
  until: number;
  /** Expiry deadline (plain queues only; session messages share their session's lock). */
  readonly deadline: Deadline | undefined;
  /** The link and delivery id a link delivery went out on. */
  readonly holder: LockHolder | undefined;
  readonly deliveryId: number;
}

/**
 * A plain-queue lock: the lock and its expiry deadline in one object (one per locked message; a closure
 * and a separate lock record each time otherwise). `fire` tells `expired` with the message.
 */
export class ExpiringLock extends Deadline implements MessageLock {
  readonly deadline: Deadline = this;

  constructor(
    readonly token: number,
    public until: number,
    readonly holder: LockHolder | undefined,
    readonly deliveryId: number,
    readonly message: StoredMessage,
    readonly expired: (message: StoredMessage, now: number) => void,
  ) {
    super(until, fireExpiringLock);
  }
}

function fireExpiringLock(this: ExpiringLock, now: number): void {
  this.expired(this.message, now);
}

/** One message in a queue (or dead-letter queue), with its broker-side state. */
export class StoredMessage {
  state: MessageState = MessageState.active;
  /** Delivery attempts that ended without completion (abandon, lock loss). `header.delivery-count`. */
  deliveryCount = 0;
  lock: MessageLock | undefined = undefined;
  /** True once completed, expired, dead-lettered or cancelled; the message is then gone from its queue. */
  removed = false;
  /** TTL or scheduled-activation deadline, when there is one. */
  timer: Deadline | undefined = undefined;

  constructor(
    readonly sequenceNumber: number,
    public content: MessageContent,
    /** Enqueue time (for scheduled messages: the activation time) in Unix ms. */
    public enqueuedAt: number,
    /** Expiry in Unix ms; `Infinity` for none. */
    public expiresAt: number,
    readonly deadLetterSource?: string,
    readonly enqueueSequenceNumber?: number,
  ) {}

  get sessionId(): string | undefined {
    return this.content.sessionId;
  }

  /** The message as sent to clients, with the broker's annotations (and `lockedUntil` when locked). */
  encode(lockedUntil: number | undefined): Buffer {
    // The message carries the annotations' fields itself (no object per delivery).
    return encodeMessage(this.content, this, lockedUntil);
  }

  /** The bytes of {@link encode} as its encoded head and the stored bare message (not copied), for a reply that carries it. */
  encodeParts(lockedUntil: number | undefined): BinaryParts {
    return new BinaryParts(encodeMessageHead(this.content, this, lockedUntil), this.content.bare);
  }

  /** Active, not locked, not removed: can be handed to a receiver. */
  get available(): boolean {
    return this.state === MessageState.active && this.lock === undefined && !this.removed;
  }
}
