import { Observable } from 'rxjs';
import type { LockLostReason } from '../../src/errors';
import { SessionLockLostError } from '../../src/errors';
import type { LockHandle, LockLost, LockState } from '../../src/session/LockState';

/** A LockHandle for pure operator tests: `renewLock` delegates to `renew`, side calls are recorded. */
export interface FakeLock extends LockHandle {
  readonly reported: Error[];
  readonly closed: Array<{ reason: LockLostReason; cause: unknown }>;
  renewCalls: number;
}

export function fakeLock(sessionId: string, renew: () => Observable<Date>): FakeLock {
  const lock: FakeLock = {
    sessionId,
    reported: [],
    closed: [],
    renewCalls: 0,
    renewLock: () => {
      lock.renewCalls++;
      return renew();
    },
    reportAutoRenewError: (error) => void lock.reported.push(error),
    closeLink: (reason, cause) => void lock.closed.push({ reason, cause }),
  };
  return lock;
}

type Kind = Exclude<LockState['kind'], 'lost'>;

/** A non-lost state with `lockedUntil` (ms) as seen at `now`. */
export function st(kind: Kind, lock: LockHandle, lockedUntil: number, now: number): LockState {
  return { kind, sessionId: lock.sessionId, lockedUntil: new Date(lockedUntil), remainingMs: Math.max(0, lockedUntil - now), lock };
}

export function lostSt(lock: LockHandle, lockedUntil: number, now: number, reason: LockLostReason, cause?: unknown): LockLost {
  const error = new SessionLockLostError(lock.sessionId, reason, cause === undefined ? undefined : { cause });
  return { kind: 'lost', sessionId: lock.sessionId, lockedUntil: new Date(lockedUntil), remainingMs: Math.max(0, lockedUntil - now), lock, reason, error };
}
