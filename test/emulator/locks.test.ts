import type { ServiceBusError, ServiceBusSessionReceiver } from '@azure/service-bus';
import { errorOf, SdkHarness } from './sdkHarness';

/** Resolves with the first error the receiver's subscription reports (e.g. the broker's lock-lost detach). */
function firstError(receiver: ServiceBusSessionReceiver): Promise<ServiceBusError> {
  return new Promise((resolve) => {
    receiver.subscribe(
      { processMessage: async () => undefined, processError: async ({ error }) => resolve(error as ServiceBusError) },
      { autoCompleteMessages: false },
    );
  });
}

describe('emulator: session and message locks', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'short', requiresSession: true, lockDurationMs: 1_000 },
        { name: 'renewable', requiresSession: true, lockDurationMs: 2_000 },
        { name: 'long', requiresSession: true, lockDurationMs: 60_000 },
        { name: 'plain-short', lockDurationMs: 1_000 },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  it('expires an unrenewed session lock: SessionLockLost, then redelivery with delivery count + 1', async () => {
    const client = harness.client();
    await client.createSender('short').sendMessages({ body: 'held', sessionId: 'expiring' });
    const receiver = await client.acceptSession('short', 'expiring', { maxAutoLockRenewalDurationInMs: 0 });
    const error = await firstError(receiver);
    expect(error.code).toBe('SessionLockLost');
    expect(receiver.isClosed).toBe(true);
    const next = await harness.client().acceptSession('short', 'expiring');
    const [message] = await next.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('held');
    expect(message?.deliveryCount).toBe(1);
    await next.completeMessage(message!);
  });

  it('releases the session lock as soon as the receiver closes (unsettled messages: delivery count + 1)', async () => {
    const client = harness.client();
    await client.createSender('long').sendMessages({ body: 'unsettled', sessionId: 'closing' });
    const first = await client.acceptSession('long', 'closing');
    const [message] = await first.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.deliveryCount).toBe(0);
    await first.close();
    const second = await client.acceptSession('long', 'closing');
    const [again] = await second.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(again?.body).toBe('unsettled');
    expect(again?.deliveryCount).toBe(1);
    await second.completeMessage(again!);
  });

  it('releases the session lock when the client connection closes', async () => {
    const owner = harness.client();
    await owner.createSender('long').sendMessages({ body: 'orphaned', sessionId: 'dropped' });
    const receiver = await owner.acceptSession('long', 'dropped');
    await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await owner.close();
    const next = await harness.client().acceptSession('long', 'dropped');
    const [message] = await next.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.deliveryCount).toBe(1);
    await next.completeMessage(message!);
  });

  it('renewSessionLock extends the lock past its original duration', async () => {
    const client = harness.client();
    await client.createSender('renewable').sendMessages({ body: 'kept', sessionId: 'renewed' });
    const receiver = await client.acceptSession('renewable', 'renewed', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    const acquired = receiver.sessionLockedUntilUtc.getTime();
    let latest = acquired;
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      latest = (await receiver.renewSessionLock()).getTime();
    }
    expect(latest).toBeGreaterThan(acquired);
    expect(receiver.sessionLockedUntilUtc.getTime()).toBe(latest);
    await receiver.completeMessage(message!);
  });

  it('expires a plain-queue message lock: redelivered (delivery count + 1), the stale settle fails with MessageLockLost', async () => {
    const client = harness.client();
    await client.createSender('plain-short').sendMessages({ body: 'slow' });
    const first = client.createReceiver('plain-short', { maxAutoLockRenewalDurationInMs: 0 });
    const [stale] = await first.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    const second = client.createReceiver('plain-short', { maxAutoLockRenewalDurationInMs: 0 });
    const [fresh] = await second.receiveMessages(1, { maxWaitTimeInMs: 10_000 });
    expect(fresh?.body).toBe('slow');
    expect(fresh?.deliveryCount).toBe(1);
    const error = await errorOf(first.completeMessage(stale!));
    expect(error.code).toBe('MessageLockLost');
    await second.completeMessage(fresh!);
  });
});
