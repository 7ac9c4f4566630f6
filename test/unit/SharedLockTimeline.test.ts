import { NEVER } from 'rxjs';
import { strictTestScheduler } from './strictTestScheduler';
import { countingScheduler } from './countingScheduler';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { resolveLockTimeline } from '../../src/lock/LockTimelineRun';
import { SharedLockTimeline } from '../../src/lock/SharedLockTimeline';
import type { LockState } from '../../src/lock/LockState';
import { fakeLock, lostSt, st } from './lockFakes';

const lock = fakeLock('s1', () => NEVER);

describe('SharedLockTimeline (a session lock$)', () => {
  it('is hot and replaying: late subscribers get the current state first; all get the same states', () => {
    const ts = strictTestScheduler();
    ts.run(({ expectObservable }) => {
      const deadlines = new DeadlineQueue(ts);
      const shared = new SharedLockTimeline(resolveLockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(20), tickPeriod: 5, expiringSoonThreshold: 7, scheduler: ts, deadlines }), () => undefined);
      expectObservable(shared.lock$).toBe('h 4ms t 4ms u 2ms e 1ms v 4ms (l|)', {
        h: st('held', lock, 20, 0),
        t: st('tick', lock, 20, 5),
        u: st('tick', lock, 20, 10),
        e: st('expiring', lock, 20, 13),
        v: st('tick', lock, 20, 15),
        l: lostSt(lock, 20, 20, 'expired'),
      });
      // Subscribing at 11: first the tick of 10 (the current state), then what follows.
      expectObservable(shared.lock$, '11ms ^').toBe('11ms u 1ms e 1ms v 4ms (l|)', {
        u: st('tick', lock, 20, 10),
        e: st('expiring', lock, 20, 13),
        v: st('tick', lock, 20, 15),
        l: lostSt(lock, 20, 20, 'expired'),
      });
      // After the end: the lost state, then complete.
      expectObservable(shared.lock$, '25ms ^').toBe('25ms (l|)', { l: lostSt(lock, 20, 20, 'expired') });
    });
  });

  it('schedules ticks only while an external subscriber listens, and replays the tick that was due', () => {
    const ts = strictTestScheduler();
    const counting = countingScheduler(ts);
    const seen: Array<[number, LockState['kind'], number]> = [];
    ts.run(({ flush }) => {
      const deadlines = new DeadlineQueue(counting);
      // The owner's watcher sees every state but does not switch ticks on.
      const shared = new SharedLockTimeline(
        resolveLockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(100), tickPeriod: 10, expiringSoonThreshold: 0, scheduler: counting, deadlines }),
        (s) => seen.push([ts.now(), s.kind, s.remainingMs]),
      );
      // Only the expiry is scheduled while nobody external listens.
      expect(deadlines.size).toBe(1);
      ts.schedule(() => {
        // Subscribing at 35: replays the tick of 30 (not the held state of 0), ticks resume at 40 and 50.
        const sub = shared.lock$.subscribe((s) => seen.push([ts.now(), s.kind, s.remainingMs]));
        ts.schedule(() => sub.unsubscribe(), 20);
      }, 35);
      flush();
    });
    expect(seen).toEqual([
      [0, 'held', 100],
      [35, 'tick', 70],
      [40, 'tick', 60],
      [40, 'tick', 60],
      [50, 'tick', 50],
      [50, 'tick', 50],
      [100, 'lost', 0],
    ]);
  });

  it("runs the owner's watcher before any subscriber; renewals move the expiry", () => {
    const ts = strictTestScheduler();
    const order: string[] = [];
    ts.run(({ flush }) => {
      const shared = new SharedLockTimeline(resolveLockTimeline({ sessionId: 's1', lock, lockedUntil: new Date(10), tickPeriod: 0, expiringSoonThreshold: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }), (s) =>
        order.push(`watch ${s.kind === 'lost' ? s.reason : s.kind}@${ts.now()}`),
      );
      shared.lock$.subscribe({ next: (s) => order.push(`${s.kind}@${ts.now()}`), complete: () => order.push('complete') });
      ts.schedule(() => shared.renewed(new Date(30)), 5);
      ts.schedule(() => shared.lost('closed'), 20);
      flush();
      expect(shared.done).toBe(true);
    });
    expect(order).toEqual(['watch held@0', 'held@0', 'watch renewed@5', 'renewed@5', 'watch closed@20', 'lost@20', 'complete']);
  });
});
