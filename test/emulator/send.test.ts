import { errorOf, SdkHarness } from './sdkHarness';
import { RawAmqp, sasToken } from './rawAmqp';

describe('emulator: sending and plain (non-session) queues', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'plain', lockDurationMs: 30_000 },
        { name: 'Sessions', requiresSession: true },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  it('round-trips single and batched sends through a plain queue (peekLock, complete)', async () => {
    const client = harness.client();
    const sender = client.createSender('plain');
    await sender.sendMessages({ body: 'a' });
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(262_144);
    for (const body of ['b', 'c']) expect(batch.tryAddMessage({ body })).toBe(true);
    await sender.sendMessages(batch);
    const receiver = client.createReceiver('plain');
    const messages = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
    expect(messages.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect(messages.map((m) => Number(m.sequenceNumber))).toEqual([1, 2, 3]);
    for (const message of messages) {
      expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now());
      await receiver.completeMessage(message);
    }
    expect(harness.emulator.stats().queues[0]).toMatchObject({ name: 'plain', active: 0, locked: 0 });
  });

  it('serves plain queues in receiveAndDelete mode (pre-settled, no lock token)', async () => {
    const client = harness.client();
    await client.createSender('plain').sendMessages([{ body: 1 }, { body: 2 }]);
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    expect(messages.map((m) => m.body)).toEqual([1, 2]);
    expect(messages[0]?.lockToken).toBeUndefined();
    expect(harness.emulator.stats().queues[0]?.active).toBe(0);
  });

  it('renews a plain-queue message lock through $management', async () => {
    const client = harness.client();
    await client.createSender('plain').sendMessages({ body: 'renew me' });
    const receiver = client.createReceiver('plain');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    const before = message!.lockedUntilUtc!.getTime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const renewed = await receiver.renewMessageLock(message!);
    expect(renewed.getTime()).toBeGreaterThan(before);
    await receiver.completeMessage(message!);
  });

  it('settles through $management when the receiving link is gone (plain queues keep message locks)', async () => {
    const client = harness.client();
    await client.createSender('plain').sendMessages({ body: 'orphan' });
    const receiver = client.createReceiver('plain');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.close();
    const other = client.createReceiver('plain');
    await other.completeMessage(message!);
    expect(harness.emulator.stats().queues[0]).toMatchObject({ active: 0 });
  });

  it('matches queue names case-insensitively', async () => {
    const client = harness.client();
    await client.createSender('SESSIONS').sendMessages({ body: 'x', sessionId: 'case' });
    const receiver = await client.acceptSession('sessions', 'case');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('x');
    await receiver.completeMessage(message!);
  });

  it('refuses a message without a session id on a session queue', async () => {
    const sender = harness.client().createSender('Sessions');
    const error = await errorOf(sender.sendMessages({ body: 'no session' }));
    expect(error.message).toMatch(/SessionId was not set/);
    const batchError = await errorOf(sender.sendMessages([{ body: 'ok', sessionId: 's' }, { body: 'missing' }]));
    expect(batchError.message).toMatch(/SessionId was not set/);
    expect(harness.emulator.stats().queues[1]?.active).toBe(0);
  });

  it('rejects an oversize transfer with amqp:link:message-size-exceeded and a too-long session id', async () => {
    const port = harness.emulator.port;
    const raw = await RawAmqp.connect(port);
    try {
      const audience = `sb://localhost:${port}/Sessions`;
      await raw.putToken(audience, sasToken(audience, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 60));
      const session = await raw.connection.createSession();
      const sender = await session.createAwaitableSender({ target: { address: 'Sessions' } });
      expect(sender.maxMessageSize).toBe(262_144);
      const big = await errorOf(sender.send({ body: Buffer.alloc(300_000), group_id: 's' }, { timeoutInSeconds: 10 }));
      expect((big as unknown as { innerError?: { condition?: string } }).innerError?.condition).toBe('amqp:link:message-size-exceeded');
      const longId = await errorOf(sender.send({ body: 'x', group_id: 'x'.repeat(129) }, { timeoutInSeconds: 10 }));
      expect((longId as unknown as { innerError?: { condition?: string } }).innerError?.condition).toBe('com.microsoft:argument-error');
    } finally {
      await raw.close();
    }
  });
});
