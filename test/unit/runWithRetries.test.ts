import { ServiceBusyError, ServiceTimeoutError, SessionLockLostError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { resolveRetryWithin, runWithRetries } from '../../src/retry/retryWithin';
import { strictTestScheduler } from './strictTestScheduler';

/** runWithRetries: retryWithin's loop on callbacks (renewLock's core). */
describe('runWithRetries', () => {
  const setup = () => {
    const ts = strictTestScheduler();
    const policy = resolveRetryWithin({ delay: 100, jitter: 0, maxRetries: 2, scheduler: ts, deadlines: new DeadlineQueue(ts), operation: 'renew' });
    return { ts, policy };
  };

  it('retries a synchronous transient failure after the backoff wait and succeeds once', () => {
    const { ts, policy } = setup();
    const starts: number[] = [];
    const outcomes: string[] = [];
    ts.run(({ flush }) => {
      runWithRetries<string>(
        policy,
        (done) => {
          starts.push(ts.now());
          if (starts.length === 1) done(new ServiceBusyError('busy'), undefined);
          else ts.schedule(() => done(undefined, 'ok'), 5);
          return () => outcomes.push('cancelled');
        },
        (e) => outcomes.push(`failed ${String(e)}`),
        (v) => outcomes.push(`ok ${v} at ${ts.now()}`),
      );
      flush();
    });
    expect(starts).toEqual([0, 100]);
    expect(outcomes).toEqual(['ok ok at 105']);
  });

  it('forwards a final error at once, without retrying', () => {
    const { ts, policy } = setup();
    const lost = new SessionLockLostError('s1', 'detached');
    let attempts = 0;
    const failures: unknown[] = [];
    ts.run(({ flush }) => {
      runWithRetries(policy, (done) => (attempts++, done(lost, undefined), () => undefined), (e) => failures.push(e), () => failures.push('ok'));
      flush();
    });
    expect(attempts).toBe(1);
    expect(failures).toEqual([lost]);
  });

  it('times out with a ServiceTimeoutError naming the operation, cancelling the attempt in flight', () => {
    const { ts, policy } = setup();
    const events: string[] = [];
    let error: unknown;
    ts.run(({ flush }) => {
      runWithRetries(policy, () => () => events.push(`cancelled at ${ts.now()}`), (e) => (error = e), () => events.push('ok'), 50);
      flush();
    });
    expect(events).toEqual(['cancelled at 50']);
    expect(error).toBeInstanceOf(ServiceTimeoutError);
    expect((error as Error).message).toBe("Operation 'renew' did not complete within 50 ms.");
  });

  it('cancelling stops the attempt, the wait and the timeout; no callback runs afterwards', () => {
    const { ts, policy } = setup();
    const events: string[] = [];
    ts.run(({ flush }) => {
      let late: ((e: unknown, v: string | undefined) => void) | undefined;
      const cancel = runWithRetries<string>(policy, (done) => ((late = done), () => events.push('cancelled')), () => events.push('failed'), () => events.push('ok'), 1000);
      ts.schedule(() => {
        cancel();
        late?.(undefined, 'too late');
      }, 10);
      flush();
    });
    expect(events).toEqual(['cancelled']);
  });
});
