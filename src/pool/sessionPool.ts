import { EMPTY, Observable, defer, from, merge, mergeMap, of, repeat, take, throwError, timer, catchError, defaultIfEmpty } from 'rxjs';
import { InvalidArgumentError, isServiceBusRxError } from '../errors';
import type { LockState } from '../lock/LockState';
import { backoffDelay } from '../retry/backoffDelay';
import { receiveEntityPath, type ReceiveEntity } from '../entity';
import { IdleMonitor } from './IdleMonitor';
import { normalizePoolOptions, type SessionPoolOptions } from './SessionPoolOptions';
import { withMessageActivity } from './withMessageActivity';

/** What the pool needs from a session: its id, lock and message streams, and `close()`. `Session` has them. */
export interface PoolableSession {
  readonly sessionId: string;
  readonly lock$: Observable<LockState>;
  readonly messages$: Observable<unknown>;
  close(): Promise<void>;
}

/** What the pool needs from a client: the two accept calls. `ServiceBusClient` has them. */
export interface SessionAcceptor<S extends PoolableSession, A> {
  acceptSession(entity: ReceiveEntity, sessionId: string, options?: A): Observable<S>;
  acceptNextSession(entity: ReceiveEntity, options?: A): Observable<S>;
}

type AcceptFailure = 'unavailable' | 'transient' | 'final' | 'client-closed';

/**
 * Holds up to `maxConcurrentSessions` sessions of `entity` (a queue's name, or `{ topic, subscription }`)
 * at once and emits each one as it is accepted.
 *
 * Each of the pool's slots accepts a session (the next available one, or the next of `sessionIds`),
 * emits it, and waits until the session ends: you closed it, `sessionIdleTimeout` passed without a
 * message (the pool closes it), or its lock was lost. Once the session's link is closed the slot
 * accepts another. While no session is available (`acceptNextSession` completed empty, or the session
 * is locked elsewhere) or after a transient error, the slot backs off exponentially (`backoff`, on
 * `scheduler`).
 *
 * Completes in `sessionIds` mode once every listed session was closed, and in any mode once the client
 * is closed (`client.close()` ends every held session; the pool then completes, it does not error).
 * Errors with the first final error (unauthorized, entity not found…), or with a transient one that
 * persisted `backoff.maxRetries` times in a row. Unsubscribing (or erroring) closes every held session
 * and cancels in-flight accepts.
 *
 * Throws `InvalidArgumentError` at the call for bad arguments.
 * @example
 * sessionPool(client, 'orders', { maxConcurrentSessions: 8, sessionIdleTimeout: 5_000 }).pipe(
 *   mergeMap((session) => session.messages$.pipe(concatMap((m) => handle(m).pipe(concatWith(m.complete()))))),
 * ).subscribe();
 * @example
 * // Async handlers: give them the message's signal, so their work stops when the lock is lost
 * // (a safety margin before the broker's expiry) or the session closes.
 * sessionPool(client, 'orders', { maxConcurrentSessions: 8 }).pipe(
 *   mergeMap((session) => session.messages$.pipe(
 *     concatMap((m) => from(handleAsync(m.body, m.signal)).pipe(concatWith(m.complete()))),
 *     catchError(() => EMPTY), // this session's lock was lost: the pool accepts another
 *   )),
 * ).subscribe();
 */
export function sessionPool<S extends PoolableSession, A = unknown>(
  client: SessionAcceptor<S, A>,
  entity: ReceiveEntity,
  options: SessionPoolOptions<A>,
): Observable<S> {
  if (typeof client?.acceptSession !== 'function' || typeof client.acceptNextSession !== 'function') {
    throw new InvalidArgumentError('client', 'must have acceptSession and acceptNextSession (a ServiceBusClient)', client);
  }
  receiveEntityPath(entity);
  const { maxConcurrentSessions, sessionIdleTimeout, sessionIds, accept, backoff, scheduler } = normalizePoolOptions(options);

  return new Observable<S>((subscriber) => {
    const idle = sessionIdleTimeout === undefined ? undefined : new IdleMonitor<S>(sessionIdleTimeout, scheduler);

    /** Emits `session` (wrapped for idle tracking), completes once its lock ended and its link is closed. */
    const hold = (session: S, onEnd: (closed: boolean) => void) =>
      new Observable<S>((holder) => {
        let ended = false;
        let lostReason: string | undefined;
        const end = (closed: boolean) => {
          if (ended) return;
          ended = true;
          idle?.unwatch(session);
          onEnd(closed);
          // The slot is free only once the link is closed, so the broker never sees more than the maximum.
          session.close().then(
            () => holder.complete(),
            () => holder.complete(),
          );
        };
        const lockSubscription = session.lock$.subscribe({
          next: (state) => {
            if (state.kind === 'lost') lostReason = state.reason;
          },
          error: () => end(false),
          complete: () => end(lostReason === 'closed'),
        });
        if (!ended) {
          idle?.watch(session, () => session.close().then(() => end(true), () => end(true)));
          holder.next(idle === undefined ? session : withMessageActivity(session, () => idle.touch(session)));
        }
        return () => {
          lockSubscription.unsubscribe();
          if (!ended) {
            ended = true;
            idle?.unwatch(session);
            session.close().catch(() => undefined);
          }
        };
      });

    /**
     * One slot: accept, hold, repeat. `untilClosed` (sessionIds mode) ends the slot once its session
     * was closed rather than lost.
     */
    const slot = (acceptOnce: () => Observable<S>, classify: (error: unknown) => AcceptFailure, untilClosed: boolean) => {
      let misses = 0;
      let errors = 0;
      let done = false;
      return defer(acceptOnce).pipe(
        take(1),
        defaultIfEmpty(undefined),
        catchError((error: unknown) => {
          const kind = classify(error);
          // The client was closed: this slot is over, quietly (the pool completes once all are).
          if (kind === 'client-closed') {
            done = true;
            return of(undefined);
          }
          if (kind === 'final' || (kind === 'transient' && ++errors > backoff.maxRetries)) return throwError(() => error);
          return of(undefined);
        }),
        mergeMap((session) => {
          if (session === undefined) {
            misses++;
            return EMPTY;
          }
          misses = 0;
          errors = 0;
          return hold(session, (closed) => {
            if (closed && untilClosed) done = true;
          });
        }),
        repeat({ delay: () => (done ? EMPTY : misses === 0 ? of(0) : timer(backoffDelay(misses, { delay: backoff.initial, maxDelay: backoff.max }), scheduler)) }),
      );
    };

    const slots =
      sessionIds === undefined
        ? merge(
            ...Array.from({ length: maxConcurrentSessions }, () =>
              slot(() => client.acceptNextSession(entity, accept), classifyNextSessionFailure, false),
            ),
          )
        : from(sessionIds).pipe(
            mergeMap((id) => slot(() => client.acceptSession(entity, id, accept), classifyAcceptFailure, true), maxConcurrentSessions),
          );
    const subscription = slots.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      idle?.dispose();
    };
  });
}

/**
 * Session locked elsewhere: wait and try again. The client closed (a `ConnectionClosedError` that is
 * not retryable): end the slot. Retryable errors: count and retry. Anything else: final.
 */
function classifyAcceptFailure(error: unknown): AcceptFailure {
  if (nameOf(error) === 'SessionCannotBeLockedError') return 'unavailable';
  if (nameOf(error) === 'ConnectionClosedError' && isServiceBusRxError(error) && !error.retryable) return 'client-closed';
  return isServiceBusRxError(error) && error.retryable ? 'transient' : 'final';
}

/** As `classifyAcceptFailure`; a broker timeout while waiting for the next session also means "none available". */
function classifyNextSessionFailure(error: unknown): AcceptFailure {
  return nameOf(error) === 'ServiceTimeoutError' ? 'unavailable' : classifyAcceptFailure(error);
}

function nameOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
}
