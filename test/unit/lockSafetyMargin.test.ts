import { NEVER } from 'rxjs';
import { strictTestScheduler } from './strictTestScheduler';
import { InvalidArgumentError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { lockTimeline, type LockUpdate } from '../../src/lock/lockTimeline';
import { fakeLock, lostSt, st } from './lockFakes';

// Issue 11, safety margin: the lock counts as lost `safetyMargin` ms before the broker's expiry, so
// event-loop lag and clock drift cannot put two receivers on one session.
const lock = fakeLock('s1', () => NEVER);

describe('lockTimeline with a safety margin', () => {
  it('emits expiring, then lost "expired" a margin before lockedUntil (remainingMs = the margin), and completes', () => {
    const ts = strictTestScheduler();
    ts.run(({ expectObservable }) => {
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), updates: NEVER, tickPeriod: 0, expiringSoonThreshold: 8, safetyMargin: 5, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 11ms e 2ms (l|)', {
        h: st('held', lock, 20, 0),
        e: st('expiring', lock, 20, 12),
        l: lostSt(lock, 20, 15, 'expired'),
      });
    });
  });

  it('a renewal moves the lost point with lockedUntil', () => {
    const ts = strictTestScheduler();
    ts.run(({ hot, expectObservable }) => {
      const updates = hot<LockUpdate>('8ms r', { r: { kind: 'renewed', lockedUntil: new Date(40) } });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), updates, tickPeriod: 0, expiringSoonThreshold: 0, safetyMargin: 5, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 7ms r 26ms (l|)', {
        h: st('held', lock, 20, 0),
        r: st('renewed', lock, 40, 8),
        l: lostSt(lock, 40, 35, 'expired'),
      });
    });
  });

  it('a renewal that lands inside the margin is lost on the next action', () => {
    const ts = strictTestScheduler();
    ts.run(({ hot, expectObservable }) => {
      const updates = hot<LockUpdate>('8ms r', { r: { kind: 'renewed', lockedUntil: new Date(11) } });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), updates, tickPeriod: 0, expiringSoonThreshold: 0, safetyMargin: 5, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 7ms (rl|)', {
        h: st('held', lock, 20, 0),
        r: st('renewed', lock, 11, 8),
        l: lostSt(lock, 11, 8, 'expired'),
      });
    });
  });

  it('ticks stop at the lost point; an expiring threshold within the margin is never reached', () => {
    const ts = strictTestScheduler();
    ts.run(({ expectObservable }) => {
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), updates: NEVER, tickPeriod: 4, expiringSoonThreshold: 3, safetyMargin: 6, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 3ms t 3ms u 3ms v 1ms (l|)', {
        h: st('held', lock, 20, 0),
        t: st('tick', lock, 20, 4),
        u: st('tick', lock, 20, 8),
        v: st('tick', lock, 20, 12),
        l: lostSt(lock, 20, 14, 'expired'),
      });
    });
  });

  it('no margin (the default of lockTimeline): lost at lockedUntil', () => {
    const ts = strictTestScheduler();
    ts.run(({ expectObservable }) => {
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), updates: NEVER, tickPeriod: 0, expiringSoonThreshold: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 9ms (l|)', { h: st('held', lock, 10, 0), l: lostSt(lock, 10, 10, 'expired') });
    });
  });

  it('validates the margin at the call', () => {
    for (const bad of [-1, Number.NaN, Infinity, '5']) {
      expect(() => lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), updates: NEVER, safetyMargin: bad as number })).toThrow(InvalidArgumentError);
    }
    expect(() => lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), updates: NEVER, safetyMargin: -1 })).toThrow(/safetyMargin/);
  });
});
