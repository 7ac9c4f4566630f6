import { ServiceBusClient } from '@azure/service-bus';
import { VirtualTimeScheduler } from 'rxjs';
import { Broker } from '../../src/emulator/Broker';
import { SasKeyring } from '../../src/emulator/cbs/SasKeyring';
import { resolveLimits } from '../../src/emulator/transport/BrokerLimits';
import { EmulatorServer } from '../../src/emulator/EmulatorServer';
import { errorOf, SdkHarness } from './sdkHarness';

describe('emulator topics: expiry, duplicate window, scheduled forwarding (virtual time)', () => {
  let harness: SdkHarness;
  const clock = new VirtualTimeScheduler();

  beforeAll(async () => {
    harness = await SdkHarness.start({
      scheduler: clock,
      queues: [{ name: 'dedup', requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindowMs: 30_000 }, { name: 'later', forwardTo: 'target' }, { name: 'target' }],
      topics: [
        {
          name: 'ttl',
          subscriptions: [
            { name: 'dead-letters', deadLetteringOnMessageExpiration: true },
            { name: 'drops' },
            { name: 'short', defaultMessageTimeToLiveMs: 500, deadLetteringOnMessageExpiration: true },
          ],
        },
        { name: 'topic-ttl', defaultMessageTimeToLiveMs: 2_000, subscriptions: [{ name: 's', deadLetteringOnMessageExpiration: true }] },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const subscription = (topic: string, name: string) =>
    harness.emulator.stats().topics.find((t) => t.name === topic)?.subscriptions.find((s) => s.name === `${topic}/Subscriptions/${name}`);

  it('expires each copy by its subscription: dead-lettered (TTLExpiredException) or dropped; a subscription default TTL applies', async () => {
    const client = harness.client();
    await client.createSender('ttl').sendMessages([{ body: 'brief', timeToLive: 1_000 }, { body: 'lasting' }]);
    expect(subscription('ttl', 'drops')).toMatchObject({ active: 2 });
    clock.flush();
    expect(subscription('ttl', 'dead-letters')).toMatchObject({ active: 1, deadLettered: 1 });
    expect(subscription('ttl', 'drops')).toMatchObject({ active: 1, deadLettered: 0 });
    expect(subscription('ttl', 'short')).toMatchObject({ active: 0, deadLettered: 2 });
    const dlq = client.createReceiver('ttl', 'dead-letters', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead).toMatchObject({ body: 'brief', deadLetterReason: 'TTLExpiredException', deadLetterSource: 'ttl/Subscriptions/dead-letters' });
  });

  it("applies the topic's default TTL to its subscriptions' copies", async () => {
    await harness.client().createSender('topic-ttl').sendMessages({ body: 'x', timeToLive: 60_000 });
    clock.flush();
    expect(subscription('topic-ttl', 's')).toMatchObject({ active: 0, deadLettered: 1 });
  });

  it('forgets a message id once the duplicate-detection window has passed', async () => {
    const sender = harness.client().createSender('dedup');
    await sender.sendMessages({ body: 1, messageId: 'same' });
    await sender.sendMessages({ body: 2, messageId: 'same' });
    expect(harness.emulator.stats().queues.find((q) => q.name === 'dedup')).toMatchObject({ active: 1 });
    clock.schedule(() => undefined, 30_000);
    clock.flush();
    await sender.sendMessages({ body: 3, messageId: 'same' });
    expect(harness.emulator.stats().queues.find((q) => q.name === 'dedup')).toMatchObject({ active: 2 });
  });

  it('forwards a scheduled message when it turns active', async () => {
    const sender = harness.client().createSender('later');
    await sender.scheduleMessages({ body: 'when due' }, new Date(clock.now() + 10_000));
    expect(harness.emulator.stats().queues.find((q) => q.name === 'later')).toMatchObject({ scheduled: 1 });
    clock.flush();
    expect(harness.emulator.stats().queues.find((q) => q.name === 'later')).toMatchObject({ scheduled: 0, active: 0 });
    const [message] = await harness.client().createReceiver('target', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('when due');
  });
});

describe('emulator topics: entities changed at runtime, seen over AMQP', () => {
  let broker: Broker;
  let server: EmulatorServer;
  let client: ServiceBusClient;

  beforeAll(async () => {
    const keys = SasKeyring.from({});
    const key = { keyName: keys.primary.name, key: keys.primary.key };
    broker = new Broker({ topics: [{ name: 't', subscriptions: [{ name: 'old' }] }] }, keys, new VirtualTimeScheduler(), () => undefined);
    server = new EmulatorServer(broker, resolveLimits(undefined, true), false);
    const { port } = await server.listen(0, '127.0.0.1');
    client = new ServiceBusClient(`Endpoint=sb://localhost:${port};SharedAccessKeyName=${key.keyName};SharedAccessKey=${key.key};UseDevelopmentEmulator=true;`, {
      retryOptions: { maxRetries: 0 },
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('a subscription created at runtime gets the next messages; a deleted one detaches its receivers and is not found', async () => {
    const receiver = client.createReceiver('t', 'old', { receiveMode: 'receiveAndDelete' });
    const pending = receiver.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
    broker.namespace.createSubscription('t', { name: 'new', rules: [{ name: 'only-b', filter: { type: 'correlation', subject: 'b' } }] });
    await client.createSender('t').sendMessages([{ body: 'a', subject: 'a' }, { body: 'b', subject: 'b' }]);
    expect((await pending).map((m) => m.body)).toEqual(['a']);
    const fresh = client.createReceiver('t', 'new', { receiveMode: 'receiveAndDelete' });
    expect((await fresh.receiveMessages(1, { maxWaitTimeInMs: 5_000 })).map((m) => m.body)).toEqual(['b']);

    broker.namespace.deleteSubscription('t', 'old');
    const error = await errorOf(receiver.receiveMessages(1, { maxWaitTimeInMs: 500 }));
    expect(error.code).toBe('MessagingEntityNotFound');
    const stale = client.createReceiver('t', 'old');
    const again = await errorOf(stale.receiveMessages(1, { maxWaitTimeInMs: 500 }));
    expect(again.code).toBe('MessagingEntityNotFound');
    await Promise.all([receiver.close(), stale.close(), fresh.close()]);
  });

  it('a deleted topic refuses further sends', async () => {
    const sender = client.createSender('t');
    await sender.sendMessages({ body: 'before' });
    broker.namespace.deleteTopic('t');
    expect((await errorOf(sender.sendMessages({ body: 'after' }))).code).toBe('MessagingEntityNotFound');
  });
});
