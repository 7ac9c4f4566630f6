import { defer, NEVER } from 'rxjs';
import type { Observable } from 'rxjs';
import { InvalidArgumentError, ServiceBusyError, ServiceTimeoutError, SessionLockLostError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { retryWithin } from '../../src/retry/retryWithin';
import { strictTestScheduler } from './strictTestScheduler';

/** Each subscription takes the next scripted attempt. */
const scripted = <T>(...attempts: Array<Observable<T>>): Observable<T> => defer(() => attempts.shift() ?? NEVER);

describe('retryWithin', () => {
  it('retries a transient error after the backoff wait, then passes values and completion through', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a1 = cold<string>('10ms #', undefined, new ServiceBusyError('busy'));
      const a2 = cold('10ms a 4ms (b|)');
      const out$ = scripted(a1, a2).pipe(retryWithin({ delay: 100, jitter: 0, scheduler: ts, deadlines: new DeadlineQueue(ts) }));
      expectObservable(out$).toBe('120ms a 4ms (b|)');
      expectSubscriptions(a1.subscriptions).toBe('^ 9ms !');
      expectSubscriptions(a2.subscriptions).toBe('110ms ^ 14ms !');
    });
  });

  it('never retries a final error (typed or plain)', () => {
    const ts = strictTestScheduler();
    const lost = new SessionLockLostError('s1', 'detached');
    const plain = new Error('bug');
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold<string>('5ms #', undefined, lost);
      expectObservable(scripted(a, cold('a')).pipe(retryWithin({ scheduler: ts }))).toBe('5ms #', undefined, lost);
      expectSubscriptions(a.subscriptions).toBe('^ 4ms !');
      const b = cold<string>('3ms #', undefined, plain);
      expectObservable(scripted(b, cold('a')).pipe(retryWithin({ scheduler: ts }))).toBe('3ms #', undefined, plain);
    });
  });

  it('gives up after maxRetries with the last error (exponential, then fixed backoff)', () => {
    const ts = strictTestScheduler();
    const errors = [new ServiceBusyError('1'), new ServiceBusyError('2'), new ServiceBusyError('3')];
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const exp = errors.map((e) => cold<string>('10ms #', undefined, e));
      expectObservable(scripted(...exp).pipe(retryWithin({ maxRetries: 2, delay: 100, jitter: 0, scheduler: ts }))).toBe('330ms #', undefined, errors[2]);
      ['^ 9ms !', '110ms ^ 9ms !', '320ms ^ 9ms !'].forEach((m, i) => expectSubscriptions(exp[i]?.subscriptions ?? []).toBe(m));

      const fixed = errors.map((e) => cold<string>('10ms #', undefined, e));
      expectObservable(scripted(...fixed).pipe(retryWithin({ maxRetries: 2, delay: 100, mode: 'fixed', jitter: 0, scheduler: ts }))).toBe(
        '230ms #',
        undefined,
        errors[2],
      );
    });
  });

  it('bounds the whole operation: ServiceTimeoutError naming the operation and timeout, attempt unsubscribed', () => {
    const ts = strictTestScheduler();
    const busy = new ServiceBusyError('busy');
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const hang = cold<string>('-');
      const noRetry$ = scripted(hang).pipe(retryWithin({ timeout: 250, operation: 'renewSessionLock', scheduler: ts }));
      expectObservable(noRetry$).toBe('250ms #', undefined, new ServiceTimeoutError("Operation 'renewSessionLock' did not complete within 250 ms."));
      expectSubscriptions(hang.subscriptions).toBe('^ 249ms !');

      // the retry in progress is cut at the deadline; the last transient error is the cause
      const a1 = cold<string>('10ms #', undefined, busy);
      const a2 = cold<string>('-');
      const cut$ = scripted(a1, a2).pipe(retryWithin({ timeout: 300, delay: 100, jitter: 0, scheduler: ts }));
      expectObservable(cut$).toBe('300ms #', undefined, new ServiceTimeoutError('The operation did not complete within 300 ms (2 attempts).', { cause: busy }));
      expectSubscriptions(a2.subscriptions).toBe('110ms ^ 189ms !');
    });
  });

  it('fails with the timeout error at once when the next retry would start after the deadline', () => {
    const ts = strictTestScheduler();
    const errors = [new ServiceBusyError('1'), new ServiceBusyError('2')];
    ts.run(({ cold, expectObservable }) => {
      const attempts = errors.map((e) => cold<string>('10ms #', undefined, e));
      // retry 1 at 110; retry 2 would start at 120 + 200 = 320 ≥ 300
      const out$ = scripted(...attempts).pipe(retryWithin({ timeout: 300, delay: 100, jitter: 0, operation: 'settle', scheduler: ts }));
      expectObservable(out$).toBe('120ms #', undefined, new ServiceTimeoutError("Operation 'settle' did not complete within 300 ms (2 attempts).", { cause: errors[1] }));
    });
  });

  it('jitter is injectable', () => {
    const ts = strictTestScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const low = [cold<string>('#', undefined, new ServiceBusyError('b')), cold('(a|)')];
      expectObservable(scripted(...low).pipe(retryWithin({ delay: 100, jitter: 0.5, random: () => 0, scheduler: ts }))).toBe('50ms (a|)');
      const high = [cold<string>('#', undefined, new ServiceBusyError('b')), cold('(a|)')];
      expectObservable(scripted(...high).pipe(retryWithin({ delay: 100, jitter: 0.5, random: () => 0.9, scheduler: ts }))).toBe('140ms (a|)');
      expectSubscriptions(high[1]?.subscriptions ?? []).toBe('140ms (^!)');
    });
  });

  it('unsubscribing during the wait cancels the retry and the timeout', () => {
    const ts = strictTestScheduler();
    const deadlines = new DeadlineQueue(ts);
    ts.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const a1 = cold<string>('10ms #', undefined, new ServiceBusyError('busy'));
      const a2 = cold('a');
      expectObservable(scripted(a1, a2).pipe(retryWithin({ timeout: 5_000, delay: 100, jitter: 0, scheduler: ts, deadlines })), '^ 49ms !').toBe('');
      flush();
      expectSubscriptions(a2.subscriptions).toBe([]);
      expect(deadlines.size).toBe(0);
    });
  });

  it('validates its options at the call', () => {
    for (const timeout of [0, -1, Number.NaN, Infinity, '5']) {
      expect(() => retryWithin({ timeout: timeout as number })).toThrow(
        new InvalidArgumentError('timeout', 'must be a finite number of milliseconds greater than 0', timeout),
      );
    }
    expect(() => retryWithin({ maxRetries: -1 })).toThrow(/Invalid maxRetries/);
    expect(() => retryWithin({ delay: -1 })).toThrow(/Invalid delay/);
    expect(() => retryWithin({ maxDelay: Number.NaN })).toThrow(/Invalid maxDelay/);
    expect(() => retryWithin({ mode: 'linear' as 'fixed' })).toThrow(/Invalid mode/);
    expect(() => retryWithin({ jitter: 2 })).toThrow(/Invalid jitter/);
    expect(() => retryWithin({ operation: 5 as unknown as string })).toThrow(/Invalid operation/);
    expect(() => retryWithin({ timeout: 1, maxRetries: Infinity, delay: 0, maxDelay: Infinity })).not.toThrow();
  });
});
