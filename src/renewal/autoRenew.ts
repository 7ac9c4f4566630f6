import { asyncScheduler, Observable } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';
import { ServiceBusRxError } from '../errors/ServiceBusRxError';
import { backoffDelay } from '../retry/backoffDelay';
import { isRetryable } from '../retry/isRetryable';
import { validateCount } from '../retry/validateCount';
import { validateDuration } from '../retry/validateDuration';
import type { LockHandle, LockState } from '../session/LockState';
import { AutoLockRenewFailed, AutoLockRenewTimeout } from './AutoLockRenewError';
import type { AutoLockRenewError, AutoRenewErrorEvent } from './AutoLockRenewError';
import { DeadlineQueue, type Deadline } from './DeadlineQueue';
import { renewAt } from './renewDelay';

/** How `autoRenew` retries a renewal that failed with a transient (`retryable`) error. */
export interface AutoRenewRetryOptions {
  /** Retries per renewal (default 3). */
  readonly maxRetries?: number;
  /** Wait before the first retry in ms, doubled for each further one (default 500). */
  readonly delay?: number;
  /** Upper bound of one wait in ms (default 30 000). */
  readonly maxDelay?: number;
}

/** Options of {@link autoRenew}. */
export interface AutoRenewOptions {
  /** Renewal budget in ms from the first lock state (default 300 000; `Infinity`: no limit). */
  readonly maxDuration?: number;
  /** Renew this many ms before expiry (default: the JS SDK rule, see `renewAt`). */
  readonly renewBefore?: number;
  readonly retry?: AutoRenewRetryOptions;
  readonly scheduler?: SchedulerLike;
  /** Where renewal and retry times are scheduled (default `DeadlineQueue.shared(scheduler)`); must run on `scheduler`. */
  readonly deadlines?: DeadlineQueue;
}

/** Where the renewal loop of one subscription stands. */
type Phase = 'waiting' | 'scheduled' | 'renewing' | 'backoff' | 'budget' | 'stopped';

/**
 * Keeps a session lock alive while the budget lasts: the counterpart of Python's `AutoLockRenewer`.
 *
 * Passes every upstream state through. From the first lock state (normally `held`; the budget starts
 * then) it calls `state.lock.renewLock()` at `renewAt(...)` (JS SDK rule, minus twice the last
 * measured round trip), and again from each later expiry: the upstream's `renewed` states, the renewal
 * replies, and manual renewals (which reschedule the pending one). Never more than one renewal is in
 * flight. All waits go through one {@link DeadlineQueue}, so many sessions share one timer.
 *
 * Adds exactly one `{ kind: 'auto-renew-error' }` event when auto-renewal ends early, after
 * `lock.reportAutoRenewError(error)`, and then renews no more:
 * - `AutoLockRenewTimeout`: the next renewal would start after `start + maxDuration`; emitted when
 *   the budget runs out (or at once if it already has). The lock is then left to expire.
 * - `AutoLockRenewFailed` (cause: the renewal error): a renewal failed with a final error (then
 *   `lock.closeLink('renew-failed', error)` is called too), or transient errors (`retryable === true`,
 *   retried with exponential backoff only while a retry can finish before `lockedUntil`) used up the
 *   retries or the lock's time; or (cause: the `lost` state's error) the lock was lost while a
 *   renewal was in flight or waiting to be retried, unless the reason was `'closed'`.
 *
 * Completes when the upstream completes (after `lost`); forwards upstream errors. Unsubscribing
 * cancels the pending renewal deadline and unsubscribes from an in-flight `renewLock()`.
 * @throws InvalidArgumentError at the call for a bad option (`maxDuration` ≤ 0 or NaN, negative
 *   `renewBefore`, non-integer `retry.maxRetries`, negative `retry.delay`, …).
 * @example
 * session.lock$
 *   .pipe(autoRenew({ maxDuration: 10 * 60_000 }), filter(isAutoRenewErrorEvent))
 *   .subscribe(({ error }) => console.warn(`auto-renew ended: ${error.message}`));
 */
export function autoRenew(options: AutoRenewOptions = {}): OperatorFunction<LockState, LockState | AutoRenewErrorEvent> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'must be an object', options);
  const maxDuration = validateDuration('maxDuration', options.maxDuration, { allowInfinity: true }) ?? 300_000;
  const renewBefore = validateDuration('renewBefore', options.renewBefore, { allowZero: true });
  const retry = options.retry ?? {};
  if (typeof retry !== 'object' || retry === null) throw new InvalidArgumentError('retry', 'must be an object', retry);
  const maxRetries = validateCount('retry.maxRetries', retry.maxRetries) ?? 3;
  const retryDelay = validateDuration('retry.delay', retry.delay, { allowZero: true }) ?? 500;
  const maxDelay = validateDuration('retry.maxDelay', retry.maxDelay, { allowZero: true, allowInfinity: true }) ?? 30_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (typeof scheduler !== 'object' || scheduler === null || typeof scheduler.now !== 'function' || typeof scheduler.schedule !== 'function') {
    throw new InvalidArgumentError('scheduler', 'must be an rxjs SchedulerLike', scheduler);
  }
  if (options.deadlines !== undefined && !(options.deadlines instanceof DeadlineQueue)) {
    throw new InvalidArgumentError('deadlines', 'must be a DeadlineQueue', options.deadlines);
  }
  const deadlines = options.deadlines ?? DeadlineQueue.shared(scheduler);
  const backoff = { delay: retryDelay, maxDelay, mode: 'exponential' } as const;

  return (source) =>
    new Observable<LockState | AutoRenewErrorEvent>((subscriber) => {
      let phase: Phase = 'waiting';
      let lock: LockHandle | undefined;
      let sessionId = '';
      let budgetEnd = Infinity;
      /** Latest known expiry (ms): the max of upstream held/renewed states and renewal replies. */
      let expiry = -Infinity;
      /** Round trip of the last successful renewal (scheduler ms). */
      let rtt = 0;
      let retries = 0;
      /** The one pending wait: renewal time, retry time or budget end. */
      let wait: Deadline | undefined;
      let inFlight: Subscription | undefined;

      const cancel = (): void => {
        wait?.cancel();
        wait = undefined;
        inFlight?.unsubscribe();
        inFlight = undefined;
      };

      /** Ends auto-renewal with one error event; `closeWith` closes the link (final renewal error). */
      const stop = (error: AutoLockRenewError, closeWith?: unknown): void => {
        phase = 'stopped';
        cancel();
        try {
          lock?.reportAutoRenewError(error);
          subscriber.next({ kind: 'auto-renew-error', sessionId, error });
          if (closeWith !== undefined) lock?.closeLink('renew-failed', closeWith);
        } catch (err) {
          subscriber.error(err); // a LockHandle that throws is a bug worth surfacing
        }
      };

      /** Schedules the next renewal from `expiry`, or the budget end when that renewal would be too late. */
      const plan = (): void => {
        wait?.cancel();
        const now = scheduler.now();
        const at = renewAt({ now, lockedUntil: expiry, renewBefore, rttMs: rtt });
        retries = 0;
        if (at > budgetEnd) {
          phase = 'budget';
          wait = deadlines.schedule(Math.max(budgetEnd, now), () => stop(new AutoLockRenewTimeout(sessionId, maxDuration)));
        } else {
          phase = 'scheduled';
          wait = deadlines.schedule(at, attempt);
        }
      };

      const attempt = (): void => {
        wait = undefined;
        if (lock === undefined || phase === 'stopped') return;
        phase = 'renewing';
        const startedAt = scheduler.now();
        let settled = false;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          inFlight?.unsubscribe(); // stop listening after the first value (no-op when it already ended)
          inFlight = undefined;
          return true;
        };
        let renew$: Observable<Date>;
        try {
          renew$ = lock.renewLock();
        } catch (err) {
          return failed(err);
        }
        const sub = renew$.subscribe({
          next: (until) => settle() && succeeded(until, startedAt),
          error: (err: unknown) => settle() && failed(err),
          complete: () =>
            settle() && failed(new ServiceBusRxError(`renewLock() for session '${sessionId}' completed without a new expiry.`)),
        });
        if (settled) sub.unsubscribe();
        else inFlight = sub;
      };

      const succeeded = (until: Date, startedAt: number): void => {
        if (phase === 'stopped') return; // torn down while a synchronous reply was being delivered
        if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
          return failed(new ServiceBusRxError(`renewLock() for session '${sessionId}' emitted an invalid expiry.`));
        }
        rtt = scheduler.now() - startedAt;
        expiry = Math.max(expiry, until.getTime());
        plan();
      };

      const failed = (err: unknown): void => {
        if (phase === 'stopped') return;
        if (isRetryable(err) && retries < maxRetries) {
          const retryAt = scheduler.now() + backoffDelay(retries + 1, backoff);
          // Only worth it if the retry can still finish (one round trip) before the lock expires.
          if (retryAt + rtt < expiry) {
            retries++;
            phase = 'backoff';
            wait = deadlines.schedule(retryAt, attempt);
            return;
          }
        }
        stop(new AutoLockRenewFailed(sessionId, err), isRetryable(err) ? undefined : err);
      };

      const sourceSubscription = source.subscribe({
        next: (state) => {
          if (state.kind === 'lost') {
            const renewing = phase === 'renewing' || phase === 'backoff';
            cancel();
            if (renewing && state.reason !== 'closed') stop(new AutoLockRenewFailed(sessionId, state.error));
            phase = 'stopped';
            subscriber.next(state);
            return;
          }
          subscriber.next(state);
          if (phase === 'stopped') return;
          lock = state.lock;
          const until = state.lockedUntil.getTime();
          if (phase === 'waiting') {
            sessionId = state.sessionId;
            budgetEnd = scheduler.now() + maxDuration;
            expiry = until;
            plan();
          } else if ((state.kind === 'held' || state.kind === 'renewed') && until > expiry) {
            expiry = until;
            // A renewal in flight plans the next one when it returns; otherwise reschedule now
            // (this is also how a manual renewal moves the pending one, or supersedes a retry).
            if (phase !== 'renewing') plan();
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });

      return () => {
        phase = 'stopped';
        cancel();
        sourceSubscription.unsubscribe();
      };
    });
}
