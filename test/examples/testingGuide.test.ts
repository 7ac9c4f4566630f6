import { defer, filter, firstValueFrom, lastValueFrom, map, toArray, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { autoRenew, isAutoRenewErrorEvent, ServiceBusClient, type LockHandle, type LockState } from '../../src';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';

// The code of docs/testing.md, run as written (imports mapped to the repository).

/** Your logic: a dashboard status per lock state. */
function lockHealth(warnBelowMs: number): OperatorFunction<LockState, 'ok' | 'low' | 'lost'> {
  return map((s) => (s.kind === 'lost' ? 'lost' : s.remainingMs < warnBelowMs ? 'low' : 'ok'));
}

describe('docs/testing.md — virtual time', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A lock for tests: renewLock answers after 10 ms with "now + 30 s"; calls are recorded. */
  function testLock(renewals: number[]): LockHandle {
    return {
      sessionId: 's1',
      renewLock: () =>
        defer(() => {
          renewals.push(scheduler.now());
          return scheduler.createColdObservable('10ms (d|)', { d: new Date(scheduler.now() + 10 + 30_000) });
        }),
      reportAutoRenewError: () => undefined,
      closeLink: () => undefined,
    };
  }
  const state = (kind: 'held' | 'tick', lock: LockHandle, lockedUntil: number, now: number): LockState => ({
    kind, sessionId: lock.sessionId, lock, lockedUntil: new Date(lockedUntil), remainingMs: lockedUntil - now,
  });

  it('lockHealth: marbles of lock states in, statuses out', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const lock = testLock([]);
      const lock$ = cold('a 999ms b 999ms c', {
        a: state('held', lock, 3_000, 0),
        b: state('tick', lock, 3_000, 1_000),
        c: state('tick', lock, 3_000, 2_000),
      });
      expectObservable(lock$.pipe(lockHealth(1_500))).toBe('a 999ms b 999ms c', { a: 'ok', b: 'ok', c: 'low' });
    });
  });

  it('a 45 s job on a 30 s lock: renewals stay within a 60 s budget, then AutoLockRenewTimeout', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const renewals: number[] = [];
      const lock = testLock(renewals);
      const lock$ = cold<LockState>('a', { a: state('held', lock, 30_000, 0) }); // held at 0, expires at 30 s
      const errors$ = lock$.pipe(
        // spread: 0 for exact times (by default each session renews a little earlier, a fixed fraction per id)
        autoRenew({ maxDuration: 60_000, spread: 0, scheduler }),
        filter(isAutoRenewErrorEvent),
        map((e) => e.error.name),
      );
      expectObservable(errors$).toBe('60s a', { a: 'AutoLockRenewTimeout' });
      scheduler.flush();
      expect(renewals).toEqual([20_000, 39_990, 59_980]); // 10 s before expiry, less twice the 10 ms round trip
    });
  });
});

describe('docs/testing.md — the embedded broker', () => {
  let broker: EmulatorHandle;
  let client: ServiceBusClient;

  beforeAll(async () => {
    broker = await startEmulator({ port: 0, queues: [{ name: 'orders', requiresSession: true, lockDurationMs: 2_000 }] });
  });
  beforeEach(() => {
    client = new ServiceBusClient(broker.connectionString);
  });
  afterEach(() => client.close());
  afterAll(() => broker.close());

  it('a refused renewal ends auto-renewal with AutoLockRenewFailed and the lock is lost', async () => {
    await lastValueFrom(client.send('orders', { body: 'x', sessionId: 's1' }));
    const session = await firstValueFrom(client.acceptSession('orders', 's1'));
    broker.injectFault('com.microsoft:renew-session-lock', { statusCode: 410, condition: 'com.microsoft:session-lock-lost' });

    const events = await lastValueFrom(session.lock$.pipe(autoRenew({ maxDuration: 60_000 }), toArray()));

    const failure = events.find(isAutoRenewErrorEvent);
    expect(failure?.error.name).toBe('AutoLockRenewFailed');
    expect(events.at(-1)).toMatchObject({ kind: 'lost', reason: 'renew-failed' });
    expect(session.autoRenewError).toBe(failure?.error);
    // The message was not settled: it is still there for the next holder.
    await session.close(); // after a loss: resolves once the link is detached
    expect(broker.stats().queues[0]).toMatchObject({ active: 1, lockedSessions: 0 });
  });
});
