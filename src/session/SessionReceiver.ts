import { map, Observable, switchMap, tap, throwError, timeout as timeoutWith, type SchedulerLike } from 'rxjs';
import type { Receiver } from 'rhea';
import type { AmqpConnection } from '../amqp/AmqpConnection';
import type { ReceiverLink } from '../amqp/openReceiverLink';
import type { RetryOptions } from '../retry/RetryOptions';
import { InvalidArgumentError, ServiceTimeoutError, SessionLockLostError, type LockLostReason, type ServiceBusRxError } from '../errors';
import type { ReceiveMode } from './AcceptSessionOptions';
import type { OperationOptions } from '../retry/OperationOptions';
import { renewSessionLock, sendRenewSessionLock, type SessionRequestScope } from '../amqp/managementOperations';
import type { AutoLockRenewError, AutoRenewErrorEvent } from '../lock/AutoLockRenewError';
import { resolveLockTimeline } from '../lock/LockTimelineRun';
import { SharedLockTimeline } from '../lock/SharedLockTimeline';
import { AutoRenewRun, type ResolvedAutoRenew } from '../lock/AutoRenewRun';
import { validateTimeout } from '../retry/validateTimeout';
import { resolveRetryWithin, runWithRetries, type RetryPolicy } from '../retry/retryWithin';
import type { LockState } from '../lock/LockState';
import type { PeekedMessage, ReceivedMessage } from './ReceivedMessage';
import type { PeekOptions, Session, SessionState } from './Session';
import type { MessageSettler, SessionMessage, Settlement } from './SessionMessage';
import { SessionMessageFlow } from './SessionMessageFlow';
import { DEFAULT_OPERATION_TIMEOUT_MS, SessionManagement } from './SessionManagement';
import { DEFAULT_LOCK_SAFETY_MARGIN_MS, sessionSignal } from './sessionSignal';
import { SessionStateStream } from './SessionStateStream';
import type { ResolvedStateCodec } from './sessionStateCodec';
import { countLockLoss, countRenewal, endRenewalSpan, startRenewalSpan, traceSessionOperation, traceSettlement } from './sessionTelemetry';

/** Everything a session receiver is built from (internal; produced by `acceptSessionLink`). */
export interface SessionReceiverInit {
  readonly amqp: AmqpConnection;
  readonly entityPath: string;
  readonly sessionId: string;
  readonly lockedUntil: Date;
  readonly receiveMode: ReceiveMode;
  readonly link: Receiver;
  /**
   * The link's watch (owned by the session from now on): `close()` detaches the link and gives its AMQP
   * session back (idempotent); `unsubscribe()` stops watching the link for failures.
   */
  readonly receiverLink: ReceiverLink;
  readonly maxCredit: number;
  /** How session state is stored and read. */
  readonly stateCodec: ResolvedStateCodec;
  /** `messages$` completes after this many ms without activity; undefined = never. */
  readonly idleTimeout: number | undefined;
  readonly scheduler: SchedulerLike;
  readonly retry: RetryOptions;
  readonly tickPeriod: number | undefined;
  readonly expiringSoonThreshold: number | undefined;
  /** ms before the broker's expiry at which the lock counts as lost; undefined = the default (see `DEFAULT_LOCK_SAFETY_MARGIN_MS`). */
  readonly lockSafetyMargin: number | undefined;
  /** Auto-renewal options resolved (and validated) at the accept call; undefined = no auto-renewal. */
  readonly autoRenew: ResolvedAutoRenew | undefined;
  /** Called once when the session has closed (any reason). */
  readonly onClosed: (session: SessionReceiver) => void;
}

/**
 * The `Session` implementation: the lifecycle of one accepted session — its lock timeline and
 * renewal, graceful close and teardown — composed with its messages (`SessionMessageFlow`), its
 * management operations (`SessionManagement`) and its `state$` (`SessionStateStream`). See
 * {@link Session} for the public contract.
 */
export class SessionReceiver implements Session, MessageSettler {
  readonly sessionId: string;
  readonly receiveMode: ReceiveMode;
  readonly lock$: Observable<LockState>;
  private lockedUntilValue: Date;
  private autoRenewErrorValue: AutoLockRenewError | undefined;
  private lostError: SessionLockLostError | undefined;
  private closedPromise: Promise<void> | undefined;
  /** Created on first read of `signal`: sessions whose signal nobody reads pay nothing for it. */
  private abort: AbortController | undefined;

  private readonly init: SessionReceiverInit;
  private readonly scope: SessionRequestScope;
  private readonly lock: SharedLockTimeline;
  /** What `lock$.pipe(autoRenew(options))` would do, run directly on the lock's states. */
  private readonly renewer: AutoRenewRun | undefined;
  private readonly flow: SessionMessageFlow;
  /** Created on first use: sessions that never run a management operation pay nothing for it. */
  private managementValue: SessionManagement | undefined;
  /** Created on first use: thousands of sessions that never read their state pay nothing for it. */
  private stateStream: SessionStateStream | undefined;
  /** Set by `end()` (and so `close()`): from then on nothing more is delivered or credited. */
  private ending: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** The retry policy of `renewLock()`, resolved on its first use. */
  private renewPolicy: RetryPolicy | undefined;

  constructor(init: SessionReceiverInit) {
    this.init = init;
    this.sessionId = init.sessionId;
    this.receiveMode = init.receiveMode;
    this.lockedUntilValue = init.lockedUntil;
    const peekLock = init.receiveMode === 'peekLock';
    this.scope = { sessionId: init.sessionId, associatedLinkName: init.link.name };

    const granted = init.lockedUntil.getTime() - init.scheduler.now();
    const safetyMargin = init.lockSafetyMargin ?? Math.max(0, Math.min(DEFAULT_LOCK_SAFETY_MARGIN_MS, granted / 4));
    this.renewer = init.autoRenew === undefined ? undefined : new AutoRenewRun(init.autoRenew, ignoreEvent, reportUnhandled, this.renewNow, safetyMargin);
    // The lock is watched from now on (a loss tears the session down with or without subscribers).
    this.lock = new SharedLockTimeline(
      resolveLockTimeline({
        sessionId: init.sessionId,
        lock: this,
        lockedUntil: init.lockedUntil,
        ...(init.tickPeriod === undefined ? {} : { tickPeriod: init.tickPeriod }),
        ...(init.expiringSoonThreshold === undefined ? {} : { expiringSoonThreshold: init.expiringSoonThreshold }),
        safetyMargin,
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

    const idle = init.idleTimeout === undefined ? undefined : { ms: init.idleTimeout, scheduler: init.scheduler };
    this.flow = new SessionMessageFlow(init.link, init.maxCredit, this, init.sessionId, init.entityPath, peekLock, init.amqp.waits, idle);
  }

  get messages$(): Observable<ReceivedMessage> {
    return this.flow.messages$;
  }

  private get management(): SessionManagement {
    // Operations fail fast once the lock is lost, or past its safety point (see checkDeadline).
    return (this.managementValue ??= new SessionManagement(this.init, this.scope, this, this.init.receiveMode === 'peekLock', () => {
      this.checkDeadline();
      return this.lostError;
    }));
  }

  get state$(): Observable<SessionState | undefined> {
    return (this.stateStream ??= new SessionStateStream(() => this.getState(), () => this.lostError !== undefined)).state$;
  }

  get lockedUntil(): Date {
    return this.lockedUntilValue;
  }

  get autoRenewError(): AutoLockRenewError | undefined {
    return this.autoRenewErrorValue;
  }

  /**
   * Aborted (with the `SessionLockLostError`) when the lock is lost — a safety margin before the
   * broker's expiry — or the session closes. Reading `aborted` (or calling `throwIfAborted()`) also
   * checks the clock (see {@link sessionSignal}).
   */
  get signal(): AbortSignal {
    return (this.abort ??= sessionSignal(this.lostError, () => this.checkDeadline())).signal;
  }

  /** Acts on a deadline the timers have not got to yet (event-loop lag): past the safety point the lock is lost now. */
  private checkDeadline(): void {
    if (!this.lostError && this.init.scheduler.now() >= this.lock.lostAt) this.closeLink('expired');
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
      const settled = this.lostError ? undefined : this.flow.stop();
      if (settled !== undefined) await settled;
      this.closeLink('closed');
    })();
    return this.ending;
  }

  /**
   * A cold Observable on a callback core: each subscription runs `renew-session-lock` attempts straight
   * on the management link (no inner Observables), retried and bounded exactly as every management
   * operation is (`runWithRetries`, the loop of `retryWithin`).
   */
  renewLock(options?: OperationOptions): Observable<Date> {
    const timeout = validateTimeout('options.timeout', options?.timeout);
    const renewal$ = new Observable<Date>((subscriber) =>
      runWithRetries<Date>(
        (this.renewPolicy ??= resolveRetryWithin({ ...this.init.retry, scheduler: this.init.scheduler, operation: `renewLock (session '${this.sessionId}')` })),
        (done) => this.renewAttempt(done),
        (error) => {
          countRenewal(this.init.entityPath, error);
          subscriber.error(error);
        },
        (lockedUntil) => {
          this.renewedUntil(lockedUntil as Date);
          subscriber.next(lockedUntil as Date);
          subscriber.complete();
        },
        // Without a timeout, a renewal is bounded by the lock itself: after expiry it cannot succeed.
        timeout ?? Math.min(DEFAULT_OPERATION_TIMEOUT_MS, Math.max(1, this.lockedUntilValue.getTime() - this.init.scheduler.now())),
      ),
    );
    return traceSessionOperation(renewal$, 'renew_session_lock', this.init.entityPath, this.sessionId);
  }

  /** One `renewLock()` attempt: fails fast once the lock is lost (or past its safety point); opens the management link if needed. */
  private renewAttempt(done: (error: unknown, lockedUntil: Date | undefined) => void): () => void {
    this.checkDeadline();
    if (this.lostError) {
      done(this.lostError, undefined);
      return noop;
    }
    const link = this.init.amqp.openManagementLink(this.init.entityPath);
    if (link !== undefined) return sendRenewSessionLock(link, this.scope, done);
    let lockedUntil: Date | undefined;
    const sub = this.init.amqp
      .management(this.init.entityPath)
      .pipe(switchMap((opened) => renewSessionLock(opened, this.scope)))
      .subscribe({ next: (until) => (lockedUntil = until), error: (err: unknown) => done(err, undefined), complete: () => done(undefined, lockedUntil) });
    return () => sub.unsubscribe();
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
    let span = startRenewalSpan(this.init.entityPath, this.sessionId);
    const cancel = sendRenewSessionLock(link, this.scope, (error, lockedUntil) => {
      endRenewalSpan(span, error);
      span = undefined;
      if (error === undefined) this.renewedUntil(lockedUntil as Date);
      else countRenewal(this.init.entityPath, error);
      done(error, lockedUntil);
    });
    if (span === undefined) return cancel;
    return () => {
      endRenewalSpan(span);
      span = undefined;
      cancel();
    };
  };

  /** A renewal (manual or automatic) succeeded: the new expiry, unless the lock was lost meanwhile. */
  private renewedUntil(lockedUntil: Date): void {
    if (this.lostError) return;
    countRenewal(this.init.entityPath);
    this.lockedUntilValue = lockedUntil;
    this.lock.renewed(lockedUntil);
  }


  getState(options?: OperationOptions): Observable<SessionState | undefined> {
    const codec = this.init.stateCodec;
    return traceSessionOperation(this.management.getState(options).pipe(map((bytes) => codec.decode(bytes))), 'get_session_state', this.init.entityPath, this.sessionId);
  }

  setState(state: SessionState | null, options?: OperationOptions): Observable<void> {
    const codec = this.init.stateCodec;
    const bytes = codec.encode(state);
    // What a read returns for these bytes (with 'utf8', bytes that are valid UTF-8 read as a string).
    const decoded = codec.decode(bytes);
    const set$ = this.management.setState(bytes, options).pipe(tap(() => this.stateStream?.changed(decoded)));
    return traceSessionOperation(set$, 'set_session_state', this.init.entityPath, this.sessionId);
  }

  peek(count: number, options?: PeekOptions): Observable<PeekedMessage[]> {
    return this.management.peek(count, options);
  }

  receiveDeferred(sequenceNumbers: readonly bigint[], options?: OperationOptions): Observable<ReceivedMessage[]> {
    return this.management.receiveDeferred(sequenceNumbers, options);
  }

  /** `MessageSettler`: settles on the link (messages$) or with update-disposition (deferred messages). */
  settle(message: SessionMessage, settlement: Settlement): Observable<void> {
    const untraced$ = new Observable<void>((subscriber) => {
      // Refused before anything is sent once the lock is lost — or past its safety point, which a
      // stalled event loop may not have acted upon yet: the message certainly comes back.
      this.checkDeadline();
      if (this.lostError) return subscriber.error(this.lostError);
      if (!message.settleable) {
        return subscriber.error(new InvalidArgumentError('message', 'was received in receiveAndDelete mode and cannot be settled'));
      }
      if (message.settling) return subscriber.error(new InvalidArgumentError('message', 'has already been settled'));
      message.settling = true;
      // Received by sequence number: settled through the management link.
      if (message.delivery === undefined) return this.management.settleDeferred(message, settlement).subscribe(subscriber);
      this.flow.settleOnLink(message, settlement, subscriber);
      return undefined;
    });
    const ms = settlement.timeout;
    const settled$ =
      ms === undefined
        ? untraced$
        : untraced$.pipe(
            timeoutWith({
              first: ms,
              scheduler: this.init.scheduler,
              with: () => throwError(() => new ServiceTimeoutError(`Settling the message did not complete within ${ms} ms.`)),
            }),
          );
    return traceSettlement(settled$, message, settlement.kind, this.init.entityPath, this.sessionId, this.init.scheduler);
  }

  /** Runs once: stops delivery, fails what waits on the link, ends the streams, detaches the link. */
  private teardown(error: SessionLockLostError): void {
    if (this.lostError) return;
    this.lostError = error;
    if (error.reason !== 'closed') countLockLoss(this.init.entityPath, error.reason);
    this.flow.fail(error);
    this.abort?.abort(error);
    this.stateStream?.close();
    this.init.receiverLink.unsubscribe();
    const detached = this.init.receiverLink.close();
    // A lost lock (not a close) also closes the connection once nothing else uses it (the seed's
    // "once the lock is lost the connection will be closed"); the client's next use opens a new one.
    this.closedPromise = error.reason === 'closed' ? detached : detached.then(() => void this.init.amqp.closeIfUnused());
    this.renewer?.stop();
    this.init.onClosed(this);
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
