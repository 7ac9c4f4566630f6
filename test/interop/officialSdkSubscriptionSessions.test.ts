import { ServiceBusClient as SdkClient, type ServiceBusError } from '@azure/service-bus';
import { concatMap, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient, SessionCannotBeLockedError, type ReceivedMessage, type Session } from '../../src';

/**
 * servicebus-rx and the official `@azure/service-bus` SDK on the SAME session-enabled subscription of a
 * topic: messages, session state, session locks and settlement seen the same way by both.
 */

const TOPIC = 'orders';
const SUBSCRIPTION = 'workers';
const entity = { topic: TOPIC, subscription: SUBSCRIPTION } as const;

let broker: EmulatorHandle;
let ours: ServiceBusClient;
let sdk: SdkClient;
const sessions: Session[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    topics: [{ name: TOPIC, subscriptions: [{ name: SUBSCRIPTION, requiresSession: true, lockDurationMs: 10_000 }, { name: 'audit' }] }],
  });
});
afterAll(() => broker.close());
beforeEach(() => {
  ours = new ServiceBusClient(broker.connectionString);
  // No retries: a refused accept must surface at once.
  sdk = new SdkClient(broker.connectionString, { retryOptions: { maxRetries: 0 } });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all([ours.close(), sdk.close()]);
});

async function accept(sessionId: string): Promise<Session> {
  const s = await firstValueFrom(ours.acceptSession(entity, sessionId));
  sessions.push(s);
  return s;
}
const takeAndComplete = (s: Session, n: number): Promise<ReceivedMessage[]> =>
  lastValueFrom(s.messages$.pipe(take(n), concatMap((m) => m.complete().pipe(map(() => m))), toArray()));
const subscriptionStats = () => broker.stats().topics[0]?.subscriptions.find((s) => s.name === `${TOPIC}/Subscriptions/${SUBSCRIPTION}`);

describe('messages through a topic, read from the subscription by the other client', () => {
  it('reads what the SDK sent to the topic', async () => {
    const sender = sdk.createSender(TOPIC);
    await sender.sendMessages([
      { body: 'hello', sessionId: 'from-sdk', messageId: 'm-1', subject: 'greeting', applicationProperties: { n: 42 } },
      { body: { order: 1 }, sessionId: 'from-sdk', correlationId: 'c-1' },
    ]);
    await sender.close();
    const [text, json] = await takeAndComplete(await accept('from-sdk'), 2);
    expect([text?.body, text?.messageId, text?.subject, text?.applicationProperties]).toEqual(['hello', 'm-1', 'greeting', { n: 42 }]);
    expect([json?.body, json?.correlationId]).toEqual([{ order: 1 }, 'c-1']);
  });

  it('the SDK reads, from the subscription, what servicebus-rx sent to the topic', async () => {
    await lastValueFrom(ours.send(TOPIC, [{ body: 'one', sessionId: 'to-sdk', messageId: 'x-1' }, { body: { two: 2 }, sessionId: 'to-sdk' }]));
    const receiver = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'to-sdk');
    const got = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    expect(got.map((m) => m.body)).toEqual(['one', { two: 2 }]);
    expect(got[0]?.messageId).toBe('x-1');
    for (const m of got) await receiver.completeMessage(m);
    await receiver.close();
    // The other subscription got its own copies.
    expect(broker.stats().topics[0]?.subscriptions.find((s) => s.name.endsWith('/audit'))?.active).toBeGreaterThanOrEqual(2);
  });
});

describe('session state on a subscription', () => {
  it('reads state the SDK wrote: a string, then bytes', async () => {
    const r1 = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'state-from-sdk');
    await r1.setSessionState('checkpoint-7');
    await r1.close();
    let s = await accept('state-from-sdk');
    expect(await firstValueFrom(s.getState())).toBe('checkpoint-7');
    await s.close();

    const r2 = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'state-from-sdk');
    await r2.setSessionState(Buffer.from([0, 255, 16]));
    await r2.close();
    s = await accept('state-from-sdk');
    expect(await firstValueFrom(s.getState())).toEqual(new Uint8Array([0, 255, 16]));
  });

  it('writes state the SDK reads: a string, then bytes', async () => {
    let s = await accept('state-to-sdk');
    await lastValueFrom(s.setState('checkpoint-9'));
    await s.close();
    let receiver = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'state-to-sdk');
    expect(await receiver.getSessionState()).toBe('checkpoint-9');
    await receiver.close();

    s = await accept('state-to-sdk');
    await lastValueFrom(s.setState(new Uint8Array([1, 2, 3])));
    await s.close();
    receiver = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'state-to-sdk');
    expect(Buffer.from((await receiver.getSessionState()) as Buffer)).toEqual(Buffer.from([1, 2, 3]));
    await receiver.close();
  });
});

describe('session locks on a subscription', () => {
  it('a session held by the SDK cannot be accepted; released by it (message unsettled), servicebus-rx accepts it and gets the message again', async () => {
    await lastValueFrom(ours.send(TOPIC, { body: 'work', sessionId: 'sdk-first', messageId: 'w-1' }));
    const receiver = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'sdk-first');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(m?.messageId).toBe('w-1');
    await expect(firstValueFrom(ours.acceptSession(entity, 'sdk-first'))).rejects.toBeInstanceOf(SessionCannotBeLockedError);
    await receiver.close();

    const [again] = await takeAndComplete(await accept('sdk-first'), 1);
    expect([again?.messageId, again?.deliveryCount]).toEqual(['w-1', 1]);
  });

  it('a session held by servicebus-rx cannot be accepted by the SDK; released, the SDK accepts it (also as the next available) and gets the message again', async () => {
    await lastValueFrom(ours.send(TOPIC, { body: 'work', sessionId: 'rx-first', messageId: 'w-2' }));
    const s = await accept('rx-first');
    expect((await firstValueFrom(s.messages$)).messageId).toBe('w-2');
    const refusal = (await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'rx-first').then(
      () => undefined,
      (e: unknown) => e,
    )) as ServiceBusError | undefined;
    expect(refusal?.code).toBe('SessionCannotBeLocked');
    await s.close();

    const receiver = await sdk.acceptNextSession(TOPIC, SUBSCRIPTION, { maxAutoLockRenewalDurationInMs: 0 });
    expect(receiver.sessionId).toBe('rx-first');
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect([again?.messageId, again?.deliveryCount]).toEqual(['w-2', 1]);
    await receiver.completeMessage(again!);
    await receiver.close();
    expect(subscriptionStats()).toMatchObject({ lockedSessions: 0 });
  });

  it('servicebus-rx takes the next available session of the subscription that the SDK sent to the topic', async () => {
    const sender = sdk.createSender(TOPIC);
    await sender.sendMessages({ body: 'next', sessionId: 'sdk-next' });
    await sender.close();
    const s = await firstValueFrom(ours.acceptNextSession(entity, { timeout: 5_000 }));
    sessions.push(s);
    expect(s.sessionId).toBe('sdk-next');
    expect((await takeAndComplete(s, 1))[0]?.body).toBe('next');
  });
});

describe('settlement on a subscription', () => {
  it('a message deferred by servicebus-rx is received by sequence number by the SDK; one dead-lettered is read from the subscription DLQ', async () => {
    await lastValueFrom(ours.send(TOPIC, [{ body: 'later', sessionId: 'settle' }, { body: 'bad', sessionId: 'settle' }]));
    const s = await accept('settle');
    const [later, bad] = await firstValueFrom(s.messages$.pipe(take(2), toArray()));
    await lastValueFrom(later!.defer());
    await lastValueFrom(bad!.deadLetter({ reason: 'invalid', description: 'bad order' }));
    await s.close();

    const receiver = await sdk.acceptSession(TOPIC, SUBSCRIPTION, 'settle');
    // The SDK sees the same sequence number (a Long there, a bigint here).
    const peeked = await receiver.peekMessages(10);
    const seen = peeked.find((p) => p.state === 'deferred');
    expect(seen?.sequenceNumber?.toString()).toBe(later!.sequenceNumber.toString());
    const [deferred] = await receiver.receiveDeferredMessages([seen!.sequenceNumber!]);
    expect(deferred?.body).toBe('later');
    await receiver.completeMessage(deferred!);
    await receiver.close();

    const dlq = sdk.createReceiver(TOPIC, SUBSCRIPTION, { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect([dead?.body, dead?.deadLetterReason, dead?.deadLetterErrorDescription]).toEqual(['bad', 'invalid', 'bad order']);
    await dlq.close();
  });
});
