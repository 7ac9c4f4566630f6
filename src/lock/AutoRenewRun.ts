import { asyncScheduler } from 'rxjs';
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';
import { ServiceBusRxError } from '../errors/ServiceBusRxError';
import { describeError, renewalLogger as log } from '../observability/logger';
import { backoffDelay } from '../retry/backoffDelay';
import { isRetryable } from '../retry/isRetryable';
import { validateCount } from '../retry/validateCount';
import { validateDuration } from '../retry/validateDuration';
import type { LockHandle, LockState } from './LockState';
import { AutoLockRenewFailed, AutoLockRenewTimeout } from './AutoLockRenewError';
import type { AutoLockRenewError, AutoRenewErrorEvent } from './AutoLockRenewError';
import { DeadlineQueue, type Deadline } from '../time/DeadlineQueue';
import { renewAt } from './renewDelay';

/** The options of `autoRenew` (see `AutoRenewOptions` there for their meaning). */
export interface AutoRenewSettings {
  readonly maxDuration?: number;
  readonly renewBefore?: number;
  readonly spread?: number;
  readonly retry?: { readonly maxRetries?: number; readonly delay?: number; readonly maxDelay?: number };
  readonly scheduler?: SchedulerLike;
  readonly deadlines?: DeadlineQueue;
}

/** Auto-renewal settings validated and defaulted once. */
export interface ResolvedAutoRenew {
  readonly maxDuration: number;
  readonly renewBefore: number | undefined;
  readonly spread: number;
  readonly maxRetries: number;
  readonly backoff: { readonly delay: number; readonly maxDelay: number; readonly mode: 'exponential' };
  readonly scheduler: SchedulerLike;
  readonly deadlines: DeadlineQueue;
}

/** Default `spread` of auto-renewal: renewals may come up to half the remaining margin early. */
export const DEFAULT_RENEW_SPREAD = 0.5;

/**
 * Where in the spread window a session renews: a fixed fraction in `[0, 1)` from its id (FNV-1a, mixed),
 * so sessions accepted together renew at different times, reproducibly. Pure.
 */
export function spreadFraction(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (murmur3's fmix32): ids that differ in one character land far apart.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * Validates and defaults auto-renewal options (budget 300 000 ms, spread 0.5, 3 retries from 500 ms doubling up to
 * 30 000 ms, `asyncScheduler`, the scheduler's shared `DeadlineQueue`).
 * @throws InvalidArgumentError for a bad option (`maxDuration` ≤ 0 or NaN, negative `renewBefore`,
 *   non-integer `retry.maxRetries`, negative `retry.delay`, …).
 */
export function resolveAutoRenew(options: AutoRenewSettings): ResolvedAutoRenew {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'must be an object', options);
  const maxDuration = validateDuration('maxDuration', options.maxDuration, { allowInfinity: true }) ?? 300_000;
  const renewBefore = validateDuration('renewBefore', options.renewBefore, { allowZero: true });
  const spread = options.spread ?? DEFAULT_RENEW_SPREAD;
  if (typeof spread !== 'number' || !(spread >= 0 && spread <= 1)) throw new InvalidArgumentError('spread', 'must be a number from 0 to 1', spread);
  const retry = options.retry ?? {};
  if (typeof retry !== 'object' || retry === null) throw new InvalidArgumentError('retry', 'must be an object', retry);
  const maxRetries = validateCount('retry.maxRetries', retry.maxRetries) ?? 3;
  const delay = validateDuration('retry.delay', retry.delay, { allowZero: true }) ?? 500;
  const maxDelay = validateDuration('retry.maxDelay', retry.maxDelay, { allowZero: true, allowInfinity: true }) ?? 30_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (typeof scheduler !== 'object' || scheduler === null || typeof scheduler.now !== 'function' || typeof scheduler.schedule !== 'function') {
    throw new InvalidArgumentError('scheduler', 'must be an rxjs SchedulerLike', scheduler);
  }
  if (options.deadlines !== undefined && !(options.deadlines instanceof DeadlineQueue)) {
    throw new InvalidArgumentError('deadlines', 'must be a DeadlineQueue', options.deadlines);
  }
  const deadlines = options.deadlines ?? DeadlineQueue.shared(scheduler);
  return { maxDuration, renewBefore, spread, maxRetries, backoff: { delay, maxDelay, mode: 'exponential' }, scheduler, deadlines };
}

/**
 * One renewal without an Observable (how a session renews its own lock: thousands of sessions renew
 * on the same hot path): calls `done` once with the new expiry or the failure, possibly synchronously;
 * returns the cancellation (after which `done` is not called).
 */
export type RenewNow = (done: (error: unknown, lockedUntil: Date | undefined) => void) => () => void;

/** Where the renewal loop stands. */
type Phase = 'waiting' | 'scheduled' | 'renewing' | 'backoff' | 'budget' | 'stopped';

/**
 * One auto-renewal loop over a stream of lock states (the engine behind `autoRenew`; a session with
 * the `autoRenew` option runs one directly, without an Observable around it). Feed it every state with
 * {@link onState}; it renews through `state.lock`, reports its terminal error with `emit`, and waits on
 * the deadline queue (one deadline at a time). See `autoRenew` for the rules.
 */
export class AutoRenewRun {
  private phase: Phase = 'waiting';
  private lock: LockHandle | undefined;
  private sessionId = '';
  /** `config.spread × spreadFraction(sessionId)`: how much of the margin this session renews early. */
  private early = 0;
  private budgetEnd = Infinity;
  /** Latest known expiry (ms): the max of upstream held/renewed states and renewal replies. */
  private expiry = -Infinity;
  /** Round trip of the last successful renewal (scheduler ms). */
  private rtt = 0;
  private retries = 0;
  /** The one pending wait: renewal time, retry time or budget end. */
  private wait: Deadline | undefined;
  private inFlight: Subscription | undefined;
  /** A {@link RenewNow} renewal in flight: its cancellation, and when it started. */
  private renewing = false;
  private cancelRenew: (() => void) | undefined;
  private startedAt = 0;

  /**
   * @param emit - receives the one `auto-renew-error` event.
   * @param fail - receives an error thrown by the `LockHandle` (a bug worth surfacing).
   * @param renewNow - renews without an Observable, instead of `state.lock.renewLock()`.
   * @param safetyMargin - the lock is lost this long before its expiry (a session's `lockSafetyMargin`):
   *   renewals are planned against that earlier point.
   */
  constructor(
    private readonly config: ResolvedAutoRenew,
    private readonly emit: (event: AutoRenewErrorEvent) => void,
    private readonly fail: (error: unknown) => void,
    private readonly renewNow?: RenewNow,
    private readonly safetyMargin = 0,
  ) {}

  /**
   * Handles one upstream state; `pass` forwards it downstream at the right moment (a `lost` state after
   * the error event it causes, any other state before the renewal it schedules).
   */
  onState(state: LockState, pass: (state: LockState) => void): void {
    if (state.kind === 'lost') {
      const renewing = this.phase === 'renewing' || this.phase === 'backoff';
      this.cancel();
      if (renewing && state.reason !== 'closed') this.end(new AutoLockRenewFailed(this.sessionId, state.error));
      this.phase = 'stopped';
      pass(state);
      return;
    }
    pass(state);
    if (this.phase === 'stopped') return;
    this.lock = state.lock;
    const until = state.lockedUntil.getTime();
    if (this.phase === 'waiting') {
      this.sessionId = state.sessionId;
      this.early = this.config.spread === 0 ? 0 : this.config.spread * spreadFraction(state.sessionId);
      this.budgetEnd = this.config.scheduler.now() + this.config.maxDuration;
      this.expiry = until;
      if (log.enabled('info')) log.info(`auto-renew of session '${state.sessionId}' started (for up to ${this.config.maxDuration} ms; lock held until ${state.lockedUntil.toISOString()})`);
      this.plan();
    } else if ((state.kind === 'held' || state.kind === 'renewed') && until > this.expiry) {
      this.expiry = until;
      // A renewal in flight plans the next one when it returns; otherwise reschedule now
      // (this is also how a manual renewal moves the pending one, or supersedes a retry).
      if (this.phase !== 'renewing') this.plan();
    }
  }

  /** Stops renewing (what unsubscribing does): cancels the pending deadline and an in-flight renewal. */
  stop(): void {
    this.phase = 'stopped';
    this.cancel();
  }

  private cancel(): void {
    this.wait?.cancel();
    this.wait = undefined;
    this.inFlight?.unsubscribe();
    this.inFlight = undefined;
    if (this.renewing) {
      this.renewing = false;
      const cancel = this.cancelRenew;
      this.cancelRenew = undefined;
      cancel?.();
    }
  }

  /** Ends auto-renewal with one error event; `closeWith` closes the link (final renewal error). */
  private end(error: AutoLockRenewError, closeWith?: unknown): void {
    this.phase = 'stopped';
    this.cancel();
    log.warning(`auto-renew of session '${this.sessionId}' ended: ${describeError(error)}${error.cause === undefined ? '' : ` (cause: ${describeError(error.cause)})`}`);
    try {
      this.lock?.reportAutoRenewError(error);
      this.emit({ kind: 'auto-renew-error', sessionId: this.sessionId, error });
      if (closeWith !== undefined) this.lock?.closeLink('renew-failed', closeWith);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Schedules the next renewal from `expiry`, or the budget end when that renewal would be too late. */
  private plan(): void {
    this.wait?.cancel();
    const { scheduler, deadlines, renewBefore } = this.config;
    const now = scheduler.now();
    const deadline = this.expiry - this.safetyMargin;
    const latest = renewAt({ now, lockedUntil: deadline, renewBefore, rttMs: this.rtt });
    // Spread: earlier than the latest safe time by this session's share of what is left until then.
    const at = this.early === 0 || latest <= now ? latest : Math.max(now, Math.floor(latest - (deadline - latest) * this.early));
    this.retries = 0;
    if (at > this.budgetEnd) {
      this.phase = 'budget';
      this.wait = deadlines.schedule(Math.max(this.budgetEnd, now), this.budgetSpent);
    } else {
      this.phase = 'scheduled';
      this.wait = deadlines.schedule(at, this.attempt);
    }
  }

  private readonly budgetSpent = (): void => {
    this.end(new AutoLockRenewTimeout(this.sessionId, this.config.maxDuration));
  };

  private readonly attempt = (): void => {
    this.wait = undefined;
    const lock = this.lock;
    if (lock === undefined || this.phase === 'stopped') return;
    this.phase = 'renewing';
    const startedAt = this.config.scheduler.now();
    if (this.renewNow !== undefined) {
      this.startedAt = startedAt;
      this.renewing = true;
      let cancel: () => void;
      try {
        cancel = this.renewNow(this.renewed);
      } catch (err) {
        this.renewing = false;
        return this.failed(err);
      }
      if (this.renewing) this.cancelRenew = cancel;
      return;
    }
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.inFlight?.unsubscribe(); // stop listening after the first value (no-op when it already ended)
      this.inFlight = undefined;
      return true;
    };
    let renew$: Observable<Date>;
    try {
      renew$ = lock.renewLock();
    } catch (err) {
      return this.failed(err);
    }
    const sub = renew$.subscribe({
      next: (until) => settle() && this.succeeded(until, startedAt),
      error: (err: unknown) => settle() && this.failed(err),
      complete: () => settle() && this.failed(new ServiceBusRxError(`renewLock() for session '${this.sessionId}' completed without a new expiry.`)),
    });
    if (settled) sub.unsubscribe();
    else this.inFlight = sub;
  };

  /** The outcome of a {@link RenewNow} renewal (ignored once cancelled). */
  private readonly renewed = (error: unknown, until: Date | undefined): void => {
    if (!this.renewing) return;
    this.renewing = false;
    this.cancelRenew = undefined;
    if (error !== undefined) this.failed(error);
    else this.succeeded(until as Date, this.startedAt);
  };

  private succeeded(until: Date, startedAt: number): void {
    if (this.phase === 'stopped') return; // torn down while a synchronous reply was being delivered
    if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
      return this.failed(new ServiceBusRxError(`renewLock() for session '${this.sessionId}' emitted an invalid expiry.`));
    }
    this.rtt = this.config.scheduler.now() - startedAt;
    this.expiry = Math.max(this.expiry, until.getTime());
    this.plan();
  }

  private failed(err: unknown): void {
    if (this.phase === 'stopped') return;
    if (isRetryable(err) && this.retries < this.config.maxRetries) {
      const retryAt = this.config.scheduler.now() + backoffDelay(this.retries + 1, this.config.backoff);
      // Only worth it if the retry can still finish (one round trip) before the lock expires.
      if (retryAt + this.rtt < this.expiry) {
        this.retries++;
        this.phase = 'backoff';
        this.wait = this.config.deadlines.schedule(retryAt, this.attempt);
        return;
      }
    }
    this.end(new AutoLockRenewFailed(this.sessionId, err), isRetryable(err) ? undefined : err);
  }
}
