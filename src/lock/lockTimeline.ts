import { Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { SessionLockLostError } from '../errors/SessionLockLostError';
import type { LockLostReason } from '../errors/SessionLockLostError';
import type { LockHandle, LockState } from './LockState';
import type { DeadlineQueue } from '../time/DeadlineQueue';
import { LockTimelineRun, resolveLockTimeline } from './LockTimelineRun';

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
  /**
   * The lock counts as lost this many ms before `lockedUntil` (default 0): room for event-loop lag and
   * for the difference between this clock and the broker's. An `expiring` point within the margin is
   * never reached (the lock is lost first).
   */
  readonly safetyMargin?: number;
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
 * - at `lockedUntil − safetyMargin` if no renewal moved it: reason `'expired'`;
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
 * @throws InvalidArgumentError at the call for a bad `sessionId`, `lockedUntil`, `tickPeriod`, threshold or margin.
 */
export function lockTimeline(config: LockTimelineConfig): Observable<LockState> {
  const resolved = resolveLockTimeline(config);
  const { updates } = config;
  return new Observable<LockState>((subscriber) => {
    const run = new LockTimelineRun(
      resolved,
      (state) => {
        subscriber.next(state);
        if (state.kind === 'lost') subscriber.complete();
      },
      true,
    );
    subscriber.add(() => run.stop());
    run.begin();
    if (run.done) return;
    subscriber.add(
      updates.subscribe({
        next: (update) => (update.kind === 'lost' ? run.lost(update.reason, update.cause) : run.renewed(update.lockedUntil)),
        error: (err: unknown) => run.lost(err instanceof SessionLockLostError ? err.reason : 'detached', err),
      }),
    );
    run.arm();
  });
}
