import type { BrokerServices } from '../BrokerServices';
import { Conditions, type AmqpError } from '../wire/conditions';
import type { Consumer, SessionWaiter } from './Consumer';
import { MessageSession } from './MessageSession';
import type { StoredMessage } from './StoredMessage';

/** What the registry needs from its queue. */
export interface SessionHost {
  /** True when the session has a deliverable message now (expiring stale ones on the way). */
  hasAvailable(session: MessageSession, now: number): boolean;
  /** A lock ended without settlement: delivery count + 1, then redelivered or dead-lettered. */
  lockLost(message: StoredMessage, now: number): void;
}

/**
 * The sessions of one session-enabled queue and their locks: which session is held by which link,
 * which unlocked sessions have messages (for `acceptNextSession`), which next-available requests are
 * waiting, and lock renewal, expiry and release. Idle sessions (no messages, no state, no lock) are
 * forgotten.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, MessageSession>();
  /** Unlocked sessions that (probably) have available messages, oldest first. */
  private readonly ready = new Set<MessageSession>();
  private readonly waiters: SessionWaiter[] = [];
  private readonly expire = (session: MessageSession): void => this.release(session, true);

  constructor(
    private readonly host: SessionHost,
    private readonly services: BrokerServices,
    /** The queue's lock duration (read at each lock and renewal: it may change at runtime). */
    private readonly lockDurationMs: () => number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  values(): IterableIterator<MessageSession> {
    return this.byId.values();
  }

  get(id: string): MessageSession | undefined {
    return this.byId.get(id);
  }

  /**
   * The session `id` when `owner` holds its lock (and, when `linkName` is given, through the link of that
   * name); `undefined` otherwise. Changes nothing.
   */
  heldBy(id: string, owner: object, linkName: string | undefined): MessageSession | undefined {
    const session = this.byId.get(id);
    const holder = session?.holder;
    if (holder === undefined || holder.owner !== owner) return undefined;
    if (linkName !== undefined && holder.name !== linkName) return undefined;
    return session;
  }

  /** The session `id`, created (unlocked, empty) if the queue does not know it yet. */
  getOrCreate(id: string, now: number): MessageSession {
    let session = this.byId.get(id);
    if (session === undefined) {
      session = new MessageSession(id, now, this.expire);
      this.byId.set(id, session);
    }
    return session;
  }

  /**
   * A message of `session` became available: its lock holder gets it, or a waiting next-available
   * request gets the session, or the session is marked ready.
   */
  hasMessages(session: MessageSession): void {
    if (session.holder !== undefined) {
      session.holder.pump();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.ready.add(session);
      return;
    }
    this.lock(session, waiter.consumer, this.services.now());
    waiter.granted(session);
  }

  /** Locks session `id` for `consumer`; `undefined` when another link holds it. */
  accept(id: string, consumer: Consumer, now: number): MessageSession | undefined {
    const session = this.getOrCreate(id, now);
    if (session.holder !== undefined) return undefined;
    this.lock(session, consumer, now);
    return session;
  }

  /** Locks an unlocked session with available messages for `consumer`, or returns `undefined`. */
  acceptNext(consumer: Consumer, now: number): MessageSession | undefined {
    for (const session of this.ready) {
      this.ready.delete(session);
      if (session.holder === undefined && this.host.hasAvailable(session, now)) {
        this.lock(session, consumer, now);
        return session;
      }
    }
    return undefined;
  }

  /** Queues a next-available request until a session has messages (see `hasMessages`). */
  wait(waiter: SessionWaiter): void {
    this.waiters.push(waiter);
  }

  cancelWait(waiter: SessionWaiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /** Extends a session lock; returns the new expiry. */
  renew(session: MessageSession, now: number): number {
    session.lockedUntil = now + this.lockDurationMs();
    this.services.deadlines.schedule(session.lockDeadline, session.lockedUntil);
    for (const message of session.managementLocked) if (message.lock !== undefined) message.lock.until = session.lockedUntil;
    return session.lockedUntil;
  }

  /**
   * Ends a session lock. Unsettled messages become available again with delivery count + 1 (or are
   * dead-lettered past the maximum). When the lock `expired`, the holder's link is detached with
   * `com.microsoft:session-lock-lost`.
   */
  release(session: MessageSession, expired: boolean): void {
    const holder = session.holder;
    if (holder === undefined) return;
    const now = this.services.now();
    session.holder = undefined;
    this.services.deadlines.cancel(session.lockDeadline);
    for (const message of holder.takeUnsettled()) this.host.lockLost(message, now);
    for (const message of [...session.managementLocked]) this.host.lockLost(message, now);
    if (expired) {
      holder.lost({ condition: Conditions.sessionLockLost, description: `The session lock has expired on the session with id '${session.id}'.` });
    }
    if (this.host.hasAvailable(session, now)) this.hasMessages(session);
    else this.forgetIfIdle(session);
  }

  /** The queue is gone: every waiting next-available request and every session holder is detached with `error`. */
  closeAll(error: AmqpError): void {
    for (const waiter of this.waiters.splice(0)) waiter.abort(error);
    for (const session of this.byId.values()) {
      const holder = session.holder;
      if (holder === undefined) continue;
      session.holder = undefined;
      this.services.deadlines.cancel(session.lockDeadline);
      holder.takeUnsettled();
      holder.lost(error);
    }
    this.byId.clear();
    this.ready.clear();
  }

  /** Sets (or clears, with `null`) a session's state. */
  setState(session: MessageSession, state: Buffer | null, now: number): void {
    session.state = state;
    session.lastUpdated = now;
  }

  /** Drops a session that holds nothing any more. */
  forgetIfIdle(session: MessageSession): void {
    if (session.idle && session.available.peek() === undefined) {
      this.byId.delete(session.id);
      this.ready.delete(session);
    }
  }

  private lock(session: MessageSession, consumer: Consumer, now: number): void {
    this.ready.delete(session);
    session.holder = consumer;
    session.lockedUntil = now + this.lockDurationMs();
    this.services.deadlines.schedule(session.lockDeadline, session.lockedUntil);
  }
}
