import { asyncScheduler, Observable } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';
import { ServiceTimeoutError } from '../errors/ServiceTimeoutError';
import { DeadlineQueue, type Deadline } from '../time/DeadlineQueue';
import { describeError, retryLogger as log } from '../observability/logger';
import { backoffDelay } from './backoffDelay';
import type { BackoffConfig, BackoffMode } from './backoffDelay';
import { isRetryable } from './isRetryable';
import { validateCount } from './validateCount';
import { validateDuration } from './validateDuration';
import { validateTimeout } from './validateTimeout';

/** Options of {@link retryWithin}. */
export interface RetryWithinOptions {
  /** Bound on the WHOLE operation, retries and waits included, in ms (default: none). */
  readonly timeout?: number;
  /** Retries after the first attempt (default 3). */
  readonly maxRetries?: number;
  /** Wait before the first retry in ms (default 500). */
  readonly delay?: number;
  /** Upper bound of one wait in ms (default 30 000). */
  readonly maxDelay?: number;
  /** `'exponential'` (default: `delay × 2^(retry − 1)`) or `'fixed'`. */
  readonly mode?: BackoffMode;
  /** Relative spread of each wait, in `[0, 1]` (default 0.2: ±20 %); 0 for exact waits. */
  readonly jitter?: number;
  /** Randomness in `[0, 1)` for the jitter (default `Math.random`); inject for deterministic tests. */
  readonly random?: () => number;
  readonly scheduler?: SchedulerLike;
  /** Where waits and the timeout are scheduled (default `DeadlineQueue.shared(scheduler)`). */
  readonly deadlines?: DeadlineQueue;
  /** Name used in the timeout error's message, e.g. `'renewSessionLock'`. */
  readonly operation?: string;
}

/**
 * Retries a request-like Observable (emits, then completes) on transient failures, within a total time.
 *
 * Errors with `retryable === true` are retried by resubscribing to the source after a backoff wait
 * (exponential by default, jittered), at most `maxRetries` times; any other error (final) is forwarded
 * at once, as is the last error once the retries are used up. Values pass through unchanged.
 *
 * With `timeout`, the whole operation from subscription to completion is bounded: when it runs out,
 * or when the next retry would start after it, the result errors with a `ServiceTimeoutError` naming
 * `operation` and `timeout` (its `cause` is the last transient error, if any) and the attempt in
 * progress is unsubscribed. Unsubscribing cancels the attempt in progress, the pending wait and the
 * timeout.
 * @throws InvalidArgumentError at the call for a bad option (e.g. `timeout` not a finite number > 0).
 * @example renewLock$.pipe(retryWithin({ timeout: 10_000, operation: 'renewSessionLock' }))
 */
export function retryWithin<T>(options: RetryWithinOptions = {}): MonoTypeOperatorFunction<T> {
  const policy = resolveRetryWithin(options);
  return (source) =>
    new Observable<T>((subscriber) =>
      runWithRetries<T>(
        policy,
        (done) => {
          let value: { v: T } | undefined;
          const attempt = source.subscribe({
            next: (v) => {
              // Values pass through as they come; completion is reported once the source completes.
              value = { v };
              subscriber.next(v);
            },
            error: (err: unknown) => done(err, undefined),
            complete: () => done(undefined, value?.v),
          });
          return () => attempt.unsubscribe();
        },
        (error) => subscriber.error(error),
        () => subscriber.complete(),
      ),
    );
}

/** {@link RetryWithinOptions}, validated once (see {@link resolveRetryWithin}). */
export interface RetryPolicy {
  readonly timeout: number | undefined;
  readonly maxRetries: number;
  readonly backoff: BackoffConfig;
  readonly scheduler: SchedulerLike;
  readonly deadlines: DeadlineQueue;
  /** `The operation` or `Operation '<name>'`, for the timeout error's message. */
  readonly what: string;
}

/**
 * Validates {@link RetryWithinOptions} once, for callers that run many operations with the same policy.
 * @throws InvalidArgumentError for a bad option (as {@link retryWithin} does).
 */
export function resolveRetryWithin(options: RetryWithinOptions = {}): RetryPolicy {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'must be an object', options);
  const timeout = validateTimeout('timeout', options.timeout);
  const maxRetries = validateCount('maxRetries', options.maxRetries) ?? 3;
  const delay = validateDuration('delay', options.delay, { allowZero: true }) ?? 500;
  const maxDelay = validateDuration('maxDelay', options.maxDelay, { allowZero: true, allowInfinity: true }) ?? 30_000;
  const { mode = 'exponential', jitter = 0.2, random = Math.random, operation } = options;
  if (mode !== 'exponential' && mode !== 'fixed') throw new InvalidArgumentError('mode', "must be 'exponential' or 'fixed'", mode);
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) throw new InvalidArgumentError('jitter', 'must be a number from 0 to 1', jitter);
  if (typeof random !== 'function') throw new InvalidArgumentError('random', 'must be a function returning a number in [0, 1)', random);
  if (operation !== undefined && typeof operation !== 'string') throw new InvalidArgumentError('operation', 'must be a string', operation);
  const scheduler = options.scheduler ?? asyncScheduler;
  if (options.deadlines !== undefined && !(options.deadlines instanceof DeadlineQueue)) {
    throw new InvalidArgumentError('deadlines', 'must be a DeadlineQueue', options.deadlines);
  }
  const deadlines = options.deadlines ?? DeadlineQueue.shared(scheduler);
  return {
    timeout,
    maxRetries,
    backoff: { delay, maxDelay, mode, jitter, random },
    scheduler,
    deadlines,
    what: operation === undefined ? 'The operation' : `Operation '${operation}'`,
  };
}

/**
 * One attempt of {@link runWithRetries}: starts the work and calls `done` once, with its failure or
 * (`error` undefined) its result. Returns the attempt's cancellation.
 */
export type RetryAttempt<T> = (done: (error: unknown, value: T | undefined) => void) => () => void;

/**
 * {@link retryWithin}'s loop without Observables (for hot request paths): runs `attempt`, retries it on
 * transient failures per `policy` (`timeout` overrides the policy's bound when given), and calls
 * `failed` or `succeeded` exactly once, unless cancelled first. Returns the cancellation (it cancels
 * the attempt in progress, the pending wait and the timeout; neither callback is called afterwards).
 */
export function runWithRetries<T>(
  policy: RetryPolicy,
  attempt: RetryAttempt<T>,
  failed: (error: unknown) => void,
  succeeded: (value: T | undefined) => void,
  timeout: number | undefined = policy.timeout,
): () => void {
  const { scheduler, deadlines, maxRetries, backoff, what } = policy;
  let retries = 0;
  let lastError: unknown;
  let cancelAttempt: (() => void) | undefined;
  // Callback deadlines (no Observable, subscriber or teardown per call): this loop runs per request.
  let wait: Deadline | undefined;
  let timer: Deadline | undefined;
  let ended = false;
  const end = timeout === undefined ? Infinity : scheduler.now() + timeout;

  const finish = (): void => {
    ended = true;
    timer?.cancel();
    wait?.cancel();
  };
  const fail = (error: unknown): void => {
    if (ended) return;
    finish();
    cancelAttempt?.();
    failed(error);
  };
  const timedOut = (): ServiceTimeoutError => {
    const tries = retries === 0 ? '' : ` (${retries + 1} attempts)`;
    return new ServiceTimeoutError(`${what} did not complete within ${timeout} ms${tries}.`, lastError === undefined ? undefined : { cause: lastError });
  };
  const onDone = (error: unknown, value: T | undefined): void => {
    if (ended) return;
    if (error === undefined) {
      finish();
      return succeeded(value);
    }
    lastError = error;
    if (!isRetryable(error) || retries >= maxRetries) return fail(error);
    const retryAt = scheduler.now() + backoffDelay(retries + 1, backoff);
    if (retryAt >= end) return fail(timedOut()); // no point waiting for a retry past the end
    retries++;
    if (log.enabled('info')) log.info(`${what} failed (attempt ${retries} of ${maxRetries + 1}), retrying in ${Math.round(retryAt - scheduler.now())} ms: ${describeError(error)}`);
    wait = deadlines.schedule(retryAt, start);
  };
  const start = (): void => {
    wait = undefined;
    let settled = false;
    const cancel = attempt((error, value) => {
      if (settled) return;
      settled = true;
      cancelAttempt = undefined;
      onDone(error, value);
    });
    // An attempt may finish synchronously: then there is nothing left to cancel.
    if (!settled && !ended) cancelAttempt = cancel;
  };

  if (timeout !== undefined) timer = deadlines.schedule(end, () => fail(timedOut()));
  start();
  return () => {
    if (ended) return;
    finish();
    cancelAttempt?.();
  };
}
