import { catchError, concatMap, defer, EMPTY, firstValueFrom, from, lastValueFrom, mergeMap, Subject, take, takeUntil, toArray, type Subscription } from 'rxjs';
import { EntityNotFoundError, ServiceBusClient, sessionPool, type LockState, type OutgoingMessage, type Session } from '../../src';
import { startEmulator, type EmulatorHandle, type QueueStats } from '../../src/emulator';

// The pool against the embedded broker over real AMQP. Timing-only behaviour is in poolScheduling.test.ts.

let broker: EmulatorHandle;
const clients: ServiceBusClient[] = [];
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    queues: ['many', 'idle', 'ids', 'unsub', 'lost'].map((name) => ({
      name,
      requiresSession: true,
      lockDurationMs: name === 'lost' ? 1_000 : 30_000,
    })),
  });
});
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await broker.close();
});

const newClient = (): ServiceBusClient => {
  const client = new ServiceBusClient(broker.connectionString);
  clients.push(client);
  return client;
};
const queueStats = (name: string): QueueStats => {
  const stats = broker.stats().queues.find((q) => q.name === name);
  if (stats === undefined) throw new Error(`no queue ${name}`);
  return stats;
};
/** Resolves once `condition` holds, checking after each broker round of work (bounded by the test timeout). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
const send = (client: ServiceBusClient, queue: string, sessions: number, perSession: number, prefix = 's'): Promise<void> => {
  const batch: OutgoingMessage[] = [];
  for (let s = 0; s < sessions; s++) for (let m = 1; m <= perSession; m++) batch.push({ body: { m, of: perSession }, sessionId: `${prefix}${s}` });
  return lastValueFrom(client.send(queue, batch));
};
/** Resolves with the final lock state of `session` (its `lost`). */
const lastLockState = (session: Session): Promise<LockState> => lastValueFrom(session.lock$);

it('processes 50 sessions × 3 messages holding at most 8 at once, and leaves no lock behind', async () => {
  const client = newClient();
  await send(client, 'many', 50, 3);

  let held = 0;
  let maxHeld = 0;
  let maxLockedOnBroker = 0;
  const completed = new Set<string>();
  const done = new Subject<void>();
  const pool$ = sessionPool(client, 'many', { maxConcurrentSessions: 8 });
  subscriptions.push(
    pool$
      .pipe(
        mergeMap((session) => {
          held++;
          maxHeld = Math.max(maxHeld, held);
          maxLockedOnBroker = Math.max(maxLockedOnBroker, queueStats('many').lockedSessions);
          void lastLockState(session).then(() => held--);
          return session.messages$.pipe(
            concatMap((m) =>
              m.complete().pipe(
                concatMap(() => {
                  completed.add(`${session.sessionId}/${(m.body as { m: number }).m}`);
                  if (completed.size === 150) done.next();
                  // The last message of a customer ends its session: the pool then accepts the next one.
                  return (m.body as { m: number; of: number }).m === 3 ? defer(() => from(session.close())) : EMPTY;
                }),
              ),
            ),
          );
        }),
        takeUntil(done),
      )
      .subscribe(),
  );
  await firstValueFrom(done);
  expect(completed.size).toBe(150);
  expect(maxHeld).toBeLessThanOrEqual(8);
  expect(maxHeld).toBe(8);
  expect(maxLockedOnBroker).toBeLessThanOrEqual(8);
  // takeUntil unsubscribed the pool: every held session and pending accept is closed.
  await until(() => queueStats('many').lockedSessions === 0);
  expect(queueStats('many')).toMatchObject({ active: 0, locked: 0, lockedSessions: 0 });
});

it('closes a session after sessionIdleTimeout without messages and moves on to the next', async () => {
  const client = newClient();
  await send(client, 'idle', 3, 1);
  const ends: Promise<LockState>[] = [];
  const seen: string[] = [];
  const sessions = await firstValueFrom(
    sessionPool(client, 'idle', { maxConcurrentSessions: 1, sessionIdleTimeout: 300 }).pipe(
      mergeMap((session) => {
        seen.push(session.sessionId);
        ends.push(lastLockState(session));
        // Complete the one message and never close: the idle timeout must do it.
        return session.messages$.pipe(concatMap((m) => m.complete()));
      }, 1),
      take(3), // one value per completed message
      toArray(),
    ),
  );
  expect(sessions).toHaveLength(3);
  expect(new Set(seen)).toEqual(new Set(['s0', 's1', 's2']));
  const first = await ends[0];
  expect(first).toMatchObject({ kind: 'lost', reason: 'closed' });
  expect(queueStats('idle').active).toBe(0);
});

it('accepts exactly the sessionIds, and completes once each was closed', async () => {
  const client = newClient();
  await send(client, 'ids', 4, 2, 'id-');
  const got: string[] = [];
  await lastValueFrom(
    sessionPool(client, 'ids', { maxConcurrentSessions: 2, sessionIds: ['id-1', 'id-3'] }).pipe(
      mergeMap((session) => {
        got.push(session.sessionId);
        return session.messages$.pipe(
          concatMap((m) => m.complete().pipe(concatMap(() => ((m.body as { m: number }).m === 2 ? defer(() => from(session.close())) : EMPTY)))),
        );
      }),
    ),
  );
  expect(got.sort()).toEqual(['id-1', 'id-3']);
  expect(queueStats('ids')).toMatchObject({ active: 4, lockedSessions: 0 }); // id-0 and id-2 untouched
});

it('unsubscribing closes every held session and cancels pending accepts', async () => {
  const client = newClient();
  await send(client, 'unsub', 3, 1, 'u');
  const held: Session[] = [];
  const three = new Subject<void>();
  const sub = sessionPool(client, 'unsub', { maxConcurrentSessions: 5 }).subscribe((s) => {
    held.push(s);
    if (held.length === 3) three.next();
  });
  subscriptions.push(sub);
  await firstValueFrom(three);
  expect(queueStats('unsub').lockedSessions).toBe(3);
  const ends = held.map(lastLockState);
  sub.unsubscribe(); // 3 held + 2 slots waiting for a next session
  expect((await Promise.all(ends)).map((s) => s.kind === 'lost' && s.reason)).toEqual(['closed', 'closed', 'closed']);
  await until(() => queueStats('unsub').lockedSessions === 0);
  // The two cancelled accepts must not grab a new session: another client gets it.
  await send(client, 'unsub', 1, 1, 'late');
  const other = newClient();
  const late = await firstValueFrom(other.acceptSession('unsub', 'late0'));
  expect(late.sessionId).toBe('late0');
  await late.close();
});

it('accepts a session again after its lock was lost, and its messages are redelivered', async () => {
  const client = newClient();
  await send(client, 'lost', 1, 1, 'l');
  const deliveries: number[] = [];
  const reasons: string[] = [];
  await firstValueFrom(
    sessionPool(client, 'lost', { maxConcurrentSessions: 1, backoff: { initial: 50, max: 200 } }).pipe(
      mergeMap((session) => {
        void lastLockState(session).then((s) => s.kind === 'lost' && reasons.push(s.reason));
        return session.messages$.pipe(
          concatMap((m) => {
            deliveries.push(m.deliveryCount);
            // First delivery: never settle and never renew, so the 1 s lock expires. Second: complete.
            return deliveries.length === 1 ? EMPTY : m.complete().pipe(concatMap(() => from([m.deliveryCount])));
          }),
          // messages$ errors with SessionLockLostError when the lock is lost: end this session's stream only.
          catchError(() => EMPTY),
        );
      }),
    ),
  );
  expect(reasons[0]).toBe('expired');
  expect(deliveries).toHaveLength(2);
  expect(deliveries[1]).toBeGreaterThan(deliveries[0] ?? 0);
});

it('errors with a final error (queue not found)', async () => {
  const error = await firstValueFrom(sessionPool(newClient(), 'no-such-queue', { maxConcurrentSessions: 2 })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EntityNotFoundError);
});
