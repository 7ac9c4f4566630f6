import { NEVER } from 'rxjs';
import type { Observable } from 'rxjs';
import { InvalidArgumentError, ServiceBusyError, ServiceTimeoutError, SessionLockLostError } from '../../src/errors';
import { AutoLockRenewFailed, AutoLockRenewTimeout, isAutoRenewErrorEvent } from '../../src/lock/AutoLockRenewError';
import type { AutoLockRenewError, AutoRenewErrorEvent } from '../../src/lock/AutoLockRenewError';
import { autoRenew } from '../../src/lock/autoRenew';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import type { LockState } from '../../src/lock/LockState';
import { countingScheduler } from './countingScheduler';
import { fakeLock, fakeSession, lostSt, st } from './lockFakes';
import type { FakeLock } from './lockFakes';
import { normalize, strictTestScheduler } from './strictTestScheduler';

const event = (error: AutoLockRenewError): AutoRenewErrorEvent => ({ kind: 'auto-renew-error', sessionId: 's1', error });

/** A lock whose successive renewLock() calls return the given observables (then never answer). */
function scriptedLock(...replies: Array<Observable<Date>>): FakeLock {
  return fakeLock('s1', () => replies.shift() ?? NEVER);
}

// The tests below pin `spread: 0` to assert the exact renewAt() schedule their behaviour depends on
// (retries, budget, loss, manual renewals); the spread itself (the default) is tested at the end.
describe('autoRenew', () => {
  it('renews at renewAt(), measures the round trip, and plans the next renewal from the renewed state', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold('10ms (d|)', { d: new Date(110_010) });
      const lock = fakeLock('s1', () => renew$);
      const upstream = hot<LockState>('h 50009ms r', { h: st('held', lock, 60_000, 0), r: st('renewed', lock, 110_010, 50_010) });
      const out$ = upstream.pipe(autoRenew({ spread: 0, maxDuration: Infinity, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      // unsubscribing at 99 995 cancels the second renewal while it is in flight
      expectObservable(out$, '^ 99994ms !').toBe('h 50009ms r', { h: st('held', lock, 60_000, 0), r: st('renewed', lock, 110_010, 50_010) });
      // 1st at 60 000 − 10 000; 2nd at 110 010 − 10 000 − 2 × 10 (measured rtt)
      expectSubscriptions(renew$.subscriptions).toBe(['50000ms ^ 9ms !', '99990ms ^ 4ms !']);
      expectSubscriptions(upstream.subscriptions).toBe('^ 99994ms !');
    });
  });

  it.each([
    // lock duration, rtt, renewBefore, first three renewal start times
    [60_000, 10, undefined, [50_000, 99_990, 149_980]],
    [30_000, 10, undefined, [20_000, 39_990, 59_980]],
    [10_000, 10, undefined, [5_000, 9_990, 14_980]],
    [5_000, 0, undefined, [2_500, 5_000, 7_500]],
    [10_000, 10, 2_000, [8_000, 15_990, 23_980]],
  ])('renew schedule for a %p ms lock, rtt %p, renewBefore %p → %p', (lockDuration, rtt, renewBefore, expected) => {
    const ts = strictTestScheduler();
    const deadlines = new DeadlineQueue(ts);
    let session!: ReturnType<typeof fakeSession>;
    ts.run(() => {
      session = fakeSession({ lockDuration, rtt, scheduler: ts, deadlines });
      const sub = session.lock$.pipe(autoRenew({ spread: 0, maxDuration: Infinity, renewBefore, scheduler: ts, deadlines })).subscribe();
      ts.schedule(() => sub.unsubscribe(), (expected[2] ?? 0) + 1);
    });
    expect(session.renewStarts).toEqual(expected);
    expect(session.lock.reported).toEqual([]);
    expect(deadlines.size).toBe(0);
  });

  it('budget spent: exactly one AutoLockRenewTimeout when the budget runs out, no more renewals, then the lock expires', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold('10ms (d|)', { d: new Date(110_010) });
      const lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const r = st('renewed', lock, 110_010, 50_010);
      const l = lostSt(lock, 110_010, 110_010, 'expired');
      const upstream = hot<LockState>('h 50009ms r 59999ms (l|)', { h, r, l });
      const out$ = upstream.pipe(autoRenew({ spread: 0, maxDuration: 70_000, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      // the next renewal (99 990) would start after 0 + 70 000: time out at 70 000
      expectObservable(out$).toBe('h 50009ms r 19989ms t 40009ms (l|)', { h, r, t: event(new AutoLockRenewTimeout('s1', 70_000)), l });
      expectSubscriptions(renew$.subscriptions).toBe(['50000ms ^ 9ms !']);
      ts.flush();
      expect(normalize(lock.reported)).toEqual(normalize([new AutoLockRenewTimeout('s1', 70_000)]));
      expect(lock.closed).toEqual([]);
    });
  });

  it('a budget shorter than the first renewal times out without renewing; a budget already past times out at once', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold('10ms (d|)', { d: new Date(110_010) });
      const lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const l = lostSt(lock, 60_000, 60_000, 'expired');
      const short$ = hot<LockState>('h 59999ms (l|)', { h, l }).pipe(autoRenew({ spread: 0, maxDuration: 10_000, scheduler: ts }));
      expectObservable(short$).toBe('h 9999ms t 49999ms (l|)', { h, t: event(new AutoLockRenewTimeout('s1', 10_000)), l });

      // budget ends at 50 005, between the renewal's start (50 000) and its reply (50 010)
      const r = st('renewed', lock, 110_010, 50_010);
      const past$ = hot<LockState>('h 50009ms r', { h, r }).pipe(autoRenew({ spread: 0, maxDuration: 50_005, scheduler: ts }));
      expectObservable(past$, '^ 60000ms !').toBe('h 50009ms (rt)', { h, r, t: event(new AutoLockRenewTimeout('s1', 50_005)) });
      expectSubscriptions(renew$.subscriptions).toBe(['50000ms ^ 9ms !']);
    });
  });

  it('final renewal error: exactly one AutoLockRenewFailed, reportAutoRenewError, closeLink("renew-failed")', () => {
    const ts = strictTestScheduler();
    const refused = new SessionLockLostError('s1', 'detached', { message: 'The session lock has expired.' });
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold<Date>('10ms #', undefined, refused);
      lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const l = lostSt(lock, 60_000, 50_020, 'renew-failed', refused); // the session reacts to closeLink
      const upstream = hot<LockState>('h 50019ms (l|)', { h, l });
      const out$ = upstream.pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('h 50009ms f 9ms (l|)', { h, f: event(new AutoLockRenewFailed('s1', refused)), l });
      expectSubscriptions(renew$.subscriptions).toBe('50000ms ^ 9ms !');
    });
    expect(lock.renewCalls).toBe(1);
    expect(normalize(lock.reported)).toEqual(normalize([new AutoLockRenewFailed('s1', refused)]));
    expect(lock.closed).toEqual([{ reason: 'renew-failed', cause: refused }]);
  });

  it('retries a transient failure with backoff while the lock still has time', () => {
    const ts = strictTestScheduler();
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const first = cold<Date>('10ms #', undefined, new ServiceBusyError('busy'));
      const second = cold('10ms (d|)', { d: new Date(110_520) });
      lock = scriptedLock(first, second);
      const h = st('held', lock, 60_000, 0);
      const r = st('renewed', lock, 110_520, 50_520);
      const out$ = hot<LockState>('h 50519ms r', { h, r }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$, '^ 59999ms !').toBe('h 50519ms r', { h, r });
      expectSubscriptions(first.subscriptions).toBe('50000ms ^ 9ms !');
      expectSubscriptions(second.subscriptions).toBe('50510ms ^ 9ms !'); // 50 010 + 500 ms
    });
    expect(lock.reported).toEqual([]);
    expect(lock.closed).toEqual([]);
  });

  it('exhausted retries → one AutoLockRenewFailed with the last error; the link stays open', () => {
    const ts = strictTestScheduler();
    const errors = [new ServiceBusyError('busy 1'), new ServiceTimeoutError('timeout 2'), new ServiceBusyError('busy 3')];
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const attempts = errors.map((e) => cold<Date>('10ms #', undefined, e));
      lock = scriptedLock(...attempts);
      const h = st('held', lock, 60_000, 0);
      const out$ = hot<LockState>('h', { h }).pipe(autoRenew({ spread: 0, retry: { maxRetries: 2, delay: 100 }, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$, '^ 59000ms !').toBe('h 50329ms f', { h, f: event(new AutoLockRenewFailed('s1', errors[2])) });
      const starts = ['50000ms ^ 9ms !', '50110ms ^ 9ms !', '50320ms ^ 9ms !']; // backoff 100, then 200
      attempts.forEach((attempt, i) => expectSubscriptions(attempt.subscriptions).toBe(starts[i] ?? ''));
    });
    expect(lock.renewCalls).toBe(3);
    expect(lock.closed).toEqual([]);
    expect(lock.reported).toHaveLength(1);
  });

  it('does not retry when the retry could not finish before lockedUntil', () => {
    const ts = strictTestScheduler();
    const busy = new ServiceBusyError('busy');
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable }) => {
      lock = scriptedLock(cold<Date>('9700ms #', undefined, busy));
      const h = st('held', lock, 60_000, 0);
      const l = lostSt(lock, 60_000, 60_000, 'expired');
      // fails at 59 700; a retry at 60 200 would start after the lock expired
      const out$ = hot<LockState>('h 59999ms (l|)', { h, l }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('h 59699ms f 299ms (l|)', { h, f: event(new AutoLockRenewFailed('s1', busy)), l });
    });
    expect(lock.renewCalls).toBe(1);
    expect(lock.closed).toEqual([]);
  });

  it('does not retry when the measured round trip would end after lockedUntil', () => {
    const ts = strictTestScheduler();
    const busy = new ServiceBusyError('busy');
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const first = cold('400ms (d|)', { d: new Date(61_000) }); // rtt 400
      const second = cold<Date>('5400ms #', undefined, busy); // starts 54 900, fails 60 300
      lock = scriptedLock(first, second);
      const h = st('held', lock, 60_000, 0);
      const r = st('renewed', lock, 61_000, 50_400);
      const l = lostSt(lock, 61_000, 61_000, 'expired');
      // a retry at 60 800 would start in time but end at 61 200 (+ rtt), after the lock expired
      const out$ = hot<LockState>('h 50399ms r 10599ms (l|)', { h, r, l }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('h 50399ms r 9899ms f 699ms (l|)', { h, r, f: event(new AutoLockRenewFailed('s1', busy)), l });
      expectSubscriptions(second.subscriptions).toBe('54900ms ^ 5399ms !');
    });
    expect(lock.renewCalls).toBe(2);
  });

  it('a manual renewal reschedules the pending renewal from the new expiry', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold('10ms (d|)', { d: new Date(140_010) });
      const lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const m = st('renewed', lock, 90_000, 30_000);
      const out$ = hot<LockState>('h 29999ms m', { h, m }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$, '^ 85000ms !').toBe('h 29999ms m', { h, m });
      expectSubscriptions(renew$.subscriptions).toBe('80000ms ^ 9ms !'); // not 50 000
    });
  });

  it('never has two renewals in flight: a manual renewal during a slow renewal only moves the next one', () => {
    const ts = strictTestScheduler();
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const slow = cold('9800ms (d|)', { d: new Date(119_800) });
      const next = cold('10ms (d|)', { d: new Date(200_000) });
      lock = scriptedLock(slow, next);
      const h = st('held', lock, 60_000, 0);
      // manual renewal while ours is in flight, leaving < 1 s: on its own it would mean "renew now"
      const m = st('renewed', lock, 60_001, 59_500);
      const out$ = hot<LockState>('h 59499ms m', { h, m }).pipe(autoRenew({ spread: 0, maxDuration: Infinity, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$, '^ 100000ms !').toBe('h 59499ms m', { h, m });
      expectSubscriptions(slow.subscriptions).toBe('50000ms ^ 9799ms !');
      // planned when the reply came: from max(119 800, 60 001) with rtt 9 800 → 119 800 − 10 000 − 19 600
      expectSubscriptions(next.subscriptions).toBe('90200ms ^ 9ms !');
    });
    expect(lock.renewCalls).toBe(2);
  });

  it('lock lost while a renewal is in flight → AutoLockRenewFailed (cause: the loss), the renewal is cancelled', () => {
    const ts = strictTestScheduler();
    let lock!: FakeLock;
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold<Date>('-');
      lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const l = lostSt(lock, 60_000, 60_000, 'expired');
      const out$ = hot<LockState>('h 59999ms (l|)', { h, l }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('h 59999ms (fl|)', { h, f: event(new AutoLockRenewFailed('s1', l.error)), l });
      expectSubscriptions(renew$.subscriptions).toBe('50000ms ^ 9999ms !');
    });
    expect(lock.closed).toEqual([]);
    expect(lock.reported).toHaveLength(1);
  });

  it('lock closed by the user while renewing → no auto-renew error, just lost', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const renew$ = cold<Date>('-');
      const lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const l = lostSt(lock, 60_000, 55_000, 'closed');
      const out$ = hot<LockState>('h 54999ms (l|)', { h, l }).pipe(autoRenew({ spread: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('h 54999ms (l|)', { h, l });
      expectSubscriptions(renew$.subscriptions).toBe('50000ms ^ 4999ms !');
    });
  });

  it('unsubscribing before the renewal time cancels the pending deadline; upstream errors are forwarded', () => {
    const ts = strictTestScheduler();
    const deadlines = new DeadlineQueue(ts);
    const boom = new Error('upstream broke');
    ts.run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const renew$ = cold('10ms (d|)', { d: new Date(110_010) });
      const lock = fakeLock('s1', () => renew$);
      const h = st('held', lock, 60_000, 0);
      const upstream = hot<LockState>('h', { h });
      expectObservable(upstream.pipe(autoRenew({ spread: 0, scheduler: ts, deadlines })), '^ 29999ms !').toBe('h', { h });
      const failing = hot<LockState>('h 99ms #', { h }, boom);
      expectObservable(failing.pipe(autoRenew({ spread: 0, scheduler: ts, deadlines }))).toBe('h 99ms #', { h }, boom);
      expectSubscriptions(upstream.subscriptions).toBe('^ 29999ms !');
      expectSubscriptions(failing.subscriptions).toBe('^ 99ms !');
      flush();
      expect(renew$.subscriptions).toEqual([]);
      expect(deadlines.size).toBe(0);
    });
  });

  it('end to end with lockTimeline: renews within the budget, times out once, then the lock expires and the stream completes', () => {
    const ts = strictTestScheduler();
    const deadlines = new DeadlineQueue(ts);
    ts.run(({ expectObservable }) => {
      const { lock, lock$ } = fakeSession({ lockDuration: 60_000, rtt: 10, scheduler: ts, deadlines });
      const out$ = lock$.pipe(autoRenew({ spread: 0, maxDuration: 120_000, scheduler: ts, deadlines }));
      expectObservable(out$).toBe('h 50009ms r 49989ms R 19999ms t 39999ms (l|)', {
        h: st('held', lock, 60_000, 0),
        r: st('renewed', lock, 110_010, 50_010),
        R: st('renewed', lock, 160_000, 100_000),
        t: event(new AutoLockRenewTimeout('s1', 120_000)),
        l: lostSt(lock, 160_000, 160_000, 'expired'),
      });
    });
    expect(deadlines.size).toBe(0);
  });

  it('1 000 auto-renewed sessions: one pending scheduled action, one timeout each, all end lost', () => {
    const ts = strictTestScheduler();
    const counting = countingScheduler(ts);
    const deadlines = new DeadlineQueue(counting);
    const counts = new Map<string, number>();
    const sessions: Array<ReturnType<typeof fakeSession>> = [];
    let completed = 0;
    ts.run(() => {
      for (let i = 0; i < 1_000; i++) {
        ts.schedule(() => {
          const session = fakeSession({ sessionId: `s${i}`, lockDuration: 30_000, rtt: 0, scheduler: counting, deadlines });
          sessions.push(session);
          session.lock$.pipe(autoRenew({ spread: 0, maxDuration: 100_000, scheduler: counting, deadlines })).subscribe({
            next: (v) => {
              const key = isAutoRenewErrorEvent(v) ? v.error.name : v.kind;
              counts.set(key, (counts.get(key) ?? 0) + 1);
            },
            complete: () => completed++,
          });
        }, i * 7);
      }
    });
    // renewals at +20 000, +40 000, … +100 000 (the last one still within the budget), then the timeout
    expect(Object.fromEntries(counts)).toEqual({ held: 1_000, renewed: 5_000, AutoLockRenewTimeout: 1_000, lost: 1_000 });
    expect(completed).toBe(1_000);
    expect(sessions.every((s) => s.renewStarts.length === 5)).toBe(true);
    expect(counting.maxPending).toBe(1);
    expect(deadlines.size).toBe(0);
  });

  it('validates its options at the call', () => {
    expect(() => autoRenew({ maxDuration: 0 })).toThrow(/Invalid maxDuration/);
    expect(() => autoRenew({ maxDuration: -1 })).toThrow(InvalidArgumentError);
    expect(() => autoRenew({ maxDuration: Number.NaN })).toThrow(/Invalid maxDuration/);
    expect(() => autoRenew({ renewBefore: -1 })).toThrow(/Invalid renewBefore/);
    expect(() => autoRenew({ renewBefore: Infinity })).toThrow(/Invalid renewBefore/);
    expect(() => autoRenew({ retry: { maxRetries: 1.5 } })).toThrow(/Invalid retry.maxRetries/);
    expect(() => autoRenew({ retry: { maxRetries: -1 } })).toThrow(/Invalid retry.maxRetries/);
    expect(() => autoRenew({ retry: { delay: -1 } })).toThrow(/Invalid retry.delay/);
    expect(() => autoRenew({ retry: { maxDelay: Number.NaN } })).toThrow(/Invalid retry.maxDelay/);
    expect(() => autoRenew(null as unknown as undefined)).toThrow(/Invalid options/);
    expect(() => autoRenew({ deadlines: {} as DeadlineQueue })).toThrow(/Invalid deadlines/);
    expect(() => autoRenew({ maxDuration: Infinity, renewBefore: 0, retry: { maxRetries: 0, delay: 0 } })).not.toThrow();
    expect(() => autoRenew()).not.toThrow();
  });
});
