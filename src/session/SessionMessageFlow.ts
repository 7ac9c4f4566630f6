import { Observable, Subject, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import type { AmqpError, EventContext, Message, Receiver } from 'rhea';
import { SettlementOutcomeUnknownError, translateAmqpError, type SessionLockLostError } from '../errors';
import type { WaitCounter } from '../amqp/PeerWatchdog';
import type { ReceivedMessage } from './ReceivedMessage';
import { SessionMessage, type MessageSettler, type Settlement } from './SessionMessage';
import { settlementOutcome } from './settlementOutcome';
import { tracingEnabled } from '../observability/tracing';
import { traceReceived } from './traceReceived';
import { DeadlineQueue } from '../time/DeadlineQueue';
import { sessionLogger as log } from '../observability/logger';

/** `messages$` completes after this long without activity (see `AcceptSessionOptions.idleTimeout`). */
export interface IdleTimeout {
  readonly ms: number;
  readonly scheduler: SchedulerLike;
}

/**
 * The message side of one session's receive link: `messages$` (multicast; kept while nobody
 * listens), link credit (opened on the first subscription, returned in batches of a quarter of
 * `maxCredit`, at once when nothing is left unsettled), and link settlements waiting for the
 * broker's settled disposition. The session stops it when closing and fails it when torn down.
 */
export class SessionMessageFlow {
  /**
   * Created on first read, and the link listened to from the first subscription (no credit is given
   * before it, so nothing arrives): thousands of held sessions nobody reads pay nothing for it.
   */
  private messagesValue: Observable<ReceivedMessage> | undefined;
  /** Messages are multicast to current subscribers (created with the first subscription). */
  private messageSubject: Subject<ReceivedMessage> | undefined;
  /** Messages that arrived while nobody listened (created when first needed). */
  private undelivered: SessionMessage[] | undefined;
  private readonly maxCredit: number;
  /** The link's `message` and `settled` listeners (from the first subscription). */
  private onMessage: ((context: EventContext) => void) | undefined;
  private onSettled: ((context: EventContext) => void) | undefined;
  private creditStarted = false;
  /** Link messages delivered and not yet settled (peekLock). */
  private unsettled = 0;
  /** Credit owed back to the broker, flushed in batches of `creditBatch`. */
  private owedCredit = 0;
  private readonly creditBatch: number;
  /** Link settlements waiting for the broker's settled disposition, by delivery id (created on first use). */
  private pendingSettles: Map<number, SessionMessage> | undefined;
  /** Set by `stop()`: from then on nothing more is delivered or credited. */
  private stopped = false;
  private failedWith: SessionLockLostError | undefined;
  private whenSettled: (() => void) | undefined;
  /** Last message emitted, settlement sent or subscription (scheduler time); kept only with an idle timeout. */
  private activityAt = 0;

  constructor(
    private readonly link: Receiver,
    maxCredit: number,
    private readonly settler: MessageSettler,
    private readonly sessionId: string,
    private readonly entityPath: string,
    private readonly peekLock: boolean,
    /** Counts each link settlement until the broker's answer as a wait on the peer (see `PeerWatchdog`). */
    private readonly waits: WaitCounter,
    private readonly idle?: IdleTimeout,
  ) {
    this.maxCredit = maxCredit;
    this.creditBatch = Math.max(1, Math.ceil(maxCredit / 4));
  }

  /** The session's messages (multicast; kept while nobody listens); the first subscription opens the credit. */
  get messages$(): Observable<ReceivedMessage> {
    if (this.messagesValue !== undefined) return this.messagesValue;
    const messages$ = new Observable<ReceivedMessage>((subscriber) => {
      if (this.failedWith) {
        if (this.failedWith.reason === 'closed') subscriber.complete();
        else subscriber.error(this.failedWith);
        return undefined;
      }
      const subject = this.listen();
      const sub = subject.subscribe(subscriber);
      const undelivered = this.undelivered;
      while (undelivered !== undefined && undelivered.length > 0 && !subscriber.closed) this.deliver(subject, undelivered.shift() as SessionMessage);
      if (!this.creditStarted) {
        this.creditStarted = true;
        this.link.add_credit(this.maxCredit);
      }
      return sub;
    });
    this.messagesValue = this.idle === undefined ? messages$ : this.untilIdle(messages$, this.idle);
    return this.messagesValue;
  }

  /** Listens to the link (once): before any credit is given, so no message can have been missed. */
  private listen(): Subject<ReceivedMessage> {
    if (this.messageSubject !== undefined) return this.messageSubject;
    this.onMessage = (context) => this.receive(context);
    this.onSettled = (context) => this.settled(context);
    this.link.on('message', this.onMessage);
    this.link.on('settled', this.onSettled);
    this.messageSubject = new Subject<ReceivedMessage>();
    return this.messageSubject;
  }

  /**
   * `messages$` that completes once `idle.ms` pass with no message emitted and no settlement in
   * flight or owed (peekLock messages not yet settled count as activity). One deadline at a time on
   * the shared `DeadlineQueue`, re-armed only when it fires (no per-message timer work).
   */
  private untilIdle(messages$: Observable<ReceivedMessage>, idle: IdleTimeout): Observable<ReceivedMessage> {
    const deadlines = DeadlineQueue.shared(idle.scheduler);
    return new Observable<ReceivedMessage>((subscriber) => {
      let check: Subscription | undefined;
      const arm = (at: number): void => {
        check = deadlines.at(at).subscribe(() => {
          const now = idle.scheduler.now();
          if (this.unsettled > 0 || (this.pendingSettles?.size ?? 0) > 0) return arm(now + idle.ms);
          if (now - this.activityAt < idle.ms) return arm(this.activityAt + idle.ms);
          if (log.enabled('info')) log.info(`messages$ of session '${this.sessionId}' on '${this.entityPath}' completed: idle for ${idle.ms} ms`);
          subscriber.complete();
        });
      };
      this.activityAt = idle.scheduler.now();
      const sub = messages$.subscribe(subscriber);
      if (!subscriber.closed) arm(this.activityAt + idle.ms);
      return () => {
        check?.unsubscribe();
        sub.unsubscribe();
      };
    });
  }

  /**
   * Stops delivery and credit (messages that arrive stay unsettled; the broker makes them available
   * again when the link detaches). Returns a promise that resolves once no link settlement is in
   * flight (or the flow fails), or undefined when none is.
   */
  stop(): Promise<void> | undefined {
    this.stopped = true;
    if (this.failedWith || this.pendingSettles === undefined || this.pendingSettles.size === 0) return undefined;
    return new Promise<void>((resolve) => (this.whenSettled = resolve));
  }

  /** Sends a link settlement; `subscriber` gets the broker's answer (completion, or the translated error). */
  settleOnLink(message: SessionMessage, settlement: Settlement, subscriber: Subscriber<void>): void {
    const delivery = message.delivery;
    if (delivery === undefined) return;
    // Unsubscribing only stops waiting for the broker's answer (the disposition is on the wire):
    // a closed subscriber ignores the completion, so no teardown is needed.
    message.pending = subscriber;
    message.settledAs = settlement.kind;
    (this.pendingSettles ??= new Map()).set(delivery.id, message);
    this.waits.begin();
    delivery.update(false, settlementOutcome(settlement));
    if (this.idle !== undefined) this.activityAt = this.idle.scheduler.now();
    this.unsettled--;
    this.returnCredit(1);
  }

  /**
   * Runs once: stops listening, drops undelivered messages, fails waiting settlements (sent, not
   * answered: `SettlementOutcomeUnknownError`, the broker may or may not have applied them), ends `messages$`.
   */
  fail(error: SessionLockLostError): void {
    if (this.failedWith) return;
    this.failedWith = error;
    const subject = this.messageSubject;
    if (this.onMessage !== undefined) this.link.removeListener('message', this.onMessage);
    if (this.onSettled !== undefined) this.link.removeListener('settled', this.onSettled);
    this.undelivered = undefined;
    const waiting = this.pendingSettles === undefined ? [] : [...this.pendingSettles.values()];
    this.pendingSettles = undefined;
    for (let i = 0; i < waiting.length; i++) this.waits.end();
    this.releaseCloseWait();
    for (const m of waiting) {
      const subscriber = m.pending;
      m.pending = undefined;
      subscriber?.error(new SettlementOutcomeUnknownError(this.sessionId, m.settledAs ?? 'complete', { cause: error }));
    }
    if (error.reason === 'closed') subject?.complete();
    else subject?.error(error);
  }

  private receive(context: EventContext): void {
    const delivery = context.delivery;
    // The message's encoded bytes (shared sessions deliver undecoded): decoded on first read.
    const raw = context.message as Message | Buffer | undefined;
    if (!delivery || !raw || this.failedWith) return;
    // Closing: leave it unsettled; the broker makes it available again when the link detaches.
    if (this.stopped) return;
    const message = new SessionMessage(this.settler, raw, this.sessionId, delivery, undefined, this.peekLock);
    if (tracingEnabled()) traceReceived(message, this.entityPath, this.sessionId);
    if (this.peekLock) this.unsettled++;
    // Pre-settled (receiveAndDelete): mark settled so rhea frees its incoming window slot.
    else delivery.update(true);
    const subject = this.messageSubject as Subject<ReceivedMessage>;
    if (subject.observed) this.deliver(subject, message);
    else (this.undelivered ??= []).push(message);
  }

  private deliver(subject: Subject<ReceivedMessage>, message: SessionMessage): void {
    if (this.idle !== undefined) this.activityAt = this.idle.scheduler.now();
    subject.next(message);
    if (!this.peekLock) this.returnCredit(1);
  }

  /** Gives credit back in batches; at once when nothing is left to work on (no stall below the batch size). */
  private returnCredit(n: number): void {
    this.owedCredit += n;
    if (this.owedCredit >= this.creditBatch || (this.peekLock && this.unsettled === 0)) {
      if (this.failedWith || this.stopped || !this.creditStarted) return;
      this.link.add_credit(this.owedCredit);
      this.owedCredit = 0;
    }
  }

  private settled(context: EventContext): void {
    const delivery = context.delivery;
    if (!delivery) return;
    const message = this.pendingSettles?.get(delivery.id);
    if (!message) return;
    this.pendingSettles?.delete(delivery.id);
    this.waits.end();
    if (this.whenSettled && this.pendingSettles?.size === 0) this.releaseCloseWait();
    const subscriber = message.pending;
    message.pending = undefined;
    if (!subscriber) return;
    const error = (delivery.remote_state as { error?: AmqpError } | undefined)?.error;
    if (error?.condition && error.condition !== 'com.microsoft:dead-letter') {
      subscriber.error(translateAmqpError(error, { sessionId: this.sessionId, entityPath: this.entityPath }));
    } else {
      subscriber.next();
      subscriber.complete();
    }
  }

  /** Resolves `stop()`'s wait once no settlement is in flight (or the flow fails). */
  private releaseCloseWait(): void {
    const resolve = this.whenSettled;
    this.whenSettled = undefined;
    resolve?.();
  }
}
