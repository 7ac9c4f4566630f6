import { asyncScheduler, Observable } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';
import { SessionLockLostError } from '../errors/SessionLockLostError';
import type { LockLostReason } from '../errors/SessionLockLostError';
import type { LockHandle, LockLost, LockState } from '../session/LockState';
import { validateDuration } from '../retry/validateDuration';
import { DeadlineQueue } from './DeadlineQueue';

/** What the session tells the timeline: a renewal moved the expiry, or the lock is gone. */
export type LockUpdate =
  | { readonly kind: 'renewed'; readonly lockedUntil: Date }
  | { readonly kind: 'lost'; readonly reason: LockLostReason; readonly cause?: unknown };

/** Configuration of {@link lockTimeline}. */
export interface LockTimelineConfig {
  readonly sessionId: string;
  readonly lock: LockHandle;
  /** Expiry of the lock as granted at attach. */
  readonly lockedUntil: Date;
  /** Renewals and losses reported by the session (see {@link lockTimeline} for completion/error). */
  readonly updates: Observable<LockUpdate>;
  /** Period of `tick` states in ms, aligned to subscription time (default 1000; `0` or `Infinity`: no ticks). */
  readonly tickPeriod?: number;
  /** `expiring` is emitted when `remainingMs` drops to this many ms (default 5000; `0`: never). */
  readonly expiringSoonThreshold?: number;
  readonly scheduler?: SchedulerLike;
  /** Where ticks and the expiry are scheduled (default `DeadlineQueue.shared(scheduler)`). */
  readonly deadlines?: DeadlineQueue;
}

/**
 * Builds `lock$` for one session: a cold Observable of {@link LockState}.
 *
 * Emits, on subscribe, `held` (synchronously); then `renewed` for each `renewed` update; `tick` every
 * `tickPeriod` ms after subscription; `expiring` once whenever `remainingMs` drops to
 * `expiringSoonThreshold` (again after a renewal moves it back above); and finally one `lost`, after
 * which it completes:
 * - at `lockedUntil` if no renewal moved it: reason `'expired'`;
 * - on a `lost` update: its reason, error `SessionLockLostError(sessionId, reason, { cause })` (or the
 *   cause itself when it already is that session's `SessionLockLostError` with that reason);
 * - if `updates` errors: reason `'detached'` with the error as cause (or the error's own reason when it
 *   is a `SessionLockLostError`); a `renewed` update with an invalid date is treated the same way.
 * If `updates` completes without `lost`, no renewal can be reported any more, so the timeline keeps
 * running and ends with `lost` `'expired'` at `lockedUntil`. Never errors.
 *
 * Ticks, the `expiring` point and the expiry share ONE deadline per session at a time in `deadlines`.
 * Unsubscribing cancels that deadline and unsubscribes from `updates`. Each subscription starts from
 * `config.lockedUntil`; the session multicasts it.
 * @throws InvalidArgumentError at the call for a bad `sessionId`, `lockedUntil`, `tickPeriod` or threshold.
 */
export function lockTimeline(config: LockTimelineConfig): Observable<LockState> {
  const { sessionId, lock, lockedUntil: initialUntil, updates } = config;
  if (typeof sessionId !== 'string') throw new InvalidArgumentError('sessionId', 'must be a string', sessionId);
  if (!(initialUntil instanceof Date) || Number.isNaN(initialUntil.getTime())) {
    throw new InvalidArgumentError('lockedUntil', 'must be a valid Date', initialUntil);
  }
  const tickPeriod = validateDuration('tickPeriod', config.tickPeriod, { allowZero: true, allowInfinity: true }) ?? 1_000;
  const threshold =
    validateDuration('expiringSoonThreshold', config.expiringSoonThreshold, { allowZero: true, allowInfinity: true }) ?? 5_000;
  const scheduler = config.scheduler ?? asyncScheduler;
  const deadlines = config.deadlines ?? DeadlineQueue.shared(scheduler);
  const ticking = tickPeriod > 0 && tickPeriod < Infinity;

  return new Observable<LockState>((subscriber) => {
    let until = initialUntil;
    let untilMs = initialUntil.getTime();
    let nextTick = ticking ? scheduler.now() + tickPeriod : Infinity;
    let expiringSent = false;
    let done = false;
    let wake: Subscription | undefined;
    let wakeAt = NaN;

    const state = <K extends 'held' | 'renewed' | 'tick' | 'expiring'>(kind: K, now: number) =>
      ({ kind, sessionId, lockedUntil: until, remainingMs: Math.max(0, untilMs - now), lock }) as const;

    const finish = (reason: LockLostReason, error: SessionLockLostError, now: number): void => {
      if (done) return;
      done = true;
      wake?.unsubscribe();
      wake = undefined;
      const lost: LockLost = { kind: 'lost', sessionId, lockedUntil: until, remainingMs: Math.max(0, untilMs - now), lock, reason, error };
      subscriber.next(lost);
      subscriber.complete();
    };

    /** Keeps exactly one deadline: the earliest of next tick, expiring point and expiry. */
    const rearm = (): void => {
      if (done) return;
      const next = Math.min(nextTick, expiringSent ? Infinity : untilMs - threshold, untilMs);
      if (wake !== undefined && next === wakeAt) return;
      wake?.unsubscribe();
      wakeAt = next;
      wake = deadlines.at(next).subscribe(onWake);
    };

    const onWake = (now: number): void => {
      wake = undefined;
      if (done) return;
      if (now >= untilMs) return finish('expired', new SessionLockLostError(sessionId, 'expired'), now);
      if (nextTick <= now) {
        // Skip ticks missed by a late wake-up (real timers) rather than bursting them.
        while (nextTick <= now) nextTick += tickPeriod;
        subscriber.next(state('tick', now));
        if (done) return;
      }
      if (!expiringSent && untilMs - now <= threshold) {
        expiringSent = true;
        subscriber.next(state('expiring', now));
      }
      rearm();
    };

    subscriber.add(() => {
      done = true;
      wake?.unsubscribe();
      wake = undefined;
    });
    subscriber.next(state('held', scheduler.now()));
    if (done) return;

    subscriber.add(
      updates.subscribe({
        next: (update) => {
          if (done) return;
          const now = scheduler.now();
          if (update.kind === 'lost') return finish(update.reason, lockLostError(sessionId, update.reason, update.cause), now);
          const next = update.lockedUntil;
          if (!(next instanceof Date) || Number.isNaN(next.getTime())) {
            const cause = new InvalidArgumentError('update.lockedUntil', 'must be a valid Date', next);
            return finish('detached', new SessionLockLostError(sessionId, 'detached', { cause }), now);
          }
          until = next;
          untilMs = next.getTime();
          if (untilMs - now > threshold) expiringSent = false;
          subscriber.next(state('renewed', now));
          rearm();
        },
        error: (err: unknown) => {
          const reason = err instanceof SessionLockLostError ? err.reason : 'detached';
          finish(reason, lockLostError(sessionId, reason, err), scheduler.now());
        },
      }),
    );
    rearm();
  });
}

function lockLostError(sessionId: string, reason: LockLostReason, cause: unknown): SessionLockLostError {
  if (cause instanceof SessionLockLostError && cause.sessionId === sessionId && cause.reason === reason) return cause;
  return new SessionLockLostError(sessionId, reason, cause === undefined ? undefined : { cause });
}
