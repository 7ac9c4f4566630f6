import type { ServiceBusSessionReceiver } from '@azure/service-bus';
import { errorOf, SdkHarness } from './sdkHarness';

describe('emulator: session receivers (accept, exclusivity, next available, FIFO, drain)', () => {
  let harness: SdkHarness;
  let queueIndex = 0;
  const names = Array.from({ length: 10 }, (_, i) => `sq${i}`);
  /** A fresh session queue per test keeps tests independent. */
  const nextQueue = (): string => names[queueIndex++] as string;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: names.map((name) => ({ name, requiresSession: true, lockDurationMs: 30_000 })) });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  it('locks a specific session exclusively: a second accept fails with SessionCannotBeLocked', async () => {
    const queue = nextQueue();
    const client = harness.client();
    const first = await client.acceptSession(queue, 'exclusive');
    const error = await errorOf(harness.client().acceptSession(queue, 'exclusive'));
    expect(error.code).toBe('SessionCannotBeLocked');
    expect(harness.emulator.stats().queues.find((q) => q.name === queue)?.lockedSessions).toBe(1);
    await first.close();
  });

  it('accepts a specific session that has no messages yet and delivers messages sent afterwards', async () => {
    const queue = nextQueue();
    const client = harness.client();
    const receiver = await client.acceptSession(queue, 'later');
    const received = receiver.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
    await client.createSender(queue).sendMessages({ body: 'arrived', sessionId: 'later' });
    const [message] = await received;
    expect(message?.body).toBe('arrived');
    await receiver.completeMessage(message!);
  });

  it('acceptNextSession takes an unlocked session with messages at once', async () => {
    const queue = nextQueue();
    const client = harness.client();
    await client.createSender(queue).sendMessages([
      { body: 'a', sessionId: 'busy' },
      { body: 'b', sessionId: 'free' },
    ]);
    const busy = await client.acceptSession(queue, 'busy');
    const next = await client.acceptNextSession(queue);
    expect(next.sessionId).toBe('free');
    expect(next.sessionLockedUntilUtc.getTime()).toBeGreaterThan(Date.now());
    await Promise.all([busy.close(), next.close()]);
  });

  it('acceptNextSession waits and is woken by a message for an unlocked session', async () => {
    const queue = nextQueue();
    const client = harness.client({ retryOptions: { timeoutInMs: 20_000 } });
    const accepting = client.acceptNextSession(queue);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await harness.client().createSender(queue).sendMessages({ body: 'wake', sessionId: 'woken' });
    const receiver = await accepting;
    expect(receiver.sessionId).toBe('woken');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('wake');
    await receiver.completeMessage(message!);
  });

  it('acceptNextSession fails with ServiceTimeout when no session becomes available', async () => {
    const queue = nextQueue();
    const error = await errorOf(harness.client({ retryOptions: { timeoutInMs: 2_000 } }).acceptNextSession(queue));
    expect(error.code).toBe('ServiceTimeout');
  });

  it('delivers a session in sequence order, exactly within credit', async () => {
    const queue = nextQueue();
    const client = harness.client();
    const bodies = Array.from({ length: 25 }, (_, i) => i);
    await client.createSender(queue).sendMessages(bodies.map((body) => ({ body, sessionId: 'fifo' })));
    await client.createSender(queue).sendMessages({ body: 'other', sessionId: 'unrelated' });
    const receiver = await client.acceptSession(queue, 'fifo');
    const got: unknown[] = [];
    while (got.length < bodies.length) {
      const batch = await receiver.receiveMessages(10, { maxWaitTimeInMs: 5_000 });
      expect(batch.length).toBeLessThanOrEqual(10);
      for (const message of batch) {
        got.push(message.body);
        await receiver.completeMessage(message);
      }
    }
    expect(got).toEqual(bodies);
  });

  it('answers drain: receiveMessages(n) with fewer available returns them and the link stays usable', async () => {
    const queue = nextQueue();
    const client = harness.client();
    const sender = client.createSender(queue);
    await sender.sendMessages([
      { body: 1, sessionId: 'drain' },
      { body: 2, sessionId: 'drain' },
    ]);
    const receiver: ServiceBusSessionReceiver = await client.acceptSession(queue, 'drain');
    const first = await receiver.receiveMessages(5, { maxWaitTimeInMs: 3_000 });
    expect(first.map((m) => m.body)).toEqual([1, 2]);
    for (const message of first) await receiver.completeMessage(message);
    await sender.sendMessages({ body: 3, sessionId: 'drain' });
    const second = await receiver.receiveMessages(5, { maxWaitTimeInMs: 3_000 });
    expect(second.map((m) => m.body)).toEqual([3]);
    await receiver.completeMessage(second[0]!);
    expect(receiver.isClosed).toBe(false);
  });

  it('receives a session in receiveAndDelete mode (pre-settled)', async () => {
    const queue = nextQueue();
    const client = harness.client();
    await client.createSender(queue).sendMessages([
      { body: 'x', sessionId: 'rad' },
      { body: 'y', sessionId: 'rad' },
    ]);
    const receiver = await client.acceptSession(queue, 'rad', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    expect(messages.map((m) => m.body)).toEqual(['x', 'y']);
    expect(harness.emulator.stats().queues.find((q) => q.name === queue)?.active).toBe(0);
  });

  it('streams with subscribe() and closes without losing messages', async () => {
    const queue = nextQueue();
    const client = harness.client();
    await client.createSender(queue).sendMessages([1, 2, 3].map((body) => ({ body, sessionId: 'stream' })));
    const receiver = await client.acceptSession(queue, 'stream');
    const bodies: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            bodies.push(message.body);
            await receiver.completeMessage(message);
            if (bodies.length === 3) {
              await subscription.close();
              resolve();
            }
          },
          processError: async ({ error }) => reject(error),
        },
        { autoCompleteMessages: false },
      );
    });
    expect(bodies).toEqual([1, 2, 3]);
    await receiver.close();
    expect(harness.emulator.stats().queues.find((q) => q.name === queue)).toMatchObject({ active: 0, lockedSessions: 0 });
  });
});
