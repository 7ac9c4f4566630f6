import { NEVER, take } from 'rxjs';
import { strictTestScheduler } from './strictTestScheduler';
import { InvalidArgumentError, ServiceBusRxError, SessionLockLostError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { lockTimeline } from '../../src/lock/lockTimeline';
import type { LockUpdate } from '../../src/lock/lockTimeline';
import { countingScheduler } from './countingScheduler';
import { fakeLock, lostSt, st } from './lockFakes';

const newTestScheduler = strictTestScheduler;
const lock = fakeLock('s1', () => NEVER);

describe('lockTimeline', () => {
  it('emits held, ticks aligned to subscription, one expiring at the threshold, lost "expired" at lockedUntil, then completes', () => {
    const ts = newTestScheduler();
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const updates = hot<LockUpdate>('-');
      const deadlines = new DeadlineQueue(ts);
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), updates, tickPeriod: 5, expiringSoonThreshold: 7, scheduler: ts, deadlines });
      expectObservable(lock$).toBe('h 4ms t 4ms u 2ms e 1ms v 4ms (l|)', {
        h: st('held', lock, 20, 0),
        t: st('tick', lock, 20, 5),
        u: st('tick', lock, 20, 10),
        e: st('expiring', lock, 20, 13),
        v: st('tick', lock, 20, 15),
        l: lostSt(lock, 20, 20, 'expired'),
      });
      expectSubscriptions(updates.subscriptions).toBe('^ 19ms !');
    });
  });

  it('ticks every second by default (aligned to the subscription time)', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(60_000 + 300), updates: NEVER, scheduler: ts });
      expectObservable(lock$.pipe(take(3)), '300ms ^').toBe('300ms h 999ms t 999ms (u|)', {
        h: st('held', lock, 60_300, 300),
        t: st('tick', lock, 60_300, 1_300),
        u: st('tick', lock, 60_300, 2_300),
      });
    });
  });

  it('emits renewed on updates; expiring again after a renewal moved remaining back above the threshold', () => {
    const ts = newTestScheduler();
    ts.run(({ hot, expectObservable }) => {
      const updates = hot<LockUpdate>('6ms a 12ms b', {
        a: { kind: 'renewed', lockedUntil: new Date(30) }, // remaining 24 > 5: expiring re-armed for 25
        b: { kind: 'renewed', lockedUntil: new Date(23) }, // remaining 4 <= 5 and not yet announced: at once
      });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), updates, tickPeriod: 0, expiringSoonThreshold: 5, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 4ms e r 12ms (Rf) (l|)', {
        h: st('held', lock, 10, 0),
        e: st('expiring', lock, 10, 5),
        r: st('renewed', lock, 30, 6),
        R: st('renewed', lock, 23, 19),
        f: st('expiring', lock, 23, 19),
        l: lostSt(lock, 23, 23, 'expired'),
      });
    });
  });

  it('does not repeat expiring when a renewal leaves remaining within the threshold', () => {
    const ts = newTestScheduler();
    ts.run(({ hot, expectObservable }) => {
      const updates = hot<LockUpdate>('8ms a', { a: { kind: 'renewed', lockedUntil: new Date(11) } });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), updates, tickPeriod: 0, expiringSoonThreshold: 3, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('h 6ms e r 2ms (l|)', {
        h: st('held', lock, 10, 0),
        e: st('expiring', lock, 10, 7),
        r: st('renewed', lock, 11, 8),
        l: lostSt(lock, 11, 11, 'expired'),
      });
    });
  });

  it('emits lost with the update reason and cause, unsubscribes from updates and frees its deadline', () => {
    const ts = newTestScheduler();
    const cause = new ServiceBusRxError('link detached', { condition: 'amqp:link:detach-forced' });
    const deadlines = new DeadlineQueue(ts);
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const updates = hot<LockUpdate>('5ms x', { x: { kind: 'lost', reason: 'detached', cause } });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(60_000), updates, scheduler: ts, deadlines });
      expectObservable(lock$).toBe('h 4ms (l|)', { h: st('held', lock, 60_000, 0), l: lostSt(lock, 60_000, 5, 'detached', cause) });
      expectSubscriptions(updates.subscriptions).toBe('^ 4ms !');
    });
    expect(deadlines.size).toBe(0);
  });

  it('reuses a SessionLockLostError cause of the same session and reason as the error', () => {
    const ts = newTestScheduler();
    const error = new SessionLockLostError('s1', 'closed');
    ts.run(({ cold, expectObservable }) => {
      const updates = cold<LockUpdate>('2ms x', { x: { kind: 'lost', reason: 'closed', cause: error } });
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(100), updates, tickPeriod: 0, expiringSoonThreshold: 0, scheduler: ts });
      expectObservable(lock$).toBe('h 1ms (l|)', { h: st('held', lock, 100, 0), l: { ...lostSt(lock, 100, 2, 'closed'), error } });
    });
  });

  it('updates erroring → lost "detached" with the error as cause (or the SessionLockLostError\'s own reason)', () => {
    const ts = newTestScheduler();
    const boom = new Error('management link failed');
    const renewFailed = new SessionLockLostError('s1', 'renew-failed');
    ts.run(({ cold, expectObservable }) => {
      const mk = (updates: ReturnType<typeof cold<LockUpdate>>) =>
        lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(100), updates, tickPeriod: 0, expiringSoonThreshold: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(mk(cold<LockUpdate>('3ms #', undefined, boom))).toBe('h 2ms (l|)', {
        h: st('held', lock, 100, 0),
        l: lostSt(lock, 100, 3, 'detached', boom),
      });
      expectObservable(mk(cold<LockUpdate>('4ms #', undefined, renewFailed))).toBe('h 3ms (l|)', {
        h: st('held', lock, 100, 0),
        l: { ...lostSt(lock, 100, 4, 'renew-failed'), error: renewFailed },
      });
    });
  });

  it('updates completing without lost → keeps running to lost "expired"; an invalid renewed date → lost "detached"', () => {
    const ts = newTestScheduler();
    ts.run(({ cold, expectObservable }) => {
      const completes = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(9), updates: cold<LockUpdate>('2ms |'), tickPeriod: 0, expiringSoonThreshold: 0, scheduler: ts });
      expectObservable(completes).toBe('h 8ms (l|)', { h: st('held', lock, 9, 0), l: lostSt(lock, 9, 9, 'expired') });

      const notADate = new Date(Number.NaN);
      const invalid = lockTimeline({
        sessionId: 's1',
        lock,
        lockedUntil: new Date(9),
        updates: cold<LockUpdate>('3ms u', { u: { kind: 'renewed', lockedUntil: notADate } }),
        tickPeriod: 0,
        expiringSoonThreshold: 0,
        scheduler: ts,
      });
      const cause = new InvalidArgumentError('update.lockedUntil', 'must be a valid Date', notADate);
      expectObservable(invalid).toBe('h 2ms (l|)', { h: st('held', lock, 9, 0), l: lostSt(lock, 9, 3, 'detached', cause) });
    });
  });

  it('a lock already expired at subscription: held, then lost on the next action', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(-1), updates: NEVER, scheduler: ts, deadlines: new DeadlineQueue(ts) });
      expectObservable(lock$).toBe('(hl|)', { h: st('held', lock, -1, 0), l: lostSt(lock, -1, 0, 'expired') });
    });
  });

  it('unsubscribing cancels the pending deadline and the updates subscription', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    const deadlines = new DeadlineQueue(counting);
    ts.run(({ hot, expectObservable, expectSubscriptions, flush }) => {
      const updates = hot<LockUpdate>('-');
      const lock$ = lockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(60_000), updates, tickPeriod: 2, scheduler: counting, deadlines });
      expectObservable(lock$, '^ 6ms !').toBe('h 1ms t 1ms u 1ms v', {
        h: st('held', lock, 60_000, 0),
        t: st('tick', lock, 60_000, 2),
        u: st('tick', lock, 60_000, 4),
        v: st('tick', lock, 60_000, 6),
      });
      expectSubscriptions(updates.subscriptions).toBe('^ 6ms !');
      flush();
      expect(deadlines.size).toBe(0);
      expect(counting.pending).toBe(0);
    });
  });

  it('1 000 ticking sessions share one pending scheduled action', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    const deadlines = new DeadlineQueue(counting);
    const kinds = new Map<string, number>();
    ts.run(() => {
      for (let i = 0; i < 1_000; i++) {
        ts.schedule(() => {
          lockTimeline({ sessionId: `s${i}`, lock, lockedUntil: new Date(ts.now() + 10_000), updates: NEVER, tickPeriod: 1_000, scheduler: counting, deadlines }).subscribe(
            (s) => kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1),
          );
        }, i % 37);
      }
    });
    expect(Object.fromEntries(kinds)).toEqual({ held: 1_000, tick: 9_000, expiring: 1_000, lost: 1_000 });
    expect(counting.maxPending).toBe(1);
    expect(deadlines.size).toBe(0);
  });

  it('validates its config at the call', () => {
    const base = { sessionId: 's1', lock, lockedUntil: new Date(0), updates: NEVER };
    expect(() => lockTimeline({ ...base, tickPeriod: -1 })).toThrow(/Invalid tickPeriod/);
    expect(() => lockTimeline({ ...base, tickPeriod: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => lockTimeline({ ...base, expiringSoonThreshold: -5 })).toThrow(/Invalid expiringSoonThreshold/);
    expect(() => lockTimeline({ ...base, lockedUntil: new Date(Number.NaN) })).toThrow(/Invalid lockedUntil/);
    expect(() => lockTimeline({ ...base, sessionId: 7 as unknown as string })).toThrow(/Invalid sessionId/);
    expect(() => lockTimeline({ ...base, tickPeriod: 0, expiringSoonThreshold: Infinity })).not.toThrow();
  });
});
