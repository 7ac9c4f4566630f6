import { config, lastValueFrom, mergeMap } from 'rxjs';
import { sessionPool } from '../../src';
import { proxiedClient, until } from './proxiedClient';

// Issue 11, closing under pools: client.close() completes every pool and stream it owns, and nothing
// the library ends itself surfaces as an unhandled error — with the bare `.subscribe()` the docs show.
const t = proxiedClient(5_000);
const unhandled: unknown[] = [];
const original = config.onUnhandledError;
beforeAll(() => {
  config.onUnhandledError = (e) => void unhandled.push(e);
});
afterAll(() => {
  config.onUnhandledError = original;
});

it('client.close() with pools and message streams subscribed bare: every one completes, no unhandled error', async () => {
  await lastValueFrom(t.direct.send('sq', [0, 1, 2, 3].map((i) => ({ body: i, sessionId: `pc-${i}` }))), { defaultValue: undefined });
  let held = 0;
  const streams: Array<{ closed: boolean }> = [];
  const viaClient = t.client
    .sessions('sq', { maxConcurrentSessions: 2, backoff: { initial: 50, max: 100 } })
    .pipe(
      mergeMap((s) => {
        held++;
        streams.push(s.lock$.subscribe(), s.state$.subscribe());
        return s.messages$;
      }),
    )
    .subscribe();
  const viaFunction = sessionPool(t.client, 'sq', { maxConcurrentSessions: 2, backoff: { initial: 50, max: 100 } })
    .pipe(
      mergeMap((s) => {
        held++;
        return s.messages$;
      }),
    )
    .subscribe();
  await until(() => held === 4);
  await t.client.close();
  await until(() => viaClient.closed && viaFunction.closed && streams.every((s) => s.closed));
  // Let anything reported late (rxjs reports unhandled errors on a timer) arrive.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(unhandled).toEqual([]);
});

it('an accept in flight when the client closes ends the pool quietly too', async () => {
  const pool = t.client.sessions('sq', { maxConcurrentSessions: 3, sessionIds: ['none-1', 'none-2', 'none-3'], backoff: { initial: 50, max: 100 } }).subscribe();
  await until(() => t.proxy.flows === 1);
  await t.client.close();
  await until(() => pool.closed);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(unhandled).toEqual([]);
});
