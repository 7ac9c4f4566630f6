import { NEVER } from 'rxjs';
import { ServiceBusyError, SessionLockLostError } from '../../src/errors';
import { AutoLockRenewFailed } from '../../src/lock/AutoLockRenewError';
import { AutoRenewRun, resolveAutoRenew, type RenewNow } from '../../src/lock/AutoRenewRun';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import type { LockState } from '../../src/lock/LockState';
import { fakeLock, lostSt, st } from './lockFakes';
import { strictTestScheduler } from './strictTestScheduler';

// The session's own auto-renewal renews through a callback (RenewNow) instead of lock.renewLock():
// the same schedule, retries and teardown as the Observable path, in virtual time.
type Reply = { error?: unknown; until?: number; after: number };

function setup(replies: Reply[]) {
  const ts = strictTestScheduler();
  const deadlines = new DeadlineQueue(ts);
  const lock = fakeLock('s1', () => NEVER);
  const starts: number[] = [];
  const cancelled: number[] = [];
  const events: unknown[] = [];
  const renewNow: RenewNow = (done) => {
    starts.push(ts.now());
    const reply = replies.shift();
    if (reply === undefined) return () => cancelled.push(ts.now());
    const answer = deadlines.schedule(ts.now() + reply.after, () =>
      reply.error !== undefined ? done(reply.error, undefined) : done(undefined, new Date(reply.until as number)),
    );
    return () => {
      cancelled.push(ts.now());
      answer.cancel();
    };
  };
  const run = new AutoRenewRun(resolveAutoRenew({ maxDuration: Infinity, spread: 0, scheduler: ts, deadlines }), (e) => events.push(e), (e) => {
    throw e;
  }, renewNow);
  const feed = (state: LockState): void => run.onState(state, () => undefined);
  return { ts, lock, run, feed, starts, cancelled, events };
}

describe('AutoRenewRun with a RenewNow callback', () => {
  it('renews on the renewAt() schedule and plans the next renewal from the reply and its round trip', () => {
    const t = setup([
      { until: 60_010, after: 10 },
      { until: 110_000, after: 10 },
    ]);
    t.ts.run(() => {
      t.feed(st('held', t.lock, 30_000, 0));
      t.ts.flush();
    });
    // 30 000 − 10 000; then 60 010 − 10 000 − 2 × 10 (measured rtt); then none (no third reply)
    expect(t.starts.slice(0, 3)).toEqual([20_000, 49_990, 99_980]);
    expect(t.events).toEqual([]);
  });

  it('retries a transient failure with backoff while the lock has time, then carries on', () => {
    const t = setup([
      { error: new ServiceBusyError('busy'), after: 5 },
      { until: 60_000, after: 5 },
    ]);
    t.ts.run(() => {
      t.feed(st('held', t.lock, 30_000, 0));
      t.ts.flush();
    });
    // first retry after the default 500 ms backoff (jitter-free in AutoRenewRun)
    expect(t.starts.slice(0, 2)).toEqual([20_000, 20_505]);
    expect(t.events).toEqual([]);
  });

  it('a final failure ends it with one AutoLockRenewFailed and closes the link', () => {
    const refused = new SessionLockLostError('s1', 'expired');
    const t = setup([{ error: refused, after: 5 }]);
    t.ts.run(() => {
      t.feed(st('held', t.lock, 30_000, 0));
      t.ts.flush();
    });
    expect(t.events).toHaveLength(1);
    expect(t.lock.reported[0]).toBeInstanceOf(AutoLockRenewFailed);
    expect(t.lock.closed).toEqual([{ reason: 'renew-failed', cause: refused }]);
  });

  it('a lost lock while a renewal is in flight cancels it (its late reply is ignored)', () => {
    const t = setup([{ until: 60_000, after: 1_000 }]);
    t.ts.run(() => {
      t.feed(st('held', t.lock, 30_000, 0));
      t.ts.schedule(() => t.feed(lostSt(t.lock, 30_000, 20_100, 'detached')), 20_100);
      t.ts.flush();
    });
    expect(t.starts).toEqual([20_000]);
    expect(t.cancelled).toEqual([20_100]);
    expect(t.events).toHaveLength(1);
    expect(t.lock.closed).toEqual([]);
  });
});
