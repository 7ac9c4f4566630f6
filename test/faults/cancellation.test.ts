import { catchError, concatMap, EMPTY, firstValueFrom, from, mergeMap } from 'rxjs';
import { SessionLockLostError } from '../../src';
import { lost, proxiedClient, until } from './proxiedClient';

// Issue 11, cancellation for Promise work: each message (and its session) carries an AbortSignal that
// aborts when the lock is lost (a safety margin before the broker's expiry) and when the session closes.
const MARGIN = 400;
const t = proxiedClient(1_500, { lockSafetyMargin: MARGIN, peerSilenceTimeout: 1_000 });

/** An async handler that works until `signal` aborts, then rejects with its reason. */
function workUntilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

it('the signal of a message and of its session abort when the lock is lost, with the SessionLockLostError', async () => {
  await t.send('ab-1', 1);
  const s = await t.accept('ab-1');
  const m = await firstValueFrom(s.messages$);
  expect(m.signal.aborted).toBe(false);
  const work = workUntilAborted(m.signal);
  t.proxy.blackhole();
  const reason = await work.catch((e: unknown) => e);
  expect(reason).toBeInstanceOf(SessionLockLostError);
  expect((reason as SessionLockLostError).reason).toBe('expired');
  expect(s.signal.aborted).toBe(true);
  expect((await lost(s)).reason).toBe('expired');
});

it('the signal aborts when the session is closed', async () => {
  await t.send('ab-2', 1);
  const s = await t.accept('ab-2');
  const m = await firstValueFrom(s.messages$);
  const work = workUntilAborted(m.signal).catch((e: unknown) => e);
  await s.close();
  const reason = await work;
  expect((reason as SessionLockLostError).reason).toBe('closed');
});

it('the pool handler form: an async handler gets the signal and stops when the connection is cut', async () => {
  await t.send('ab-3', 1);
  const reasons: unknown[] = [];
  let started = 0;
  const sub = t.client
    .sessions('sq', { maxConcurrentSessions: 1, sessionIds: ['ab-3'] })
    .pipe(
      mergeMap((session) =>
        session.messages$.pipe(
          concatMap((message) => {
            started++;
            return from(workUntilAborted(message.signal).catch((e: unknown) => void reasons.push(e)));
          }),
          catchError(() => EMPTY),
        ),
      ),
    )
    .subscribe();
  await until(() => started === 1);
  t.proxy.cut();
  await until(() => reasons.length === 1);
  expect((reasons[0] as SessionLockLostError).reason).toBe('detached');
  sub.unsubscribe();
});
