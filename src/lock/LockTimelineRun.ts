import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';
import { SessionLockLostError } from '../errors/SessionLockLostError';
import type { LockLostReason } from '../errors/SessionLockLostError';
import type { LockHandle, LockState } from './LockState';
import { validateDuration } from '../retry/validateDuration';
import { DeadlineQueue, type Deadline } from '../time/DeadlineQueue';

/** What a lock timeline is built from (see `lockTimeline` for the meaning of each field). */
export interface LockTimelineSettings {
  readonly sessionId: string;
  readonly lock: LockHandle;
  readonly lockedUntil: Date;
  readonly tickPeriod?: number;
  readonly expiringSoonThreshold?: number;
  /** The lock counts as lost this many ms before `lockedUntil` (default 0; see `lockTimeline`). */
  readonly safetyMargin?: number;
  readonly scheduler?: SchedulerLike;
  readonly deadlines?: DeadlineQueue;
}

/** Settings validated and defaulted once. */
export interface ResolvedLockTimeline {
  readonly sessionId: string;
  readonly lock: LockHandle;
  readonly lockedUntil: Date;
  /** ms between ticks; `Infinity` = no ticks. */
  readonly tickPeriod: number;
  readonly threshold: number;
  /** ms before `lockedUntil` at which the lock is lost (`expired`). */
  readonly safetyMargin: number;
  readonly scheduler: SchedulerLike;
  readonly deadlines: DeadlineQueue;
}

/**
 * Validates and defaults timeline settings (tick period 1000 ms, threshold 5000 ms, margin 0, `asyncScheduler`,
 * the scheduler's shared `DeadlineQueue`).
 * @throws InvalidArgumentError for a bad `sessionId`, `lockedUntil`, `tickPeriod`, threshold or margin.
 */
export function resolveLockTimeline(settings: LockTimelineSettings): ResolvedLockTimeline {
  const { sessionId, lock, lockedUntil } = settings;
  if (typeof sessionId !== 'string') throw new InvalidArgumentError('sessionId', 'must be a string', sessionId);
  if (!(lockedUntil instanceof Date) || Number.isNaN(lockedUntil.getTime())) {
    throw new InvalidArgumentError('lockedUntil', 'must be a valid Date', lockedUntil);
  }
  const period = validateDuration('tickPeriod', settings.tickPeriod, { allowZero: true, allowInfinity: true }) ?? 1_000;
  const threshold = validateDuration('expiringSoonThreshold', settings.expiringSoonThreshold, { allowZero: true, allowInfinity: true }) ?? 5_000;
  const safetyMargin = validateDuration('safetyMargin', settings.safetyMargin, { allowZero: true }) ?? 0;
  const scheduler = settings.scheduler ?? asyncScheduler;
  const deadlines = settings.deadlines ?? DeadlineQueue.shared(scheduler);
  return { sessionId, lock, lockedUntil, tickPeriod: period > 0 ? period : Infinity, threshold, safetyMargin, scheduler, deadlines };
}

/**
 * One running lock timeline (the engine behind `lockTimeline` and a session's `lock$`): emits its
 * states into `emit`, keeping ONE deadline in the queue at a time (the earliest of next tick,
 * `expiring` point and expiry). Nothing is allocated per state but the state itself.
 *
 * Ticks are aligned to the time the run was created and can be switched off and on
 * ({@link setTicking}); {@link lastTickAt} tells when the latest tick would have been.
 */
export class LockTimelineRun {
  /** True once `lost` was emitted or the run was stopped. */
  done = false;
  /** Scheduler time of the latest emission. */
  lastEmittedAt = -Infinity;
  private until: Date;
  private untilMs: number;
  private readonly origin: number;
  private nextTick = Infinity;
  private expiringSent = false;
  private wake: Deadline | undefined;
  /** True while `wake` is registered (for `wakeAt`). */
  private armed = false;
  private wakeAt = NaN;

  /**
   * @param ticking - whether ticks start on (the first one `tickPeriod` after now); see {@link setTicking}.
   *   Nothing is scheduled before {@link arm}.
   */
  constructor(
    readonly config: ResolvedLockTimeline,
    private readonly emit: (state: LockState) => void,
    ticking: boolean,
  ) {
    this.until = config.lockedUntil;
    this.untilMs = config.lockedUntil.getTime();
    this.origin = config.scheduler.now();
    if (ticking) this.nextTick = this.origin + config.tickPeriod;
  }

  /** Latest known expiry. */
  get lockedUntil(): Date {
    return this.until;
  }

  /** Scheduler time at which the lock counts as lost: `lockedUntil − safetyMargin`. */
  get lostAt(): number {
    return this.untilMs - this.config.safetyMargin;
  }

  /** Emits `held` (call once, first). */
  begin(): void {
    this.send('held', this.config.scheduler.now());
  }

  /** Keeps exactly one deadline: the earliest of next tick, expiring point and expiry. */
  arm(): void {
    if (this.done) return;
    const next = Math.min(this.nextTick, this.expiringSent ? Infinity : this.untilMs - this.config.threshold, this.lostAt);
    if (this.armed && next === this.wakeAt) return;
    this.wakeAt = next;
    this.armed = true;
    // One deadline object for the run's whole life, moved from wake-up to wake-up.
    if (this.wake === undefined) this.wake = this.config.deadlines.schedule(next, this.onWake);
    else this.wake.reschedule(next);
  }

  /** Starts or stops ticks (they keep their phase: multiples of `tickPeriod` after creation). */
  setTicking(on: boolean): void {
    if (this.done) return;
    const period = this.config.tickPeriod;
    if (!on || period === Infinity) {
      this.nextTick = Infinity;
    } else if (this.nextTick === Infinity) {
      const now = this.config.scheduler.now();
      this.nextTick = this.origin + (Math.floor((now - this.origin) / period) + 1) * period;
    }
    this.arm();
  }

  /** When the latest tick at or before `now` was (or would have been); `-Infinity` when none. */
  lastTickAt(now: number): number {
    const period = this.config.tickPeriod;
    if (period === Infinity) return -Infinity;
    const k = Math.floor((now - this.origin) / period);
    return k >= 1 ? this.origin + k * period : -Infinity;
  }

  /** A state of this lock at `at` (for replaying a tick that was not emitted). */
  stateAt<K extends 'held' | 'renewed' | 'tick' | 'expiring'>(kind: K, at: number) {
    const { sessionId, lock } = this.config;
    return { kind, sessionId, lockedUntil: this.until, remainingMs: Math.max(0, this.untilMs - at), lock } as const;
  }

  /** A renewal moved the expiry: emits `renewed` (an invalid date ends the run with `lost` 'detached'). */
  renewed(next: Date): void {
    if (this.done) return;
    const now = this.config.scheduler.now();
    if (!(next instanceof Date) || Number.isNaN(next.getTime())) {
      const cause = new InvalidArgumentError('update.lockedUntil', 'must be a valid Date', next);
      return this.finish('detached', new SessionLockLostError(this.config.sessionId, 'detached', { cause }), now);
    }
    this.until = next;
    this.untilMs = next.getTime();
    if (this.untilMs - now > this.config.threshold) this.expiringSent = false;
    this.send('renewed', now);
    this.arm();
  }

  /**
   * The lock is gone: emits `lost` with `SessionLockLostError(sessionId, reason, { cause })` (or the
   * cause itself when it already is that session's error with that reason).
   */
  lost(reason: LockLostReason, cause?: unknown): void {
    if (this.done) return;
    this.finish(reason, lockLostError(this.config.sessionId, reason, cause), this.config.scheduler.now());
  }

  /** Stops without emitting: cancels the deadline. */
  stop(): void {
    this.done = true;
    this.armed = false;
    this.wake?.cancel();
  }

  private send(kind: 'held' | 'renewed' | 'tick' | 'expiring', now: number): void {
    this.lastEmittedAt = now;
    this.emit(this.stateAt(kind, now));
  }

  private finish(reason: LockLostReason, error: SessionLockLostError, now: number): void {
    if (this.done) return;
    this.stop();
    this.lastEmittedAt = now;
    const { sessionId, lock } = this.config;
    this.emit({ kind: 'lost', sessionId, lockedUntil: this.until, remainingMs: Math.max(0, this.untilMs - now), lock, reason, error });
  }

  private readonly onWake = (now: number): void => {
    this.armed = false;
    if (this.done) return;
    if (now >= this.lostAt) return this.finish('expired', new SessionLockLostError(this.config.sessionId, 'expired'), now);
    if (this.nextTick <= now) {
      // Skip ticks missed by a late wake-up (real timers) rather than bursting them.
      const period = this.config.tickPeriod;
      while (this.nextTick <= now) this.nextTick += period;
      this.send('tick', now);
      if (this.done) return;
    }
    if (!this.expiringSent && this.untilMs - now <= this.config.threshold) {
      this.expiringSent = true;
      this.send('expiring', now);
    }
    this.arm();
  };
}

/** The error of a `lost` state: `cause` itself when it already is that session's error with that reason. */
export function lockLostError(sessionId: string, reason: LockLostReason, cause: unknown): SessionLockLostError {
  if (cause instanceof SessionLockLostError && cause.sessionId === sessionId && cause.reason === reason) return cause;
  return new SessionLockLostError(sessionId, reason, cause === undefined ? undefined : { cause });
}
