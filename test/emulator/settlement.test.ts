import { SdkHarness } from './sdkHarness';

describe('emulator: settlement (abandon, defer, dead-letter, max delivery count)', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'sq', requiresSession: true, lockDurationMs: 30_000, maxDeliveryCount: 3 },
        { name: 'plain', lockDurationMs: 30_000, maxDeliveryCount: 2 },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  it('abandon redelivers with delivery count + 1 and applies the properties to modify', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages({ body: 'retry', sessionId: 'abandon', applicationProperties: { kept: 'yes' } });
    const receiver = await client.acceptSession('sq', 'abandon');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(first?.deliveryCount).toBe(0);
    await receiver.abandonMessage(first!, { attempt: 1 });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(second?.body).toBe('retry');
    expect(second?.deliveryCount).toBe(1);
    expect(second?.sequenceNumber?.toNumber()).toBe(first?.sequenceNumber?.toNumber());
    expect(second?.applicationProperties).toEqual({ kept: 'yes', attempt: 1 });
    await receiver.completeMessage(second!);
  });

  it('defers a message, receives it by sequence number and completes it through $management', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages([
      { body: 'later', sessionId: 'defer' },
      { body: 'now', sessionId: 'defer' },
    ]);
    const receiver = await client.acceptSession('sq', 'defer');
    const [later, now] = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    await receiver.deferMessage(later!);
    await receiver.completeMessage(now!);
    expect(harness.emulator.stats().queues[0]).toMatchObject({ active: 0, deferred: 1 });
    const [deferred] = await receiver.receiveDeferredMessages([later!.sequenceNumber!]);
    expect(deferred?.body).toBe('later');
    expect(deferred?.state).toBe('deferred');
    expect(deferred?.lockToken).toBeDefined();
    await receiver.completeMessage(deferred!);
    expect(harness.emulator.stats().queues[0]).toMatchObject({ active: 0, deferred: 0 });
    // Gone now (and an active message was never receivable by sequence number).
    await expect(receiver.receiveDeferredMessages([later!.sequenceNumber!])).rejects.toMatchObject({ code: 'MessageNotFound' });
  });

  it('dead-letters with reason and description; the dead-letter queue is read with a plain receiver', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages({ body: 'poison', sessionId: 'dlq', applicationProperties: { origin: 'test' } });
    const receiver = await client.acceptSession('sq', 'dlq');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'It was bad', custom: 42 });
    expect(harness.emulator.stats().queues[0]).toMatchObject({ active: 0, deadLettered: 1 });
    const dlq = client.createReceiver('sq', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.body).toBe('poison');
    expect(dead?.sessionId).toBe('dlq');
    expect(dead?.deadLetterReason).toBe('Bad');
    expect(dead?.deadLetterErrorDescription).toBe('It was bad');
    expect(dead?.deadLetterSource).toBe('sq');
    expect(dead?.applicationProperties).toMatchObject({ origin: 'test', custom: 42 });
    await dlq.completeMessage(dead!);
    expect(harness.emulator.stats().queues[0]?.deadLettered).toBe(0);
  });

  it('dead-letters a session message past maxDeliveryCount (MaxDeliveryCountExceeded)', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages({ body: 'flaky', sessionId: 'max' });
    const receiver = await client.acceptSession('sq', 'max');
    for (let attempt = 0; attempt < 3; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message?.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message!);
    }
    expect(harness.emulator.stats().queues[0]).toMatchObject({ active: 0, deadLettered: 1 });
    const dlq = client.createReceiver('sq/$deadletterqueue', { receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.body).toBe('flaky');
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead?.deliveryCount).toBe(3);
  });

  it('applies the same rules to plain queues (abandon, max delivery count, DLQ)', async () => {
    const client = harness.client();
    await client.createSender('plain').sendMessages({ body: 'p' });
    const receiver = client.createReceiver('plain');
    for (let attempt = 0; attempt < 2; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message?.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message!);
    }
    const dlq = client.createReceiver('plain', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(dead?.deadLetterSource).toBe('plain');
  });

  it('defers on a plain queue and dead-letters the deferred message through $management', async () => {
    const client = harness.client();
    await client.createSender('plain').sendMessages({ body: 'd' });
    const receiver = client.createReceiver('plain');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.deferMessage(message!);
    const [deferred] = await receiver.receiveDeferredMessages(message!.sequenceNumber!);
    await receiver.deadLetterMessage(deferred!, { deadLetterReason: 'Deferred too long', deadLetterErrorDescription: 'gave up' });
    const dlq = client.createReceiver('plain', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.body).toBe('d');
    expect(dead?.deadLetterReason).toBe('Deferred too long');
  });
});
