import { defer, map, Observable, of, Subject, tap } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { lockTimeline } from '../../src/lock/lockTimeline';
import type { LockUpdate } from '../../src/lock/lockTimeline';
import type { LockLostReason } from '../../src/errors';
import { SessionLockLostError } from '../../src/errors';
import type { LockHandle, LockLost, LockState } from '../../src/lock/LockState';

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

/**
 * A session in virtual time for operator tests: `lock$` is a real `lockTimeline`; `renewLock` answers
 * after `rtt` ms (through the same DeadlineQueue, or synchronously when 0) with `now + lockDuration`
 * and, like the real session, reports the renewal on `updates` before replying.
 */
export interface FakeSession {
  readonly lock: FakeLock;
  readonly lock$: Observable<LockState>;
  /** Scheduler times at which `renewLock` was subscribed. */
  readonly renewStarts: number[];
}

export function fakeSession(options: {
  sessionId?: string;
  lockDuration: number;
  rtt: number;
  scheduler: SchedulerLike;
  deadlines: DeadlineQueue;
}): FakeSession {
  const { lockDuration, rtt, scheduler, deadlines } = options;
  const updates = new Subject<LockUpdate>();
  const renewStarts: number[] = [];
  const lock = fakeLock(options.sessionId ?? 's1', () =>
    defer(() => {
      renewStarts.push(scheduler.now());
      return rtt > 0 ? deadlines.at(scheduler.now() + rtt) : of(scheduler.now());
    }).pipe(
      map((now) => new Date(now + lockDuration)),
      tap((lockedUntil) => updates.next({ kind: 'renewed', lockedUntil })),
    ),
  );
  lock.closeLink = (reason, cause) => {
    lock.closed.push({ reason, cause });
    updates.next({ kind: 'lost', reason, cause });
  };
  const lock$ = defer(() =>
    lockTimeline({
      sessionId: lock.sessionId,
      lock,
      lockedUntil: new Date(scheduler.now() + lockDuration),
      updates,
      tickPeriod: 0,
      expiringSoonThreshold: 0,
      scheduler,
      deadlines,
    }),
  );
  return { lock, lock$, renewStarts };
}
