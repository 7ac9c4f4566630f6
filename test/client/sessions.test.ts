import { firstValueFrom, lastValueFrom, mergeMap, map, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { InvalidArgumentError, ServiceBusClient } from '../../src';

let broker: EmulatorHandle;
let client: ServiceBusClient;

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  client = new ServiceBusClient(broker.connectionString);
});
afterEach(async () => {
  await client.close();
});

describe('client.sessions (session pool)', () => {
  it('processes every session through at most maxConcurrentSessions held sessions, and releases them on unsubscribe', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4'];
    await lastValueFrom(client.send('sq', ids.flatMap((id) => [0, 1].map((n) => ({ body: `${id}-${n}`, sessionId: id })))));
    let maxHeld = 0;
    const done = await lastValueFrom(
      client.sessions('sq', { maxConcurrentSessions: 2, sessionIdleTimeout: 200, accept: { timeout: 1_000 } }).pipe(
        mergeMap((session) => {
          maxHeld = Math.max(maxHeld, broker.stats().queues[0]?.lockedSessions ?? 0);
          return session.messages$.pipe(mergeMap((m) => m.complete().pipe(map(() => m.body as string))));
        }),
        take(8),
        toArray(),
      ),
    );
    expect(done.sort()).toEqual(ids.flatMap((id) => [`${id}-0`, `${id}-1`]).sort());
    expect(maxHeld).toBeLessThanOrEqual(2);
    // The pool closed what it held: the sessions can be locked again.
    const again = await firstValueFrom(client.acceptSession('sq', 'p1'));
    await again.close();
  });

  it('validates options at the call', () => {
    expect(() => client.sessions('sq', { maxConcurrentSessions: 0 })).toThrow(InvalidArgumentError);
  });
});
