import type { Observable } from 'rxjs';
import type { LockLostReason, SessionLockLostError } from '../errors';

/**
 * What a lock state needs from its session: the renewal call and the link teardown. The session object
 * implements it; operator unit tests pass a small fake built from cold observables.
 */
export interface LockHandle {
  readonly sessionId: string;
  /** Renews the session lock once; emits the new expiry, then completes. Errors with a typed error. */
  renewLock(options?: { timeout?: number }): Observable<Date>;
  /** Records the error that auto-renewal ended with (exposed as `session.autoRenewError`). */
  reportAutoRenewError(error: Error): void;
  /** Closes the session's receive link (and the connection when nothing else uses it). Idempotent. */
  closeLink(reason: LockLostReason, cause?: unknown): void;
}

interface LockStateBase {
  readonly sessionId: string;
  /** The lock's expiry as last known from the broker. */
  readonly lockedUntil: Date;
  /** `lockedUntil - now` on the session's scheduler when this state was emitted (never negative). */
  readonly remainingMs: number;
  /** The session this lock belongs to. */
  readonly lock: LockHandle;
}

/** The lock was acquired (first emission of `lock$`; replayed to late subscribers). */
export interface LockHeld extends LockStateBase { readonly kind: 'held' }
/** A renewal (manual or automatic) moved `lockedUntil` forward. */
export interface LockRenewed extends LockStateBase { readonly kind: 'renewed' }
/** Periodic tick toward expiry (period set by the session's `tickPeriod`). */
export interface LockTick extends LockStateBase { readonly kind: 'tick' }
/** Emitted once per lock period when `remainingMs` falls below the session's `expiringSoonThreshold`. */
export interface LockExpiring extends LockStateBase { readonly kind: 'expiring' }
/** The lock is gone; `lock$` completes right after this. */
export interface LockLost extends LockStateBase {
  readonly kind: 'lost';
  readonly reason: LockLostReason;
  readonly error: SessionLockLostError;
}

/** One state of a session lock, as emitted by `session.lock$`. */
export type LockState = LockHeld | LockRenewed | LockTick | LockExpiring | LockLost;
