import {
  catchError,
  defer,
  map,
  Observable,
  of,
  ReplaySubject,
  share,
  Subject,
  switchMap,
  tap,
  throwError,
  timeout as timeoutWith,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { message as rheaMessage, type AmqpError, type EventContext, type Message, type Receiver } from 'rhea';
import {
  InvalidArgumentError,
  ServiceTimeoutError,
  SessionLockLostError,
  translateAmqpError,
  type LockLostReason,
  type ServiceBusRxError,
} from '../errors';
import type { ReceiveMode } from './AcceptSessionOptions';
import type { OperationOptions } from '../retry/OperationOptions';
import type { RetryOptions } from '../retry/RetryOptions';
import type { AmqpConnection } from '../amqp/AmqpConnection';
import {
  getSessionState,
  peekMessages,
  receiveBySequenceNumber,
  renewSessionLock,
  sendRenewSessionLock,
  setSessionState,
  updateDisposition,
  type DispositionStatus,
  type SessionRequestScope,
} from '../amqp/managementOperations';
import type { RequestResponseLink } from '../amqp/RequestResponseLink';
import type { AutoLockRenewError, AutoRenewErrorEvent } from '../lock/AutoLockRenewError';
import { resolveLockTimeline } from '../lock/LockTimelineRun';
import { SharedLockTimeline } from '../lock/SharedLockTimeline';
import { AutoRenewRun, type ResolvedAutoRenew } from '../lock/AutoRenewRun';
import { retryWithin } from '../retry/retryWithin';
import { validateTimeout } from '../retry/validateTimeout';
import type { LockState } from '../lock/LockState';
import type { PeekedMessage, ReceivedMessage } from './ReceivedMessage';
import type { PeekOptions, Session, SessionState } from './Session';
import { PeekedSessionMessage, SessionMessage, type MessageSettler, type Settlement } from './SessionMessage';
import { decodeSessionState, encodeSessionState } from './sessionStateCodec';

/** Default bound of a management operation (the official SDK's default operation timeout). */
const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;
/** rhea builds outcomes at runtime; its typings omit these constructors. */
const outcomes = rheaMessage as unknown as Record<'accepted' | 'modified' | 'rejected', (fields?: Record<string, unknown>) => { described(): unknown }>;
const ACCEPTED = outcomes.accepted().described();

/** Everything a session receiver is built from (internal; produced by `acceptSessionLink`). */
export interface SessionReceiverInit {
  readonly amqp: AmqpConnection;
  readonly entityPath: string;
  readonly sessionId: string;
  readonly lockedUntil: Date;
  readonly receiveMode: ReceiveMode;
  readonly link: Receiver;
  /** Detaches the link and gives its AMQP session back; idempotent (owned by the session from now on). */
  readonly detachLink: () => Promise<void>;
  /** Stops watching the link for failures when unsubscribed (owned by the session from now on). */
  readonly linkSubscription: Subscription;
  readonly maxCredit: number;
  readonly scheduler: SchedulerLike;
  readonly retry: RetryOptions;
  readonly tickPeriod: number | undefined;
  readonly expiringSoonThreshold: number | undefined;
  /** Auto-renewal options resolved (and validated) at the accept call; undefined = no auto-renewal. */
  readonly autoRenew: ResolvedAutoRenew | undefined;
  /** Called once when the session has closed (any reason). */
  readonly onClosed: (session: SessionReceiver) => void;
}

/**
 * The `Session` implementation: one session receiver link, its lock timeline, its messages and the
 * management operations scoped to it. See {@link Session} for the public contract.
 */
export class SessionReceiver implements Session, MessageSettler {
  readonly sessionId: string;
  readonly receiveMode: ReceiveMode;
  readonly lock$: Observable<LockState>;
  readonly messages$: Observable<ReceivedMessage>;
  private lockedUntilValue: Date;
  private autoRenewErrorValue: AutoLockRenewError | undefined;
  private lostError: SessionLockLostError | undefined;
  private closedPromise: Promise<void> | undefined;

  private readonly init: SessionReceiverInit;
  private readonly scope: SessionRequestScope;
  private readonly peekLock: boolean;
  private readonly lock: SharedLockTimeline;
  /** What `lock$.pipe(autoRenew(options))` would do, run directly on the lock's states. */
  private readonly renewer: AutoRenewRun | undefined;

  /** Messages are multicast to current subscribers; kept here while there are none. */
  private readonly messageSubject = new Subject<ReceivedMessage>();
  private readonly undelivered: SessionMessage[] = [];
  private creditStarted = false;
  /** Link messages delivered and not yet settled (peekLock). */
  private unsettled = 0;
  /** Credit owed back to the broker, flushed in batches of `creditBatch`. */
  private owedCredit = 0;
  private readonly creditBatch: number;
  /** Link settlements waiting for the broker's settled disposition, by delivery id (created on first use). */
  private pendingSettles: Map<number, SessionMessage> | undefined;
  /** Created on first use: thousands of sessions that never read their state pay nothing for it. */
  private stateChanges: Subject<SessionState | undefined> | undefined;
  private stateStream: Observable<SessionState | undefined> | undefined;
  private stateVersion = 0;
  private lastPeekedSequenceNumber = 0n;
  /** Set by `end()` (and so `close()`): from then on nothing more is delivered or credited. */
  private ending: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private whenSettled: (() => void) | undefined;

  constructor(init: SessionReceiverInit) {
    this.init = init;
    this.sessionId = init.sessionId;
    this.receiveMode = init.receiveMode;
    this.lockedUntilValue = init.lockedUntil;
    this.peekLock = init.receiveMode === 'peekLock';
    this.scope = { sessionId: init.sessionId, associatedLinkName: init.link.name };
    this.creditBatch = Math.max(1, Math.ceil(init.maxCredit / 4));

    this.renewer = init.autoRenew === undefined ? undefined : new AutoRenewRun(init.autoRenew, ignoreEvent, reportUnhandled, this.renewNow);
    // The lock is watched from now on (a loss tears the session down with or without subscribers).
    this.lock = new SharedLockTimeline(
      resolveLockTimeline({
        sessionId: init.sessionId,
        lock: this,
        lockedUntil: init.lockedUntil,
        ...(init.tickPeriod === undefined ? {} : { tickPeriod: init.tickPeriod }),
        ...(init.expiringSoonThreshold === undefined ? {} : { expiringSoonThreshold: init.expiringSoonThreshold }),
        scheduler: init.scheduler,
      }),
      (state) => {
        // The session's own watcher, first to see each state: a loss tears the session down (which
        // stops auto-renewal before it sees the loss); any other state feeds auto-renewal.
        if (state.kind === 'lost') this.teardown(state.error);
        else this.renewer?.onState(state, ignoreState);
      },
    );
    this.lock$ = this.lock.lock$;

    init.link.on('message', this.onMessage);
    init.link.on('settled', this.onSettled);

    this.messages$ = new Observable<ReceivedMessage>((subscriber) => {
      if (this.lostError) {
        if (this.lostError.reason === 'closed') subscriber.complete();
        else subscriber.error(this.lostError);
        return undefined;
      }
      const sub = this.messageSubject.subscribe(subscriber);
      while (this.undelivered.length > 0 && !subscriber.closed) this.deliver(this.undelivered.shift() as SessionMessage);
      if (!this.creditStarted) {
        this.creditStarted = true;
        init.link.add_credit(init.maxCredit);
      }
      return sub;
    });

  }

  get state$(): Observable<SessionState | undefined> {
    return (this.stateStream ??= this.createState$());
  }

  get lockedUntil(): Date {
    return this.lockedUntilValue;
  }

  get autoRenewError(): AutoLockRenewError | undefined {
    return this.autoRenewErrorValue;
  }

  /** `LockHandle`: records auto-renewal's terminal error. */
  reportAutoRenewError(error: Error): void {
    this.autoRenewErrorValue = error as AutoLockRenewError;
  }

  /** `LockHandle`: closes the link because the lock is lost (or the session is closed). Idempotent. */
  closeLink(reason: LockLostReason, cause?: unknown): void {
    if (this.lostError) return;
    // lock$ turns this into its `lost` state synchronously, which runs teardown.
    this.lock.lost(reason, cause);
    if (!this.lostError) this.teardown(new SessionLockLostError(this.sessionId, reason, cause === undefined ? undefined : { cause }));
  }

  /** The receive link failed after accept (broker detach, session end, connection loss). */
  onLinkFailure(error: ServiceBusRxError): void {
    if (this.lostError) return;
    // The broker detaches with session-lock-lost when the lock runs out; once our clock agrees the
    // lock is past its expiry, that is an expiry rather than a detach for another reason.
    const expired = error instanceof SessionLockLostError && this.init.scheduler.now() >= this.lockedUntilValue.getTime();
    this.closeLink(expired ? 'expired' : 'detached', error);
  }

  /**
   * Closes gracefully: no new messages are delivered or credited, settlements already sent to the
   * broker finish (they fail only if the lock is lost meanwhile), then the link is detached and
   * `lock$` emits `lost('closed')`. Messages received and never settled are redelivered by the broker.
   */
  close(): Promise<void> {
    this.closing ??= this.end().then(() => this.closedPromise);
    return this.closing;
  }

  /**
   * `close()` without waiting for the link's detach: stops delivery and credit, lets settlements
   * already sent finish, then ends the session (`lock$` emits `lost('closed')`). The client's own
   * close uses it before closing the connection, which releases every link at once.
   */
  end(): Promise<void> {
    this.ending ??= (async () => {
      if (!this.lostError && this.pendingSettles !== undefined && this.pendingSettles.size > 0) {
        await new Promise<void>((resolve) => (this.whenSettled = resolve));
      }
      this.closeLink('closed');
    })();
    return this.ending;
  }

  /** Resolves `close()`'s wait once no settlement is in flight (or the session is torn down). */
  private releaseCloseWait(): void {
    const resolve = this.whenSettled;
    this.whenSettled = undefined;
    resolve?.();
  }

  renewLock(options?: OperationOptions): Observable<Date> {
    const timeout = validateTimeout('options.timeout', options?.timeout);
    return defer(() =>
      this.managementOperationWithTimeout(
        'renewLock',
        // Without a timeout, a renewal is bounded by the lock itself: after expiry it cannot succeed.
        timeout ?? Math.min(DEFAULT_OPERATION_TIMEOUT_MS, Math.max(1, this.lockedUntilValue.getTime() - this.init.scheduler.now())),
        (link) => renewSessionLock(link, this.scope),
      ),
    ).pipe(
      tap(this.renewedUntil),
    );
  }

  /**
   * The session's own auto-renewal: `renewLock()` without Observables or a timeout of its own (a reply
   * that never comes is bounded by the lock: its expiry tears the session down, which cancels this),
   * retried by the auto-renewal loop itself. Falls back to `renewLock()` while the management link is
   * not open yet.
   */
  private readonly renewNow = (done: (error: unknown, lockedUntil: Date | undefined) => void): (() => void) => {
    if (this.lostError) {
      done(this.lostError, undefined);
      return noop;
    }
    const link = this.init.amqp.openManagementLink(this.init.entityPath);
    if (link === undefined) {
      const sub = this.renewLock().subscribe({ next: (until) => done(undefined, until), error: (err: unknown) => done(err, undefined) });
      return () => sub.unsubscribe();
    }
    return sendRenewSessionLock(link, this.scope, (error, lockedUntil) => {
      if (error === undefined) this.renewedUntil(lockedUntil as Date);
      done(error, lockedUntil);
    });
  };

  /** A renewal (manual or automatic) succeeded: the new expiry, unless the lock was lost meanwhile. */
  private readonly renewedUntil = (lockedUntil: Date): void => {
    if (this.lostError) return;
    this.lockedUntilValue = lockedUntil;
    this.lock.renewed(lockedUntil);
  };

  getState(options?: OperationOptions): Observable<SessionState | undefined> {
    return this.managementOperation('getState', options, (link) => getSessionState(link, this.scope)).pipe(map(decodeSessionState));
  }

  setState(state: SessionState | null, options?: OperationOptions): Observable<void> {
    const bytes = encodeSessionState(state);
    const decoded = state === null ? undefined : state;
    return this.managementOperation('setState', options, (link) => setSessionState(link, this.scope, bytes)).pipe(
      tap(() => {
        this.stateVersion++;
        this.stateChanges?.next(decoded);
      }),
    );
  }

  peek(count: number, options?: PeekOptions): Observable<PeekedMessage[]> {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 0x7fffffff) {
      throw new InvalidArgumentError('count', 'must be a positive integer', count);
    }
    const from = options?.fromSequenceNumber;
    if (from !== undefined && (typeof from !== 'bigint' || from < 0n)) {
      throw new InvalidArgumentError('options.fromSequenceNumber', 'must be a non-negative bigint', from);
    }
    return this.managementOperation('peek', options, (link) =>
      peekMessages(link, this.scope, from ?? this.lastPeekedSequenceNumber + 1n, count).pipe(
        catchError((err: unknown) => ((err as ServiceBusRxError).condition === 'com.microsoft:message-not-found' ? of([]) : throwError(() => err))),
      ),
    ).pipe(
      map((messages) => {
        const peeked = messages.map((m) => new PeekedSessionMessage(m, this.sessionId));
        const last = peeked[peeked.length - 1];
        if (last && last.sequenceNumber > this.lastPeekedSequenceNumber) this.lastPeekedSequenceNumber = last.sequenceNumber;
        return peeked;
      }),
    );
  }

  receiveDeferred(sequenceNumbers: readonly bigint[], options?: OperationOptions): Observable<ReceivedMessage[]> {
    if (!Array.isArray(sequenceNumbers) || sequenceNumbers.length === 0 || sequenceNumbers.some((n) => typeof n !== 'bigint' || n < 0n)) {
      throw new InvalidArgumentError('sequenceNumbers', 'must be a non-empty array of non-negative bigints', sequenceNumbers);
    }
    const list = [...sequenceNumbers];
    return this.managementOperation('receiveDeferred', options, (link) => receiveBySequenceNumber(link, this.scope, list, !this.peekLock)).pipe(
      map((messages) => messages.map((m) => new SessionMessage(this, m.message, this.sessionId, undefined, m.lockToken, this.peekLock))),
    );
  }

  /** `MessageSettler`: settles on the link (messages$) or with update-disposition (deferred messages). */
  settle(message: SessionMessage, settlement: Settlement): Observable<void> {
    const settled$ = new Observable<void>((subscriber) => {
      if (this.lostError) return subscriber.error(this.lostError);
      if (!message.settleable) {
        return subscriber.error(new InvalidArgumentError('message', 'was received in receiveAndDelete mode and cannot be settled'));
      }
      if (message.settling) return subscriber.error(new InvalidArgumentError('message', 'has already been settled'));
      message.settling = true;
      const delivery = message.delivery;
      if (delivery === undefined) {
        // Received by sequence number: settled through the management link.
        return this.settleDeferred(message, settlement).subscribe(subscriber);
      }
      // Unsubscribing only stops waiting for the broker's answer (the disposition is on the wire):
      // a closed subscriber ignores the completion, so no teardown is needed.
      message.pending = subscriber;
      (this.pendingSettles ??= new Map()).set(delivery.id, message);
      delivery.update(false, outcome(settlement));
      this.unsettled--;
      this.returnCredit(1);
      return undefined;
    });
    if (settlement.timeout === undefined) return settled$;
    const ms = settlement.timeout;
    return settled$.pipe(
      timeoutWith({
        first: ms,
        scheduler: this.init.scheduler,
        with: () => throwError(() => new ServiceTimeoutError(`Settling the message did not complete within ${ms} ms.`)),
      }),
    );
  }

  private settleDeferred(message: SessionMessage, s: Settlement): Observable<void> {
    const token = message.managementLockToken as string;
    const status: DispositionStatus =
      s.kind === 'complete' ? 'completed' : s.kind === 'abandon' ? 'abandoned' : s.kind === 'defer' ? 'defered' : 'suspended';
    return this.managementOperationWithTimeout('settle', s.timeout ?? DEFAULT_OPERATION_TIMEOUT_MS, (link) =>
      updateDisposition(link, this.scope, [token], status, {
        deadLetterReason: s.reason,
        deadLetterDescription: s.description,
        propertiesToModify: s.propertiesToModify,
      }),
    );
  }

  private readonly onMessage = (context: EventContext): void => {
    const delivery = context.delivery;
    // The message's encoded bytes (shared sessions deliver undecoded): decoded on first read.
    const raw = context.message as Message | Buffer | undefined;
    if (!delivery || !raw || this.lostError) return;
    // Closing: leave it unsettled; the broker makes it available again when the link detaches.
    if (this.ending) return;
    const message = new SessionMessage(this, raw, this.sessionId, delivery, undefined, this.peekLock);
    if (this.peekLock) this.unsettled++;
    // Pre-settled (receiveAndDelete): mark settled so rhea frees its incoming window slot.
    else delivery.update(true);
    if (this.messageSubject.observed) this.deliver(message);
    else this.undelivered.push(message);
  };

  private deliver(message: SessionMessage): void {
    this.messageSubject.next(message);
    if (!this.peekLock) this.returnCredit(1);
  }

  /** Gives credit back in batches; at once when nothing is left to work on (no stall below the batch size). */
  private returnCredit(n: number): void {
    this.owedCredit += n;
    if (this.owedCredit >= this.creditBatch || (this.peekLock && this.unsettled === 0)) {
      if (this.lostError || this.ending || !this.creditStarted) return;
      this.init.link.add_credit(this.owedCredit);
      this.owedCredit = 0;
    }
  }

  private readonly onSettled = (context: EventContext): void => {
    const delivery = context.delivery;
    if (!delivery) return;
    const message = this.pendingSettles?.get(delivery.id);
    if (!message) return;
    this.pendingSettles?.delete(delivery.id);
    if (this.whenSettled && this.pendingSettles?.size === 0) this.releaseCloseWait();
    const subscriber = message.pending;
    message.pending = undefined;
    if (!subscriber) return;
    const error = (delivery.remote_state as { error?: AmqpError } | undefined)?.error;
    if (error?.condition && error.condition !== 'com.microsoft:dead-letter') {
      subscriber.error(translateAmqpError(error, { sessionId: this.sessionId, entityPath: this.init.entityPath }));
    } else {
      subscriber.next();
      subscriber.complete();
    }
  };

  /** Runs once: stops delivery, fails what waits on the link, ends the streams, detaches the link. */
  private teardown(error: SessionLockLostError): void {
    if (this.lostError) return;
    this.lostError = error;
    const { link } = this.init;
    link.removeListener('message', this.onMessage);
    link.removeListener('settled', this.onSettled);
    this.undelivered.length = 0;
    const waiting = this.pendingSettles === undefined ? [] : [...this.pendingSettles.values()];
    this.pendingSettles = undefined;
    this.releaseCloseWait();
    for (const m of waiting) {
      const subscriber = m.pending;
      m.pending = undefined;
      subscriber?.error(error);
    }
    if (error.reason === 'closed') this.messageSubject.complete();
    else this.messageSubject.error(error);
    this.stateChanges?.complete();
    this.init.linkSubscription.unsubscribe();
    const detached = this.init.detachLink();
    // A lost lock (not a close) also closes the connection once nothing else uses it (the seed's
    // "once the lock is lost the connection will be closed"); the client's next use opens a new one.
    this.closedPromise = error.reason === 'closed' ? detached : detached.then(() => void this.init.amqp.closeIfUnused());
    this.renewer?.stop();
    this.init.onClosed(this);
  }

  /** One management operation: fails fast once the lock is lost; retried and bounded by `timeout`. */
  private managementOperation<T>(operation: string, options: OperationOptions | undefined, run: (link: RequestResponseLink) => Observable<T>): Observable<T> {
    const timeout = validateTimeout('options.timeout', options?.timeout) ?? DEFAULT_OPERATION_TIMEOUT_MS;
    return this.managementOperationWithTimeout(operation, timeout, run);
  }

  private managementOperationWithTimeout<T>(operation: string, timeout: number, run: (link: RequestResponseLink) => Observable<T>): Observable<T> {
    return defer(() => {
      if (this.lostError) return throwError(() => this.lostError);
      const open = this.init.amqp.openManagementLink(this.init.entityPath);
      return open !== undefined ? run(open) : this.init.amqp.management(this.init.entityPath).pipe(switchMap(run));
    }).pipe(retryWithin({ ...this.init.retry, timeout, scheduler: this.init.scheduler, operation: `${operation} (session '${this.sessionId}')` }));
  }

  /** state$: the fetched state, then local changes; a change made while fetching wins over the fetched value. */
  private createState$(): Observable<SessionState | undefined> {
    return new Observable<SessionState | undefined>((subscriber) => {
      const versionAtFetch = this.stateVersion;
      if (this.stateChanges === undefined) {
        this.stateChanges = new Subject<SessionState | undefined>();
        // Closed before anyone asked: as if it had existed (and been completed) since accept.
        if (this.lostError) this.stateChanges.complete();
      }
      const changes = this.stateChanges.subscribe(subscriber);
      const fetch = this.getState().subscribe({
        next: (state) => {
          if (this.stateVersion === versionAtFetch) subscriber.next(state);
        },
        error: (err: unknown) => subscriber.error(err),
      });
      return () => {
        changes.unsubscribe();
        fetch.unsubscribe();
      };
    }).pipe(share({ connector: () => new ReplaySubject<SessionState | undefined>(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: true }));
  }
}

/** The session's own auto-renewal passes states nowhere and keeps its error in `autoRenewError`. */
function ignoreState(_state: LockState): void {}
function noop(): void {}
function ignoreEvent(_event: AutoRenewErrorEvent): void {}
/** A LockHandle that throws is a bug: reported like an error nobody subscribed to (rxjs's way). */
function reportUnhandled(error: unknown): void {
  throwError(() => error).subscribe();
}

function outcome(s: Settlement): unknown {
  switch (s.kind) {
    case 'complete':
      return ACCEPTED;
    case 'abandon':
      return outcomes
        .modified({ undeliverable_here: false, ...(s.propertiesToModify === undefined ? {} : { message_annotations: s.propertiesToModify }) })
        .described();
    case 'defer':
      return outcomes
        .modified({ undeliverable_here: true, ...(s.propertiesToModify === undefined ? {} : { message_annotations: s.propertiesToModify }) })
        .described();
    case 'deadLetter': {
      const info: Record<string, unknown> = { ...(s.propertiesToModify ?? {}) };
      if (s.reason !== undefined) info['DeadLetterReason'] = s.reason;
      if (s.description !== undefined) info['DeadLetterErrorDescription'] = s.description;
      return outcomes.rejected({ error: { condition: 'com.microsoft:dead-letter', description: undefined, info } }).described();
    }
  }
}
