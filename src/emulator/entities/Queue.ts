import type { BrokerServices } from '../BrokerServices';
import { Deadline } from '../locks/Deadline';
import { withApplicationProperties } from '../wire/applicationProperties';
import type { AmqpError } from '../wire/conditions';
import { MAX_FORWARD_HOPS, type MessageContent } from '../wire/MessageContent';
import { withMessageId } from '../wire/withMessageId';
import type { Consumer } from './Consumer';
import { DuplicateDetector } from './DuplicateDetector';
import { intakeError } from './intakeError';
import type { ForwardingRouter, MessageSink } from './MessageSink';
import type { MessageSession } from './MessageSession';
import type { ResolvedQueueOptions } from './ResolvedQueueOptions';
import { SequenceQueue } from './SequenceQueue';
import { SessionRegistry, type SessionHost } from './SessionRegistry';
import { ExpiringLock, MessageState, StoredMessage, type LockHolder } from './StoredMessage';

/** Why and how a message is dead-lettered. */
export interface DeadLetterDetails {
  readonly reason?: string | undefined;
  readonly description?: string | undefined;
  /** Extra application properties to set (from the settlement's properties to modify). */
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * One queue, subscription or dead-letter queue: its messages, their locks and state transitions, and the
 * links consuming from it (session locks live in its {@link SessionRegistry}). Every state change of a
 * message goes through here, so nothing is lost: a message is completed, redelivered (delivery count + 1),
 * dead-lettered or forwarded. A subscription is a queue whose messages come from its topic.
 */
export class Queue implements SessionHost, MessageSink {
  /** Every message still in the queue (any state), by sequence number; iteration is in sequence order. */
  readonly messages = new Map<number, StoredMessage>();
  /** Locked messages that can be addressed by lock token (plain-queue deliveries, management receives). */
  readonly lockedByToken = new Map<number, StoredMessage>();
  /** The queue's sessions and their locks (empty unless the queue requires sessions). */
  readonly sessions: SessionRegistry;
  private readonly available = new SequenceQueue();
  private readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  private lastSequenceNumber = 0;
  private currentOptions: ResolvedQueueOptions;
  private duplicates: DuplicateDetector | undefined;
  private removedFromNamespace = false;

  constructor(
    options: ResolvedQueueOptions,
    private readonly services: BrokerServices,
    private readonly router: ForwardingRouter,
    /** The queue's dead-letter queue; `undefined` for a dead-letter queue itself. */
    readonly deadLetterQueue?: Queue,
  ) {
    this.currentOptions = options;
    this.duplicates = options.requiresDuplicateDetection ? new DuplicateDetector(options.duplicateDetectionHistoryTimeWindowMs) : undefined;
    this.sessions = new SessionRegistry(this, services, () => this.currentOptions.lockDurationMs);
  }

  /**
   * A queue (or subscription store) with its dead-letter queue `<name>/$DeadLetterQueue` (no sessions, no
   * delivery limit, no forwarding, no expiry).
   */
  static withDeadLetterQueue(options: ResolvedQueueOptions, services: BrokerServices, router: ForwardingRouter): Queue {
    const deadLetterQueue = new Queue(deadLetterOptions(options), services, router);
    return new Queue(options, services, router, deadLetterQueue);
  }

  /** The options in force (see {@link update}). */
  get options(): ResolvedQueueOptions {
    return this.currentOptions;
  }

  get name(): string {
    return this.currentOptions.name;
  }

  get deleted(): boolean {
    return this.removedFromNamespace;
  }

  /**
   * Applies new options (the name and `requiresSession` stay; the namespace checks that). A new lock
   * duration applies to locks taken from now on; a new TTL to messages enqueued from now on.
   */
  update(options: ResolvedQueueOptions): void {
    this.currentOptions = { ...options, name: this.name, requiresSession: this.requiresSession };
    if (!options.requiresDuplicateDetection) this.duplicates = undefined;
    else if (this.duplicates === undefined) this.duplicates = new DuplicateDetector(options.duplicateDetectionHistoryTimeWindowMs);
    else this.duplicates.windowMs = options.duplicateDetectionHistoryTimeWindowMs;
    this.deadLetterQueue?.update(deadLetterOptions(this.currentOptions));
  }

  /**
   * The queue was deleted: every link receiving from it is detached with `error`, its messages and their
   * timers are dropped, and sends to it fail from now on.
   */
  close(error: AmqpError): void {
    this.removedFromNamespace = true;
    for (const consumer of [...this.consumers]) consumer.lost(error);
    this.sessions.closeAll(error);
    for (const message of [...this.messages.values()]) {
      this.unlock(message);
      this.remove(message);
    }
    this.deadLetterQueue?.close(error);
  }

  // ---------------------------------------------------------------- MessageSink

  /** @inheritdoc */
  refusal(content: MessageContent): AmqpError | undefined {
    return intakeError(content, this);
  }

  /** @inheritdoc */
  send(contents: readonly MessageContent[], now: number): void {
    for (const content of contents) {
      if (this.duplicates?.isDuplicate(content.messageId, now) === true) continue;
      this.enqueue(content, now);
    }
  }

  /** @inheritdoc */
  schedule(content: MessageContent, now: number): number {
    return this.enqueue(content, now);
  }

  get requiresSession(): boolean {
    return this.currentOptions.requiresSession;
  }

  get isDeadLetterQueue(): boolean {
    return this.deadLetterQueue === undefined;
  }

  // ---------------------------------------------------------------- intake

  /**
   * Adds a message sent by a client (given a message id when it has none). A message whose
   * `x-opt-scheduled-enqueue-time` lies in the future becomes a scheduled message and turns active then.
   * No duplicate detection (see {@link send}). Returns the message's sequence number.
   */
  enqueue(content: MessageContent, now: number): number {
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
    return message.sequenceNumber;
  }

  /** @inheritdoc */
  hasScheduled(sequenceNumber: number): boolean {
    return this.messages.get(sequenceNumber)?.state === MessageState.scheduled;
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
    if (message.sessionId === undefined || !this.requiresSession) return;
    const session = this.sessions.getOrCreate(message.sessionId, now);
    session.messageCount++;
    session.lastUpdated = now;
  }

  /** The session a message belongs to (session queues only). */
  private sessionOf(message: StoredMessage): MessageSession | undefined {
    return message.sessionId === undefined || !this.requiresSession ? undefined : this.sessions.get(message.sessionId);
  }

  private activate(message: StoredMessage, now: number): void {
    if (this.forward(message, now)) return;
    message.state = MessageState.active;
    message.enqueuedAt = now;
    const ttl = Math.min(message.content.timeToLiveMs ?? Number.POSITIVE_INFINITY, this.currentOptions.defaultMessageTimeToLiveMs);
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
    const until = now + this.currentOptions.lockDurationMs;
    const lock = new ExpiringLock(token, until, holder, deliveryId, message, this.lockExpired);
    message.lock = lock;
    this.lockedByToken.set(token, message);
    this.services.deadlines.schedule(lock, until);
    return until;
  }

  /** A plain-queue lock's expiry (shared by its {@link ExpiringLock}s). */
  private readonly lockExpired = (message: StoredMessage, now: number): void => this.messageLockExpired(message, now);

  /** Locks a deferred message received by sequence number; returns the lock expiry. */
  lockForManagement(message: StoredMessage, session: MessageSession | undefined, now: number): number {
    const token = this.services.lockTokens.next();
    if (session !== undefined) {
      message.lock = { token, until: session.lockedUntil, deadline: undefined, holder: undefined, deliveryId: -1 };
      session.managementLocked.add(message);
    } else {
      const until = now + this.currentOptions.lockDurationMs;
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
    lock.until = now + this.currentOptions.lockDurationMs;
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
    const forwardTo = this.deadLetterQueue === undefined ? undefined : this.currentOptions.forwardDeadLetteredMessagesTo;
    const forwardTarget = forwardTo === undefined ? undefined : this.router.sink(forwardTo);
    // A message that has made its last allowed forwarding move stays in this dead-letter queue.
    if (forwardTarget !== undefined && message.content.forwardHops < MAX_FORWARD_HOPS) {
      const content = forwarded(withApplicationProperties(message.content, deadLetterProperties(details)));
      if (forwardTarget.refusal(content) === undefined) {
        this.remove(message);
        forwardTarget.send([content], now);
        return;
      }
    }
    const target = this.deadLetterQueue;
    if (target === undefined) {
      // Dead-lettering from a dead-letter queue is not possible in Service Bus; the message stays.
      if (message.state === MessageState.active) this.makeAvailable(message);
      return;
    }
    this.remove(message);
    target.acceptDeadLettered(message, this.name, details, now);
  }

  /**
   * A message that cannot be enqueued here goes straight to the dead-letter queue (or where
   * `forwardDeadLetteredMessagesTo` says), e.g. a topic's copy without session id in a session subscription.
   */
  deadLetterUnaccepted(content: MessageContent, details: DeadLetterDetails, now: number): void {
    this.deadLetter(new StoredMessage(++this.lastSequenceNumber, content, now, Number.POSITIVE_INFINITY), details, now);
  }

  /** A lock ended without settlement (expiry, link or connection gone): delivery count + 1, redeliver. */
  lockLost(message: StoredMessage, now: number): void {
    this.unlock(message);
    this.redeliver(message, now);
  }

  private acceptDeadLettered(source: StoredMessage, sourceQueue: string, details: DeadLetterDetails, now: number): void {
    const content = withApplicationProperties(source.content, deadLetterProperties(details));
    const message = new StoredMessage(++this.lastSequenceNumber, content, now, Number.POSITIVE_INFINITY, sourceQueue, source.sequenceNumber);
    message.deliveryCount = source.deliveryCount;
    this.add(message, now);
    this.activate(message, now);
  }

  /**
   * Auto-forwarding: a message turning active in a queue with `forwardTo` moves to the target. A target
   * that is gone keeps the message here; one that refuses it (e.g. no session id) dead-letters it here.
   */
  private forward(message: StoredMessage, now: number): boolean {
    const to = this.currentOptions.forwardTo;
    if (to === undefined || this.deadLetterQueue === undefined) return false;
    const target = this.router.sink(to);
    if (target === undefined) return false;
    if (message.content.forwardHops >= MAX_FORWARD_HOPS) {
      const description = `Auto-forwarding to '${target.name}' would be move ${message.content.forwardHops + 1} of this message; Service Bus allows ${MAX_FORWARD_HOPS}.`;
      this.deadLetter(message, { reason: 'MaxTransferHopCountExceeded', description }, now);
      return true;
    }
    const refusal = target.refusal(message.content);
    if (refusal !== undefined) {
      this.deadLetter(message, { reason: 'ForwardingFailed', description: `Auto-forwarding to '${target.name}' failed: ${refusal.description}` }, now);
      return true;
    }
    this.remove(message);
    target.send([forwarded(message.content)], now);
    return true;
  }

  private redeliver(message: StoredMessage, now: number): void {
    message.deliveryCount++;
    if (message.deliveryCount >= this.currentOptions.maxDeliveryCount && !this.isDeadLetterQueue) {
      this.deadLetter(
        message,
        { reason: 'MaxDeliveryCountExceeded', description: `Message could not be consumed after ${this.currentOptions.maxDeliveryCount} delivery attempts.` },
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
    this.sessionOf(message)?.managementLocked.delete(message);
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
    if (this.currentOptions.deadLetteringOnMessageExpiration) {
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
    const session = this.sessionOf(message);
    if (session !== undefined) {
      session.messageCount--;
      this.sessions.forgetIfIdle(session);
    }
  }

  private makeAvailable(message: StoredMessage): void {
    const session = this.sessionOf(message);
    if (session === undefined) {
      this.available.insert(message);
      this.dispatch();
      return;
    }
    session.available.insert(message);
    this.sessions.hasMessages(session);
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
}

function deadLetterOptions(options: ResolvedQueueOptions): ResolvedQueueOptions {
  return {
    ...options,
    name: `${options.name}/$DeadLetterQueue`,
    requiresSession: false,
    maxDeliveryCount: Number.POSITIVE_INFINITY,
    requiresDuplicateDetection: false,
    forwardTo: undefined,
    forwardDeadLetteredMessagesTo: undefined,
  };
}

/** The application properties a dead-lettered message gets: the settlement's, plus reason and description. */
function deadLetterProperties(details: DeadLetterDetails): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...details.properties };
  if (details.reason !== undefined) properties['DeadLetterReason'] = details.reason;
  if (details.description !== undefined) properties['DeadLetterErrorDescription'] = details.description;
  return properties;
}

/** `content` as its forwarding target receives it: one more forwarding move counted. */
function forwarded(content: MessageContent): MessageContent {
  return { ...content, forwardHops: content.forwardHops + 1 };
}
