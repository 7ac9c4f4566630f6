import { concatMap, filter, firstValueFrom, lastValueFrom, map, mergeMap, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle, type QueueStats, type SubscriptionOptions } from '../../src/emulator';
import {
  InvalidArgumentError,
  ServiceBusClient,
  SessionCannotBeLockedError,
  SessionLockLostError,
  sessionPool,
  type AcceptSessionOptions,
  type LockLost,
  type LockState,
  type ReceiveEntity,
  type ReceivedMessage,
  type Session,
} from '../../src';

/**
 * The same session scenarios, with the same calls, on a session queue and on a session-enabled
 * subscription of a topic (sent to through the topic), over AMQP against the embedded broker.
 */

const LOCK_MS = 10_000;
const SHORT_LOCK_MS = 1_000;

let broker: EmulatorHandle;
let client: ServiceBusClient;
let other: ServiceBusClient | undefined;
const held: Session[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    queues: [
      { name: 'sq', requiresSession: true, lockDurationMs: LOCK_MS, maxDeliveryCount: 5 },
      { name: 'sq-empty', requiresSession: true },
      { name: 'sq-short', requiresSession: true, lockDurationMs: SHORT_LOCK_MS },
    ],
    topics: [
      { name: 't', subscriptions: [{ name: 'ss', requiresSession: true, lockDurationMs: LOCK_MS, maxDeliveryCount: 5 }] },
      { name: 't-empty', subscriptions: [{ name: 'ss', requiresSession: true }] },
      { name: 't-short', subscriptions: [{ name: 'ss', requiresSession: true, lockDurationMs: SHORT_LOCK_MS }] },
    ],
  });
});
afterAll(() => broker.close());
beforeEach(() => {
  client = new ServiceBusClient(broker.connectionString);
});
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => s.close()));
  await Promise.all([client.close(), other?.close()]);
  other = undefined;
});

/** One entity to run the scenarios on: where to send, what to receive from, its broker statistics. */
interface Target {
  readonly sendTo: string;
  readonly entity: ReceiveEntity;
  readonly stats: () => QueueStats;
}
const queueTarget = (name: string): Target => ({
  sendTo: name,
  entity: name,
  stats: () => broker.stats().queues.find((q) => q.name === name) as QueueStats,
});
const subscriptionTarget = (topic: string): Target => ({
  sendTo: topic,
  entity: { topic, subscription: 'ss' },
  stats: () => broker.stats().topics.find((x) => x.name === topic)?.subscriptions.find((s) => s.name === `${topic}/Subscriptions/ss`) as QueueStats,
});

const secondClient = (): ServiceBusClient => (other ??= new ServiceBusClient(broker.connectionString));
const keep = (s: Session): Session => {
  held.push(s);
  return s;
};
const next = (s: Session, n = 1): Promise<ReceivedMessage[]> => firstValueFrom(s.messages$.pipe(take(n), toArray()));
const takeAndComplete = (s: Session, n: number): Promise<ReceivedMessage[]> =>
  lastValueFrom(s.messages$.pipe(take(n), concatMap((m) => m.complete().pipe(map(() => m))), toArray()));
const lost = (s: Session): Promise<LockLost> => firstValueFrom(s.lock$.pipe(filter((x): x is LockLost => x.kind === 'lost')));

describe.each([
  ['a session queue', queueTarget('sq'), queueTarget('sq-empty'), queueTarget('sq-short')],
  ['a session-enabled subscription', subscriptionTarget('t'), subscriptionTarget('t-empty'), subscriptionTarget('t-short')],
])('the same API on %s', (_kind, target, empty, short) => {
  const send = (sessionId: string, bodies: unknown[], c: ServiceBusClient = client) =>
    lastValueFrom(c.send(target.sendTo, bodies.map((body, i) => ({ body, sessionId, messageId: `${sessionId}-${i}` }))));
  const accept = async (sessionId: string, options?: AcceptSessionOptions, c: ServiceBusClient = client) =>
    keep(await firstValueFrom(c.acceptSession(target.entity, sessionId, options)));

  it('acceptSession: messages in order, completed, nothing left behind', async () => {
    await send('order', ['a', 'b', 'c']);
    const s = await accept('order');
    expect(s.sessionId).toBe('order');
    expect((await takeAndComplete(s, 3)).map((m) => [m.body, m.sessionId, m.deliveryCount])).toEqual([
      ['a', 'order', 0],
      ['b', 'order', 0],
      ['c', 'order', 0],
    ]);
    await s.close();
    expect(target.stats()).toMatchObject({ active: 0, locked: 0, lockedSessions: 0 });
  });

  it('acceptNextSession: takes a session that has messages; completes empty when none is available', async () => {
    await send('nxt', ['n']);
    const s = keep(await firstValueFrom(client.acceptNextSession(target.entity, { timeout: 5_000 })));
    expect(s.sessionId).toBe('nxt');
    expect((await takeAndComplete(s, 1))[0]?.body).toBe('n');
    await expect(lastValueFrom(client.acceptNextSession(empty.entity, { timeout: 300 }), { defaultValue: 'none' })).resolves.toBe('none');
  });

  it('a held session is exclusive; once released, another client accepts it and gets the unsettled message again', async () => {
    await send('excl', ['x']);
    const s = await accept('excl');
    await next(s);
    await expect(firstValueFrom(secondClient().acceptSession(target.entity, 'excl'))).rejects.toBeInstanceOf(SessionCannotBeLockedError);
    await s.close();
    const s2 = await accept('excl', undefined, secondClient());
    const [again] = await takeAndComplete(s2, 1);
    expect([again?.messageId, again?.deliveryCount]).toEqual(['excl-0', 1]);
  });

  it('session state: set, read back, state$ follows, kept for the next holder', async () => {
    const s = await accept('state');
    const seen: unknown[] = [];
    s.state$.subscribe((x) => seen.push(x));
    await lastValueFrom(s.setState('step-1'));
    await lastValueFrom(s.setState(new Uint8Array([1, 2, 3])));
    expect(await firstValueFrom(s.getState())).toEqual(new Uint8Array([1, 2, 3]));
    await lastValueFrom(s.setState('checkpoint'));
    await s.close();
    expect(seen).toEqual([undefined, 'step-1', new Uint8Array([1, 2, 3]), 'checkpoint']);
    const s2 = await accept('state', undefined, secondClient());
    expect(await firstValueFrom(s2.getState())).toBe('checkpoint');
    await lastValueFrom(s2.setState(null));
    expect(await firstValueFrom(s2.getState())).toBeUndefined();
  });

  it('renewLock moves lockedUntil forward and pushes renewed to lock$', async () => {
    const s = await accept('renew');
    const before = s.lockedUntil.getTime();
    const renewed = firstValueFrom(s.lock$.pipe(filter((x) => x.kind === 'renewed')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = await firstValueFrom(s.renewLock());
    expect(until.getTime()).toBeGreaterThan(before);
    expect(s.lockedUntil).toEqual(until);
    await expect(renewed).resolves.toMatchObject({ kind: 'renewed' });
  });

  it('abandon: redelivered in the same session with delivery count + 1 and the modified properties', async () => {
    await send('abandon', ['abandoned']);
    const s = await accept('abandon');
    const [first] = await next(s);
    await lastValueFrom(first!.abandon({ note: 'retry' }));
    const [again] = await next(s);
    expect([again?.body, again?.deliveryCount, again?.applicationProperties['note']]).toEqual(['abandoned', 1, 'retry']);
    await lastValueFrom(again!.complete());
  });

  it('defer + receiveDeferred, deadLetter to the DLQ, peek locks nothing', async () => {
    await send('settle', ['deferred', 'dead', 'peeked']);
    const s = await accept('settle');
    const peeked = await firstValueFrom(s.peek(10));
    expect(peeked.map((m) => m.body)).toEqual(['deferred', 'dead', 'peeked']);

    const [toDefer] = await next(s);
    const seq = toDefer!.sequenceNumber;
    await lastValueFrom(toDefer!.defer());
    expect(target.stats().deferred).toBe(1);

    const deadBefore = target.stats().deadLettered;
    const [toDeadLetter] = await next(s);
    await lastValueFrom(toDeadLetter!.deadLetter({ reason: 'bad', description: 'refused' }));
    expect(target.stats().deadLettered).toBe(deadBefore + 1);

    const [last] = await takeAndComplete(s, 1);
    expect(last?.body).toBe('peeked');
    const [deferred] = await firstValueFrom(s.receiveDeferred([seq]));
    expect([deferred?.body, deferred?.state]).toEqual(['deferred', 'deferred']);
    await lastValueFrom(deferred!.complete());
    expect(target.stats()).toMatchObject({ active: 0, deferred: 0 });
  });

  it('settling after close fails with SessionLockLostError; the message goes to the next holder', async () => {
    await send('late', ['x']);
    const s = await accept('late');
    const [m] = await next(s);
    await s.close();
    await expect(lastValueFrom(m!.complete())).rejects.toBeInstanceOf(SessionLockLostError);
    const [redelivered] = await takeAndComplete(await accept('late'), 1);
    expect(redelivered?.deliveryCount).toBe(1);
  });

  it('receiveAndDelete: messages are gone once delivered', async () => {
    await send('rad', ['1', '2']);
    const s = await accept('rad', { receiveMode: 'receiveAndDelete' });
    expect((await next(s, 2)).map((m) => [m.body, m.lockToken])).toEqual([
      ['1', undefined],
      ['2', undefined],
    ]);
    await s.close();
    const s2 = await accept('rad');
    expect(await firstValueFrom(s2.peek(10, { fromSequenceNumber: 0n }))).toEqual([]);
  });

  it('client.sessions: every session processed with at most maxConcurrentSessions held; sessionPool with sessionIds completes', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await lastValueFrom(client.send(target.sendTo, ids.flatMap((id) => [0, 1].map((n) => ({ body: `${id}-${n}`, sessionId: id })))));
    let maxHeld = 0;
    const done = await lastValueFrom(
      client.sessions(target.entity, { maxConcurrentSessions: 2, accept: { timeout: 1_000 } }).pipe(
        mergeMap((session) => {
          maxHeld = Math.max(maxHeld, target.stats().lockedSessions);
          return session.messages$.pipe(
            take(2),
            concatMap((m) => m.complete().pipe(map(() => m.body as string))),
            toArray(),
            concatMap(async (bodies) => {
              await session.close();
              return bodies;
            }),
          );
        }),
        take(ids.length),
        toArray(),
      ),
    );
    expect(done.flat().sort()).toEqual(ids.flatMap((id) => [`${id}-0`, `${id}-1`]));
    expect(maxHeld).toBeLessThanOrEqual(2);
    expect(target.stats()).toMatchObject({ active: 0, lockedSessions: 0 });

    await send('listed', ['l']);
    const listed = await lastValueFrom(
      sessionPool(client, target.entity, { maxConcurrentSessions: 1, sessionIds: ['listed'] }).pipe(
        mergeMap((session) => takeAndComplete(session, 1).then(async (ms) => (await session.close(), ms[0]?.body))),
        toArray(),
      ),
    );
    expect(listed).toEqual(['l']);
  });

  describe('with a 1 s lock', () => {
    const acceptShort = async (sessionId: string, options?: AcceptSessionOptions) => keep(await firstValueFrom(client.acceptSession(short.entity, sessionId, options)));

    it('without renewal the lock is lost as expired and messages$ errors', async () => {
      await lastValueFrom(client.send(short.sendTo, { body: 'e', sessionId: 'exp' }));
      const s = await acceptShort('exp');
      const messageError = lastValueFrom(s.messages$).catch((e: unknown) => e);
      expect((await lost(s)).reason).toBe('expired');
      expect(await messageError).toBeInstanceOf(SessionLockLostError);
    });

    it('autoRenew keeps it for three lock durations; the message is then completed on the link', async () => {
      await lastValueFrom(client.send(short.sendTo, { body: 'keep', sessionId: 'alive' }));
      const start = Date.now();
      const s = await acceptShort('alive', { autoRenew: { maxDuration: 60_000 } });
      const seen: LockState[] = [];
      s.lock$.subscribe((x) => seen.push(x));
      await firstValueFrom(s.lock$.pipe(filter((x) => x.kind === 'renewed' && Date.now() - start >= 3 * SHORT_LOCK_MS)));
      expect(seen.some((x) => x.kind === 'lost')).toBe(false);
      expect((await takeAndComplete(s, 1))[0]?.body).toBe('keep');
      expect(short.stats()).toMatchObject({ locked: 0, lockedSessions: 1 });
    });
  });
});

describe('subscriptions only', () => {
  it('a message sent to a topic is a copy per subscription: the same session is held in each at once', async () => {
    await startTopic('fan', [{ name: 'a', requiresSession: true }, { name: 'b', requiresSession: true }], async (fan) => {
      const c = new ServiceBusClient(fan.connectionString);
      try {
        await lastValueFrom(c.send('fan', [{ body: 1, sessionId: 'o-1' }, { body: 2, sessionId: 'o-1' }]));
        const [a, b] = await Promise.all(['a', 'b'].map((subscription) => firstValueFrom(c.acceptSession({ topic: 'fan', subscription }, 'o-1'))));
        const [fromA, fromB] = await Promise.all([takeAndComplete(a!, 2), takeAndComplete(b!, 2)]);
        expect(fromA.map((m) => m.body)).toEqual([1, 2]);
        expect(fromB.map((m) => m.body)).toEqual([1, 2]);
        expect(fan.stats().topics[0]?.subscriptions.map((s) => s.lockedSessions)).toEqual([1, 1]);
      } finally {
        await c.close();
      }
    });
  });

  it('a correlation-filtered subscription only holds the sessions whose messages match', async () => {
    await startTopic(
      'routed',
      [
        { name: 'red', requiresSession: true, rules: [{ name: 'red', filter: { type: 'correlation', properties: { color: 'red' } } }] },
        { name: 'big', requiresSession: true, rules: [{ name: 'big', filter: { type: 'sql', sqlExpression: 'size > 10' } }] },
      ],
      async (routed) => {
        const c = new ServiceBusClient(routed.connectionString);
        try {
          await lastValueFrom(
            c.send('routed', [
              { body: 'r', sessionId: 'red-small', applicationProperties: { color: 'red', size: 1 } },
              { body: 'b', sessionId: 'blue-big', applicationProperties: { color: 'blue', size: 20 } },
            ]),
          );
          const red = await firstValueFrom(c.acceptNextSession({ topic: 'routed', subscription: 'red' }, { timeout: 5_000 }));
          const big = await firstValueFrom(c.acceptNextSession({ topic: 'routed', subscription: 'big' }, { timeout: 5_000 }));
          expect([red.sessionId, big.sessionId]).toEqual(['red-small', 'blue-big']);
          await Promise.all([red.close(), big.close()]);
          await expect(lastValueFrom(c.acceptSession({ topic: 'routed', subscription: 'red' }, 'blue-big').pipe(mergeMap((s) => s.peek(5).pipe(concatMap(async (p) => (await s.close(), p)))))))
            .resolves.toEqual([]);
        } finally {
          await c.close();
        }
      },
    );
  });

  it('a missing subscription or topic is EntityNotFoundError; receiving from the topic itself is refused', async () => {
    await expect(firstValueFrom(client.acceptSession({ topic: 't', subscription: 'nope' }, 's'))).rejects.toMatchObject({ name: 'EntityNotFoundError' });
    await expect(firstValueFrom(client.acceptNextSession({ topic: 'nope', subscription: 'ss' }))).rejects.toMatchObject({ name: 'EntityNotFoundError' });
    await expect(firstValueFrom(client.acceptSession('t', 's', { timeout: 5_000 }))).rejects.toMatchObject({ condition: 'amqp:not-allowed' });
  });

  it("with the connection string's EntityPath naming the topic, its subscriptions are received from and other topics refused", async () => {
    const bound = new ServiceBusClient(`${broker.connectionString}EntityPath=t;`);
    try {
      await lastValueFrom(bound.send('t', { body: 'via-entity-path', sessionId: 'bound' }));
      const s = keep(await firstValueFrom(bound.acceptSession({ topic: 't', subscription: 'ss' }, 'bound')));
      expect((await takeAndComplete(s, 1))[0]?.body).toBe('via-entity-path');
      expect(() => bound.acceptSession({ topic: 't-empty', subscription: 'ss' }, 'bound')).toThrow(InvalidArgumentError);
    } finally {
      await bound.close();
    }
  });
});

/** Runs `body` with a broker of its own holding topic `name` with `subscriptions`. */
async function startTopic(
  name: string,
  subscriptions: readonly SubscriptionOptions[],
  body: (handle: EmulatorHandle) => Promise<void>,
): Promise<void> {
  const handle = await startEmulator({ port: 0, topics: [{ name, subscriptions }] });
  try {
    await body(handle);
  } finally {
    await handle.close();
  }
}
