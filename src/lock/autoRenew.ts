import { Observable } from 'rxjs';
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import type { LockState } from './LockState';
import type { AutoRenewErrorEvent } from './AutoLockRenewError';
import { AutoRenewRun, resolveAutoRenew } from './AutoRenewRun';
import type { DeadlineQueue } from '../time/DeadlineQueue';

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
  /**
   * Spreads renewals of sessions accepted together (default 0.5; 0: every session renews at exactly
   * `renewAt(...)`): each renewal comes earlier than `renewAt(...)` by up to this fraction of the time
   * left from then to expiry, a fixed fraction per session id (deterministic, no randomness), so a
   * burst of sessions does not renew in one burst. Earlier only, never later: in `[0, 1]`.
   */
  readonly spread?: number;
  readonly retry?: AutoRenewRetryOptions;
  readonly scheduler?: SchedulerLike;
  /** Where renewal and retry times are scheduled (default `DeadlineQueue.shared(scheduler)`); must run on `scheduler`. */
  readonly deadlines?: DeadlineQueue;
}

/**
 * Keeps a session lock alive while the budget lasts: the counterpart of Python's `AutoLockRenewer`.
 *
 * Passes every upstream state through. From the first lock state (normally `held`; the budget starts
 * then) it calls `state.lock.renewLock()` at `renewAt(...)` (JS SDK rule, minus twice the last
 * measured round trip; brought earlier per session by `spread`), and again from each later expiry: the upstream's `renewed` states, the renewal
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
  const config = resolveAutoRenew(options);
  return (source) =>
    new Observable<LockState | AutoRenewErrorEvent>((subscriber) => {
      const run = new AutoRenewRun(
        config,
        (event) => subscriber.next(event),
        (err) => subscriber.error(err),
      );
      const pass = (state: LockState): void => subscriber.next(state);
      const sourceSubscription = source.subscribe({
        next: (state) => run.onState(state, pass),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        run.stop();
        sourceSubscription.unsubscribe();
      };
    });
}
