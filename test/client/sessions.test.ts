import { firstValueFrom, lastValueFrom, mergeMap, map, take, toArray } from 'rxjs';
import { InvalidArgumentError } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 10_000 });

describe('client.sessions (session pool)', () => {
  it('processes every session through at most maxConcurrentSessions held sessions, and releases them on unsubscribe', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4'];
    await lastValueFrom(t.client.send('sq', ids.flatMap((id) => [0, 1].map((n) => ({ body: `${id}-${n}`, sessionId: id })))));
    let maxHeld = 0;
    const done = await lastValueFrom(
      t.client.sessions('sq', { maxConcurrentSessions: 2, sessionIdleTimeout: 200, accept: { timeout: 1_000 } }).pipe(
        mergeMap((session) => {
          maxHeld = Math.max(maxHeld, t.broker.stats().queues[0]?.lockedSessions ?? 0);
          return session.messages$.pipe(mergeMap((m) => m.complete().pipe(map(() => m.body as string))));
        }),
        take(8),
        toArray(),
      ),
    );
    expect(done.sort()).toEqual(ids.flatMap((id) => [`${id}-0`, `${id}-1`]).sort());
    expect(maxHeld).toBeLessThanOrEqual(2);
    // The pool closed what it held: the sessions can be locked again.
    const again = await firstValueFrom(t.client.acceptSession('sq', 'p1'));
    await again.close();
  });

  it('validates options at the call', () => {
    expect(() => t.client.sessions('sq', { maxConcurrentSessions: 0 })).toThrow(InvalidArgumentError);
  });
});
