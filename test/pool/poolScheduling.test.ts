import { NEVER, Observable, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { InvalidArgumentError, ServiceBusyError, SessionCannotBeLockedError, UnauthorizedError } from '../../src/errors';
import { backoffDelay } from '../../src/retry/backoffDelay';
import { IdleMonitor } from '../../src/pool/IdleMonitor';
import { sessionPool, type PoolableSession, type SessionAcceptor } from '../../src/pool/sessionPool';

// Pure timing logic in virtual time. The pool against a real broker is in sessionPool.test.ts.

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** An acceptor whose accepts are the given observables; records nothing itself (marbles assert subscriptions). */
function acceptor(next: () => Observable<PoolableSession>, byId?: (id: string) => Observable<PoolableSession>): SessionAcceptor<PoolableSession, unknown> {
  return { acceptNextSession: next, acceptSession: (_queue, id) => (byId ?? (() => NEVER))(id) };
}

describe('backoffDelay as the pool uses it', () => {
  it('doubles from initial and saturates at max', () => {
    const b = { delay: 100, maxDelay: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, b))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay(5_000, b)).toBe(1_000);
  });
});

describe('IdleMonitor', () => {
  it('fires each key after its own quiet period, with activity pushing the deadline', () => {
    scheduler.run(({ expectObservable }) => {
      const fired$ = new Observable<string>((out) => {
        const monitor = new IdleMonitor<string>(100, scheduler);
        monitor.watch('a', () => out.next('a'));
        scheduler.schedule(() => monitor.watch('b', () => out.next('b')), 30);
        scheduler.schedule(() => monitor.touch('a'), 80); // a now idles at 180
        scheduler.schedule(() => monitor.watch('c', () => out.next('c')), 150);
        scheduler.schedule(() => monitor.unwatch('c'), 200);
        return () => monitor.dispose();
      });
      expectObservable(fired$).toBe('130ms b 49ms a');
    });
  });

  it('schedules at most one action however many keys are watched', () => {
    scheduler.run(() => {
      const monitor = new IdleMonitor<number>(1_000, scheduler);
      const scheduleSpy = jest.spyOn(scheduler, 'schedule');
      for (let i = 0; i < 100; i++) monitor.watch(i, () => undefined);
      for (let i = 0; i < 100; i++) monitor.touch(i);
      expect(scheduleSpy).toHaveBeenCalledTimes(1);
      monitor.dispose();
    });
  });
});

describe('sessionPool scheduling (virtual time)', () => {
  it('backs off exponentially, capped, while no session is available', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<PoolableSession>('10ms |');
      const pool$ = sessionPool(acceptor(() => empty), 'q', {
        maxConcurrentSessions: 1,
        backoff: { initial: 100, max: 300 },
        scheduler,
      });
      expectObservable(pool$, '^ 1500ms !').toBe('');
      // accept (10) → wait 100 → accept (10) → wait 200 → accept → wait 300 (cap) → …
      expectSubscriptions(empty.subscriptions).toBe([
        '^ 9ms !',
        '110ms ^ 9ms !',
        '320ms ^ 9ms !',
        '630ms ^ 9ms !',
        '940ms ^ 9ms !',
        '1250ms ^ 9ms !',
      ]);
    });
  });

  it('errors with a final error at once, and a transient one after maxRetries', () => {
    scheduler.run(({ expectObservable }) => {
      const unauthorized = new UnauthorizedError('refused');
      expectObservable(
        sessionPool(acceptor(() => throwError(() => unauthorized)), 'q', { maxConcurrentSessions: 3, scheduler }),
      ).toBe('#', undefined, unauthorized);

      const busy = new ServiceBusyError('busy');
      expectObservable(
        sessionPool(acceptor(() => throwError(() => busy)), 'q', {
          maxConcurrentSessions: 1,
          backoff: { initial: 10, max: 40, maxRetries: 3 },
          scheduler,
        }),
      ).toBe('70ms #', undefined, busy); // retries after 10, 20, 40
    });
  });

  it('treats a session locked elsewhere as unavailable, never as an error', () => {
    scheduler.run(({ expectObservable }) => {
      const locked = new SessionCannotBeLockedError('s1');
      const pool$ = sessionPool(acceptor(() => NEVER, () => throwError(() => locked)), 'q', {
        maxConcurrentSessions: 1,
        sessionIds: ['s1'],
        backoff: { initial: 10, max: 20, maxRetries: 0 },
        scheduler,
      });
      expectObservable(pool$, '^ 1000ms !').toBe('');
    });
  });

  it('unsubscribing cancels in-flight accepts', () => {
    scheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
      const pending = cold<PoolableSession>('-');
      const pool$ = sessionPool(acceptor(() => pending), 'q', { maxConcurrentSessions: 2, scheduler });
      expectObservable(pool$, '^ 50ms !').toBe('');
      expectSubscriptions(pending.subscriptions).toBe(['^ 50ms !', '^ 50ms !']);
    });
  });
});

describe('sessionPool option validation', () => {
  const client = acceptor(() => NEVER);
  const bad: [string, unknown][] = [
    ['options.maxConcurrentSessions', { maxConcurrentSessions: 0 }],
    ['options.maxConcurrentSessions', { maxConcurrentSessions: 1.5 }],
    ['options.maxConcurrentSessions', {}],
    ['options.sessionIdleTimeout', { maxConcurrentSessions: 1, sessionIdleTimeout: -5 }],
    ['options.sessionIdleTimeout', { maxConcurrentSessions: 1, sessionIdleTimeout: Number.NaN }],
    ['options.sessionIds', { maxConcurrentSessions: 1, sessionIds: [] }],
    ['options.sessionIds[1]', { maxConcurrentSessions: 1, sessionIds: ['a', ''] }],
    ['options.sessionIds[2]', { maxConcurrentSessions: 1, sessionIds: ['a', 'b', 'a'] }],
    ['options.backoff.initial', { maxConcurrentSessions: 1, backoff: { initial: 0 } }],
    ['options.backoff.max', { maxConcurrentSessions: 1, backoff: { initial: 500, max: 100 } }],
    ['options.backoff.maxRetries', { maxConcurrentSessions: 1, backoff: { maxRetries: -1 } }],
    ['options.scheduler', { maxConcurrentSessions: 1, scheduler: {} }],
    ['options', undefined],
  ];
  it.each(bad)('rejects bad %s eagerly', (argument, options) => {
    let thrown: unknown;
    try {
      sessionPool(client, 'q', options as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).argument).toBe(argument);
  });

  it('rejects a bad queue or client', () => {
    expect(() => sessionPool(client, '', { maxConcurrentSessions: 1 })).toThrow(InvalidArgumentError);
    expect(() => sessionPool({} as never, 'q', { maxConcurrentSessions: 1 })).toThrow(/client/);
  });
});
