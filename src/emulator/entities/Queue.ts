import type { BrokerServices } from '../BrokerServices';
import { Deadline } from '../locks/Deadline';
import { withApplicationProperties } from '../wire/applicationProperties';
import type { MessageContent } from '../wire/MessageContent';
import { withMessageId } from '../wire/withMessageId';
import type { Consumer, SessionWaiter } from './Consumer';
import { MessageSession } from './MessageSession';
import type { ResolvedQueueOptions } from './ResolvedQueueOptions';
import { SequenceQueue } from './SequenceQueue';
import { MessageState, StoredMessage, type LockHolder } from './StoredMessage';

/** Why and how a message is dead-lettered. */
export interface DeadLetterDetails {
  readonly reason?: string | undefined;
  readonly description?: string | undefined;
  /** Extra application properties to set (from the settlement's properties to modify). */
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * One queue (or dead-letter queue): its messages, their locks and state transitions, its sessions and
 * session locks, and the links consuming from it. Every state change of a message goes through here, so
 * nothing is lost: a message is completed, redelivered (delivery count + 1) or dead-lettered.
 */
export class Queue {
  /** Every message still in the queue (any state), by sequence number; iteration is in sequence order. */
  readonly messages = new Map<number, StoredMessage>();
  /** Locked messages that can be addressed by lock token (plain-queue deliveries, management receives). */
  readonly lockedByToken = new Map<number, StoredMessage>();
  readonly sessions = new Map<string, MessageSession>();
  private readonly available = new SequenceQueue();
  private readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  /** Unlocked sessions that (probably) have available messages, oldest first. */
  private readonly ready = new Set<MessageSession>();
  private readonly waiters: SessionWaiter[] = [];
  private lastSequenceNumber = 0;
  private readonly expireSessionLock = (session: MessageSession): void => this.releaseSession(session, true);

  constructor(
    readonly options: ResolvedQueueOptions,
    private readonly services: BrokerServices,
    /** The queue's dead-letter queue; `undefined` for a dead-letter queue itself. */
    readonly deadLetterQueue?: Queue,
  ) {}

  get name(): string {
    return this.options.name;
  }

  get requiresSession(): boolean {
    return this.options.requiresSession;
  }

  get isDeadLetterQueue(): boolean {
    return this.deadLetterQueue === undefined;
  }

  // ---------------------------------------------------------------- intake

  /**
   * Adds a message sent by a client (given a message id when it has none). A message whose
   * `x-opt-scheduled-enqueue-time` lies in the future becomes a scheduled message and turns active then.
   */
  enqueue(content: MessageContent, now: number): StoredMessage {
    const scheduledAt = content.scheduledEnqueueTimeMs;
    const withId = content.messageId === undefined ? withMessageId(content, this.services.newMessageId()) : content;
    const message = new StoredMessage(++this.lastSequenceNumber, withId, now, Number.POSITIVE_INFINITY);
    this.add(message, now);
    if (scheduledAt !== undefined && scheduledAt > now) {
      message.state = MessageState.scheduled;
      message.enqueuedAt = scheduledAt;
      message.timer = new Deadline(scheduledAt, (at) => this.activate(message, at));
      this.services.deadlines.schedule(message.timer, scheduledAt);
    } else {
      this.activate(message, now);
    }
    return message;
  }

  /** Cancels a scheduled message. Returns false when `sequenceNumber` is not a scheduled message here. */
  cancelScheduled(sequenceNumber: number): boolean {
    const message = this.messages.get(sequenceNumber);
    if (message === undefined || message.state !== MessageState.scheduled) return false;
    this.remove(message);
    return true;
  }

  private add(message: StoredMessage, now: number): void {
    this.messages.set(message.sequenceNumber, message);
    const session = this.sessionOf(message, now);
    if (session !== undefined) {
      session.messageCount++;
      session.lastUpdated = now;
    }
  }

  private activate(message: StoredMessage, now: number): void {
    message.state = MessageState.active;
    message.enqueuedAt = now;
    const ttl = Math.min(message.content.timeToLiveMs ?? Number.POSITIVE_INFINITY, this.options.defaultMessageTimeToLiveMs);
    if (Number.isFinite(ttl) && !this.isDeadLetterQueue) {
      message.expiresAt = now + ttl;
      message.timer = new Deadline(0, (at) => this.expireIfIdle(message, at));
      this.services.deadlines.schedule(message.timer, message.expiresAt);
    } else {
      message.timer = undefined;
    }
    this.makeAvailable(message);
  }

  // ---------------------------------------------------------------- delivery

  /** Registers a link receiving from this (non-session) queue. */
  addConsumer(consumer: Consumer): void {
    this.consumers.push(consumer);
  }

  removeConsumer(consumer: Consumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
  }

  /**
   * Takes the next deliverable message of a session (or of the queue itself when `session` is undefined),
   * in sequence-number order. Expired messages met on the way are expired.
   */
  take(session: MessageSession | undefined, now: number): StoredMessage | undefined {
    const queue = session === undefined ? this.available : session.available;
    for (;;) {
      const message = queue.shift();
      if (message === undefined || message.expiresAt > now) return message;
      this.expire(message, now);
    }
  }

  /** True when the session (or the queue) has a deliverable message now. */
  hasAvailable(session: MessageSession | undefined, now: number): boolean {
    const queue = session === undefined ? this.available : session.available;
    for (;;) {
      const message = queue.peek();
      if (message === undefined || message.expiresAt > now) return message !== undefined;
      queue.shift();
      this.expire(message, now);
    }
  }

  /**
   * Locks a message handed to a link in peekLock mode. On a plain queue the lock has its own expiry;
   * in a session it lives as long as the session lock. Returns the lock expiry.
   */
  lockDelivery(message: StoredMessage, token: number, holder: LockHolder, deliveryId: number, session: MessageSession | undefined, now: number): number {
    if (session !== undefined) {
      message.lock = { token, until: session.lockedUntil, deadline: undefined, holder, deliveryId };
      return session.lockedUntil;
    }
    const until = now + this.options.lockDurationMs;
    const deadline = new Deadline(until, (at) => this.messageLockExpired(message, at));
    message.lock = { token, until, deadline, holder, deliveryId };
    this.lockedByToken.set(token, message);
    this.services.deadlines.schedule(deadline, until);
    return until;
  }

  /** Locks a deferred message received by sequence number; returns the lock expiry. */
  lockForManagement(message: StoredMessage, session: MessageSession | undefined, now: number): number {
    const token = this.services.lockTokens.next();
    if (session !== undefined) {
      message.lock = { token, until: session.lockedUntil, deadline: undefined, holder: undefined, deliveryId: -1 };
      session.managementLocked.add(message);
    } else {
      const until = now + this.options.lockDurationMs;
      const deadline = new Deadline(until, (at) => this.messageLockExpired(message, at));
      message.lock = { token, until, deadline, holder: undefined, deliveryId: -1 };
      this.services.deadlines.schedule(deadline, until);
    }
    this.lockedByToken.set(token, message);
    return message.lock.until;
  }

  /** Extends a plain-queue message lock; returns the new expiry. */
  renewMessageLock(message: StoredMessage, now: number): number {
    const lock = message.lock;
    if (lock === undefined) throw new Error('The message is not locked.');
    if (lock.deadline === undefined) return lock.until; // session message: the session lock governs
    lock.until = now + this.options.lockDurationMs;
    this.services.deadlines.schedule(lock.deadline, lock.until);
    return lock.until;
  }

  // ---------------------------------------------------------------- settlement

  /** Completes (removes) a message. */
  complete(message: StoredMessage): void {
    this.unlock(message);
    this.remove(message);
  }

  /** Abandons a message: delivery count + 1, then available again (or dead-lettered past the maximum). */
  abandon(message: StoredMessage, properties: Readonly<Record<string, unknown>> | undefined, now: number): void {
    this.unlock(message);
    if (properties !== undefined) message.content = withApplicationProperties(message.content, properties);
    this.redeliver(message, now);
  }

  /** Defers a message: it stays in the queue, retrievable only by sequence number. */
  defer(message: StoredMessage, properties: Readonly<Record<string, unknown>> | undefined): void {
    this.unlock(message);
    if (properties !== undefined) message.content = withApplicationProperties(message.content, properties);
    message.state = MessageState.deferred;
  }

  /** Moves a message to the dead-letter queue with the given reason (a dead-letter queue keeps it). */
  deadLetter(message: StoredMessage, details: DeadLetterDetails, now: number): void {
    this.unlock(message);
    const target = this.deadLetterQueue;
    if (target === undefined) {
      // Dead-lettering from a dead-letter queue is not possible in Service Bus; the message stays.
      if (message.state === MessageState.active) this.makeAvailable(message);
      return;
    }
    this.remove(message);
    target.acceptDeadLettered(message, this.name, details, now);
  }

  /** A lock ended without settlement (expiry, link or connection gone): delivery count + 1, redeliver. */
  lockLost(message: StoredMessage, now: number): void {
    this.unlock(message);
    this.redeliver(message, now);
  }

  private acceptDeadLettered(source: StoredMessage, sourceQueue: string, details: DeadLetterDetails, now: number): void {
    const properties: Record<string, unknown> = { ...details.properties };
    if (details.reason !== undefined) properties['DeadLetterReason'] = details.reason;
    if (details.description !== undefined) properties['DeadLetterErrorDescription'] = details.description;
    const content = withApplicationProperties(source.content, properties);
    const message = new StoredMessage(++this.lastSequenceNumber, content, now, Number.POSITIVE_INFINITY, sourceQueue, source.sequenceNumber);
    message.deliveryCount = source.deliveryCount;
    this.add(message, now);
    this.activate(message, now);
  }

  private redeliver(message: StoredMessage, now: number): void {
    message.deliveryCount++;
    if (message.deliveryCount >= this.options.maxDeliveryCount && !this.isDeadLetterQueue) {
      this.deadLetter(
        message,
        { reason: 'MaxDeliveryCountExceeded', description: `Message could not be consumed after ${this.options.maxDeliveryCount} delivery attempts.` },
        now,
      );
    } else if (message.expiresAt <= now) {
      this.expire(message, now);
    } else if (message.state === MessageState.active) {
      this.makeAvailable(message);
    }
  }

  private unlock(message: StoredMessage): void {
    const lock = message.lock;
    if (lock === undefined) return;
    message.lock = undefined;
    if (lock.deadline !== undefined) this.services.deadlines.cancel(lock.deadline);
    this.lockedByToken.delete(lock.token);
    if (message.sessionId !== undefined) this.sessions.get(message.sessionId)?.managementLocked.delete(message);
  }

  private messageLockExpired(message: StoredMessage, now: number): void {
    const lock = message.lock;
    if (lock === undefined) return;
    lock.holder?.forget(lock.deliveryId);
    this.lockLost(message, now);
  }

  private expireIfIdle(message: StoredMessage, now: number): void {
    // A locked message is expired when its lock ends (see redeliver); a queued one lazily or here.
    if (!message.removed && message.lock === undefined && message.state !== MessageState.scheduled) this.expire(message, now);
  }

  private expire(message: StoredMessage, now: number): void {
    if (this.options.deadLetteringOnMessageExpiration) {
      this.deadLetter(message, { reason: 'TTLExpiredException', description: 'The message expired and was dead lettered.' }, now);
    } else {
      this.remove(message);
    }
  }

  private remove(message: StoredMessage): void {
    if (message.removed) return;
    message.removed = true;
    this.messages.delete(message.sequenceNumber);
    if (message.timer !== undefined) this.services.deadlines.cancel(message.timer);
    const session = message.sessionId === undefined ? undefined : this.sessions.get(message.sessionId);
    if (session !== undefined) {
      session.messageCount--;
      this.forgetIfIdle(session);
    }
  }

  private makeAvailable(message: StoredMessage): void {
    const session = message.sessionId === undefined ? undefined : this.sessions.get(message.sessionId);
    if (session === undefined || !this.requiresSession) {
      this.available.insert(message);
      this.dispatch();
      return;
    }
    session.available.insert(message);
    this.sessionHasMessages(session);
  }

  /** Offers the queue's available messages to its consumers, starting with a different one each time. */
  private dispatch(): void {
    const count = this.consumers.length;
    if (count === 0) return;
    const start = this.nextConsumer++ % count;
    for (let i = 0; i < count && this.available.peek() !== undefined; i++) {
      this.consumers[(start + i) % count]?.pump();
    }
  }

  // ---------------------------------------------------------------- sessions

  private sessionOf(message: StoredMessage, now: number): MessageSession | undefined {
    const id = message.sessionId;
    if (id === undefined || !this.requiresSession) return undefined;
    let session = this.sessions.get(id);
    if (session === undefined) {
      session = new MessageSession(id, now, this.expireSessionLock);
      this.sessions.set(id, session);
    }
    return session;
  }

  private sessionHasMessages(session: MessageSession): void {
    if (session.holder !== undefined) {
      session.holder.pump();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) this.grant(session, waiter, this.services.now());
    else this.ready.add(session);
  }

  /**
   * Locks session `id` for `consumer` (creating the session if it does not exist yet). Returns
   * `undefined` when another link holds the lock.
   */
  acceptSession(id: string, consumer: Consumer, now: number): MessageSession | undefined {
    let session = this.sessions.get(id);
    if (session === undefined) {
      session = new MessageSession(id, now, this.expireSessionLock);
      this.sessions.set(id, session);
    }
    if (session.holder !== undefined) return undefined;
    this.lockSession(session, consumer, now);
    return session;
  }

  /** Locks an unlocked session with available messages for `consumer`, or returns `undefined`. */
  acceptNextSession(consumer: Consumer, now: number): MessageSession | undefined {
    for (const session of this.ready) {
      this.ready.delete(session);
      if (session.holder === undefined && this.hasAvailable(session, now)) {
        this.lockSession(session, consumer, now);
        return session;
      }
    }
    return undefined;
  }

  /** Queues a next-available request until a session has messages (see `sessionHasMessages`). */
  waitForSession(waiter: SessionWaiter): void {
    this.waiters.push(waiter);
  }

  cancelWait(waiter: SessionWaiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  private grant(session: MessageSession, waiter: SessionWaiter, now: number): void {
    this.lockSession(session, waiter.consumer, now);
    waiter.granted(session);
  }

  private lockSession(session: MessageSession, consumer: Consumer, now: number): void {
    this.ready.delete(session);
    session.holder = consumer;
    session.lockedUntil = now + this.options.lockDurationMs;
    this.services.deadlines.schedule(session.lockDeadline, session.lockedUntil);
  }

  /** Extends a session lock; returns the new expiry. */
  renewSessionLock(session: MessageSession, now: number): number {
    session.lockedUntil = now + this.options.lockDurationMs;
    this.services.deadlines.schedule(session.lockDeadline, session.lockedUntil);
    for (const message of session.managementLocked) if (message.lock !== undefined) message.lock.until = session.lockedUntil;
    return session.lockedUntil;
  }

  /**
   * Ends a session lock. Unsettled messages become available again with delivery count + 1 (or are
   * dead-lettered past the maximum). When the lock `expired`, the holder's link is detached with
   * `com.microsoft:session-lock-lost`.
   */
  releaseSession(session: MessageSession, expired: boolean): void {
    const holder = session.holder;
    if (holder === undefined) return;
    const now = this.services.now();
    session.holder = undefined;
    this.services.deadlines.cancel(session.lockDeadline);
    for (const message of holder.takeUnsettled()) this.lockLost(message, now);
    for (const message of [...session.managementLocked]) this.lockLost(message, now);
    if (expired) {
      holder.lost({
        condition: 'com.microsoft:session-lock-lost',
        description: `The session lock has expired on the session with id '${session.id}'.`,
      });
    }
    if (this.hasAvailable(session, now)) this.sessionHasMessages(session);
    else this.forgetIfIdle(session);
  }

  private forgetIfIdle(session: MessageSession): void {
    if (session.idle && session.available.peek() === undefined) {
      this.sessions.delete(session.id);
      this.ready.delete(session);
    }
  }

  /** Sets (or clears, with `null`) a session's state. */
  setSessionState(session: MessageSession, state: Buffer | null, now: number): void {
    session.state = state;
    session.lastUpdated = now;
  }
}
