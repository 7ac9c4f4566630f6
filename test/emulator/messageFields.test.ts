import type { ServiceBusReceivedMessage, ServiceBusSender } from '@azure/service-bus';

/** An `AmqpAnnotatedMessage` (the SDK does not export the type): the body type chosen explicitly. */
type Sendable = Parameters<ServiceBusSender['sendMessages']>[0];
import { SdkHarness } from './sdkHarness';

describe('emulator: message fields round-trip unchanged', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'plain' }, { name: 'sq', requiresSession: true }] });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const receiveAll = async (count: number): Promise<ServiceBusReceivedMessage[]> => {
    const receiver = harness.client().createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    return receiver.receiveMessages(count, { maxWaitTimeInMs: 5_000 });
  };

  it('keeps properties, ids of every type, application properties and TTL; adds broker annotations', async () => {
    const before = Date.now();
    await harness.client().createSender('plain').sendMessages([
      {
        body: 'text',
        messageId: 'id-string',
        correlationId: 'corr',
        subject: 'subject',
        contentType: 'text/plain',
        to: 'somewhere',
        replyTo: 'reply-queue',
        replyToSessionId: 'reply-session',
        timeToLive: 3_600_000,
        applicationProperties: { s: 'v', n: 42, negative: -7, f: 1.5, b: true, when: new Date(1_700_000_000_000), big: 2 ** 40 },
      },
      { body: 'numeric ids', messageId: 12345, correlationId: 99 },
      { body: 'binary correlation', messageId: 'x', correlationId: Buffer.from('00112233445566778899aabbccddeeff', 'hex') },
    ]);
    const [text, numeric, binary] = await receiveAll(3);
    expect(text).toMatchObject({
      body: 'text',
      messageId: 'id-string',
      correlationId: 'corr',
      subject: 'subject',
      contentType: 'text/plain',
      to: 'somewhere',
      replyTo: 'reply-queue',
      replyToSessionId: 'reply-session',
      timeToLive: 3_600_000,
      deliveryCount: 0,
      state: 'active',
    });
    expect(text?.applicationProperties).toEqual({ s: 'v', n: 42, negative: -7, f: 1.5, b: true, when: 1_700_000_000_000, big: 2 ** 40 });
    expect(text?.enqueuedTimeUtc?.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(text?.expiresAtUtc?.getTime()).toBe(text!.enqueuedTimeUtc!.getTime() + 3_600_000);
    expect(text?.sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(numeric).toMatchObject({ messageId: 12345, correlationId: 99 });
    expect(binary?.correlationId).toEqual(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
  });

  it('keeps string, JSON, binary, amqp-value and amqp-sequence bodies', async () => {
    const sender = harness.client().createSender('plain');
    await sender.sendMessages([{ body: { nested: [1, 'two', null] } }, { body: Buffer.from([0, 255, 7]) }, { body: 'plain string' }]);
    await sender.sendMessages({ body: { value: 7 }, bodyType: 'value' } as unknown as Sendable);
    await sender.sendMessages({ body: [[1, 2], ['a']], bodyType: 'sequence' } as unknown as Sendable);
    const messages = await receiveAll(5);
    expect(messages.map((m) => m.body)).toEqual([{ nested: [1, 'two', null] }, Buffer.from([0, 255, 7]), 'plain string', { value: 7 }, [[1, 2], ['a']]]);
    expect(messages[3]?._rawAmqpMessage.bodyType).toBe('value');
    expect(messages[4]?._rawAmqpMessage.bodyType).toBe('sequence');
  });

  it('gives a message sent without an id a broker-assigned one and keeps the session id', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages({ body: 'anonymous', sessionId: 'with-id' });
    const receiver = await client.acceptSession('sq', 'with-id', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.sessionId).toBe('with-id');
    expect(typeof message?.messageId).toBe('string');
    expect(String(message?.messageId).length).toBeGreaterThan(0);
  });
});
