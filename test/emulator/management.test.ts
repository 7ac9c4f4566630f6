import { errorOf, SdkHarness } from './sdkHarness';
import { RawAmqp, sasToken } from './rawAmqp';

describe('emulator: $management operations', () => {
  let harness: SdkHarness;
  let raw: RawAmqp;

  const authorise = async (entity: string): Promise<void> => {
    const audience = `sb://localhost:${harness.emulator.port}/${entity}`;
    const reply = await raw.putToken(audience, sasToken(audience, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 300));
    expect(reply.status).toBe(202);
  };

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'sq', requiresSession: true, lockDurationMs: 30_000 },
        { name: 'listing', requiresSession: true },
        { name: 'plain' },
      ],
    });
    raw = await RawAmqp.connect(harness.emulator.port);
    await authorise('');
  });
  afterEach(() => harness.closeClients());
  afterAll(async () => {
    await raw.close();
    await harness.close();
  });

  it('keeps session state across lock holders; unset state reads as null', async () => {
    const client = harness.client();
    const first = await client.acceptSession('sq', 'stateful');
    await expect(first.getSessionState()).resolves.toBeNull();
    await first.setSessionState({ step: 2 });
    await expect(first.getSessionState()).resolves.toEqual({ step: 2 });
    await first.close();
    const second = await client.acceptSession('sq', 'stateful');
    await expect(second.getSessionState()).resolves.toEqual({ step: 2 });
    await second.setSessionState(Buffer.from([1, 2, 3]));
    await expect(second.getSessionState()).resolves.toEqual(Buffer.from([1, 2, 3]));
    await second.close();
  });

  it('peeks a session without locking or counting a delivery, honouring the sequence position and count', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages([1, 2, 3].map((body) => ({ body, sessionId: 'peeked' })));
    const receiver = await client.acceptSession('sq', 'peeked');
    const firstTwo = await receiver.peekMessages(2);
    expect(firstTwo.map((m) => m.body)).toEqual([1, 2]);
    const rest = await receiver.peekMessages(5);
    expect(rest.map((m) => m.body)).toEqual([3]);
    await expect(receiver.peekMessages(5)).resolves.toEqual([]);
    const fromStart = await receiver.peekMessages(1, { fromSequenceNumber: firstTwo[0]!.sequenceNumber! });
    expect(fromStart.map((m) => m.body)).toEqual([1]);
    const received = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
    expect(received.map((m) => m.deliveryCount)).toEqual([0, 0, 0]);
    for (const message of received) await receiver.completeMessage(message);
  });

  it('schedules a message that becomes active later, and cancels another', async () => {
    const client = harness.client();
    const sender = client.createSender('plain');
    const [cancelled] = await sender.scheduleMessages({ body: 'cancelled' }, new Date(Date.now() + 60_000));
    // Scheduled last and checked at once: the check does not race the first one's time (it used to
    // follow a second round trip, which on a loaded machine could outlast a 500 ms schedule).
    const soon = new Date(Date.now() + 1_500);
    const [kept] = await sender.scheduleMessages({ body: 'scheduled' }, soon);
    expect(harness.emulator.stats().queues[2]).toMatchObject({ scheduled: 2, active: 0 });
    await sender.cancelScheduledMessages(cancelled!);
    await expect(sender.cancelScheduledMessages(cancelled!)).rejects.toMatchObject({ code: 'MessageNotFound' });
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
    expect(message?.body).toBe('scheduled');
    expect(message?.sequenceNumber?.toNumber()).toBe(kept!.toNumber());
    expect(message?.scheduledEnqueueTimeUtc?.getTime()).toBe(soon.getTime());
    expect(harness.emulator.stats().queues[2]).toMatchObject({ scheduled: 0, active: 0 });
  });

  it('lists sessions with messages (get-message-sessions)', async () => {
    await harness.client().createSender('listing').sendMessages([
      { body: 1, sessionId: 'a' },
      { body: 2, sessionId: 'b' },
    ]);
    const reply = await raw.management('listing', 'com.microsoft:get-message-sessions', { 'last-updated-time': new Date(0), skip: 0, top: 10 });
    expect(reply.statusCode).toBe(200);
    expect(reply.body?.['sessions-ids']).toEqual(['a', 'b']);
    const page = await raw.management('listing', 'com.microsoft:get-message-sessions', { 'last-updated-time': new Date(0), skip: 1, top: 10 });
    expect(page.body?.['sessions-ids']).toEqual(['b']);
  });

  it('answers an unknown operation with 501 amqp:not-implemented', async () => {
    const reply = await raw.management('sq', 'com.microsoft:no-such-operation', {});
    expect(reply).toMatchObject({ statusCode: 501, errorCondition: 'amqp:not-implemented' });
  });

  it('answers session operations for a session the caller does not hold with 410 session-lock-lost', async () => {
    const holder = await harness.client().acceptSession('sq', 'held-elsewhere');
    const reply = await raw.management('sq', 'com.microsoft:renew-session-lock', { 'session-id': 'held-elsewhere' });
    expect(reply).toMatchObject({ statusCode: 410, errorCondition: 'com.microsoft:session-lock-lost' });
    const state = await raw.management('sq', 'com.microsoft:get-session-state', { 'session-id': 'never-locked' });
    expect(state).toMatchObject({ statusCode: 410, errorCondition: 'com.microsoft:session-lock-lost' });
    await holder.close();
  });

  it('injects faults for the next N requests of an operation', async () => {
    const receiver = await harness.client().acceptSession('sq', 'faulty', { maxAutoLockRenewalDurationInMs: 0 });
    harness.emulator.injectFault('com.microsoft:renew-session-lock', {
      statusCode: 410,
      condition: 'com.microsoft:session-lock-lost',
      description: 'injected',
      count: 2,
    });
    expect((await errorOf(receiver.renewSessionLock())).code).toBe('SessionLockLost');
    expect((await errorOf(receiver.renewSessionLock())).code).toBe('SessionLockLost');
    await expect(receiver.renewSessionLock()).resolves.toBeInstanceOf(Date);
    await receiver.close();
  });
});
