import { VirtualTimeScheduler } from 'rxjs';
import { SdkHarness } from './sdkHarness';

describe('emulator: message expiry (virtual time)', () => {
  let harness: SdkHarness;
  // The broker's clock: time only moves when the test flushes it.
  const clock = new VirtualTimeScheduler();

  beforeAll(async () => {
    harness = await SdkHarness.start({
      scheduler: clock,
      queues: [
        { name: 'drop' },
        { name: 'dead-letter', deadLetteringOnMessageExpiration: true },
        { name: 'default-ttl', defaultMessageTimeToLiveMs: 5_000, deadLetteringOnMessageExpiration: true },
        { name: 'session-ttl', requiresSession: true, deadLetteringOnMessageExpiration: true },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const stats = (name: string) => harness.emulator.stats().queues.find((q) => q.name === name);

  it('drops an expired message (header TTL) while keeping the others', async () => {
    const client = harness.client();
    await client.createSender('drop').sendMessages([{ body: 'short-lived', timeToLive: 1_000 }, { body: 'lasting' }]);
    expect(stats('drop')).toMatchObject({ active: 2 });
    clock.flush();
    expect(stats('drop')).toMatchObject({ active: 1, deadLettered: 0 });
    const [message] = await client.createReceiver('drop', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('lasting');
  });

  it('dead-letters an expired message with TTLExpiredException when the queue says so', async () => {
    const client = harness.client();
    await client.createSender('dead-letter').sendMessages({ body: 'expired', timeToLive: 2_000, applicationProperties: { k: 'v' } });
    clock.flush();
    expect(stats('dead-letter')).toMatchObject({ active: 0, deadLettered: 1 });
    const dlq = client.createReceiver('dead-letter', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead).toMatchObject({ body: 'expired', deadLetterReason: 'TTLExpiredException', deadLetterSource: 'dead-letter' });
    expect(dead?.applicationProperties).toMatchObject({ k: 'v' });
  });

  it("applies the queue's default TTL, and the shorter of the two", async () => {
    const client = harness.client();
    await client.createSender('default-ttl').sendMessages([{ body: 'default' }, { body: 'own, longer', timeToLive: 60_000 }]);
    clock.flush();
    expect(stats('default-ttl')).toMatchObject({ active: 0, deadLettered: 2 });
  });

  it('expires session messages; a locked message expires when its lock ends instead', async () => {
    const client = harness.client();
    await client.createSender('session-ttl').sendMessages([
      { body: 'in flight', sessionId: 's', timeToLive: 1_000 },
      { body: 'queued', sessionId: 's', timeToLive: 1_000 },
    ]);
    const receiver = await client.acceptSession('session-ttl', 's', { maxAutoLockRenewalDurationInMs: 0 });
    const [inFlight] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(inFlight?.body).toBe('in flight');
    // Flushing runs the session lock's expiry too (60 s of virtual time): both messages end in the DLQ.
    clock.flush();
    expect(stats('session-ttl')).toMatchObject({ active: 0, deadLettered: 2, lockedSessions: 0 });
  });
});
