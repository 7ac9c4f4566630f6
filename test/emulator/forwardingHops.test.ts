import { SdkHarness } from './sdkHarness';

/** Service Bus moves a message by auto-forwarding at most 4 times; the entity that would move it a 5th time dead-letters it. */
describe('emulator auto-forwarding: at most 4 moves per message (MaxTransferHopCountExceeded)', () => {
  let harness: SdkHarness;
  const chain = ['hop1', 'hop2', 'hop3', 'hop4', 'hop5', 'hop6'];

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        ...chain.map((name, i) => (i + 1 < chain.length ? { name, forwardTo: chain[i + 1]! } : { name })),
        { name: 'dead-source', maxDeliveryCount: 1, forwardDeadLetteredMessagesTo: 'hop2' },
        { name: 'd1', forwardTo: 'd2' },
        { name: 'd2', forwardTo: 'd3' },
        { name: 'd3', forwardTo: 'd4' },
        { name: 'd4', forwardTo: 'last' },
        { name: 'last', maxDeliveryCount: 1, forwardDeadLetteredMessagesTo: 'sink' },
        { name: 'sink' },
      ],
      topics: [{ name: 'fan', subscriptions: [{ name: 'on', forwardTo: 'hop2' }] }],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const receiveOne = async (queue: string, subQueueType?: 'deadLetter') => {
    const receiver = harness.client().createReceiver(queue, { receiveMode: 'receiveAndDelete', ...(subQueueType ? { subQueueType } : {}) });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3_000 });
    await receiver.close();
    return message;
  };
  const depth = (name: string) => harness.emulator.stats().queues.find((q) => q.name === name);

  it('forwards a message 4 times: sent to hop2, it arrives in hop6', async () => {
    await harness.client().createSender('hop2').sendMessages({ body: 'four moves', messageId: 'm4' });
    const message = await receiveOne('hop6');
    expect(message?.body).toBe('four moves');
  });

  it('dead-letters it where a 5th move would start: sent to hop1, it is in hop5’s dead-letter queue and never reaches hop6', async () => {
    await harness.client().createSender('hop1').sendMessages({ body: 'five moves', messageId: 'm5', applicationProperties: { kept: 'yes' } });
    const message = await receiveOne('hop5', 'deadLetter');
    expect(message).toMatchObject({ body: 'five moves', messageId: 'm5', deadLetterReason: 'MaxTransferHopCountExceeded', applicationProperties: expect.objectContaining({ kept: 'yes' }) });
    expect(message?.deadLetterErrorDescription).toMatch(/hop6.*5.*4/);
    expect(depth('hop6')).toMatchObject({ active: 0 });
  });

  it("counts a subscription's forwarding as a move: topic → on → hop2 … hop5, dead-lettered in hop5", async () => {
    await harness.client().createSender('fan').sendMessages({ body: 'via a topic' });
    const message = await receiveOne('hop5', 'deadLetter');
    expect(message).toMatchObject({ body: 'via a topic', deadLetterReason: 'MaxTransferHopCountExceeded' });
  });

  it('counts forwarding of dead-lettered messages as a move', async () => {
    await harness.client().createSender('dead-source').sendMessages({ body: 'dead first' });
    const receiver = harness.client().createReceiver('dead-source');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3_000 });
    await receiver.abandonMessage(message!); // maxDeliveryCount 1: dead-lettered, forwarded to hop2 (move 1), … hop5 (move 4)
    await receiver.close();
    const dead = await receiveOne('hop5', 'deadLetter');
    expect(dead).toMatchObject({ body: 'dead first', deadLetterReason: 'MaxTransferHopCountExceeded' });
    expect(depth('dead-source')).toMatchObject({ active: 0 });
  });

  it('keeps a dead-lettered message in its own dead-letter queue, with its own reason, when forwarding it would be a 5th move', async () => {
    await harness.client().createSender('d1').sendMessages({ body: 'arrived after 4' }); // d1 → d2 → d3 → d4 → last: 4 moves
    const receiver = harness.client().createReceiver('last');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3_000 });
    await receiver.abandonMessage(message!); // dead-lettered (maxDeliveryCount 1); forwarding it to 'sink' would be move 5
    await receiver.close();
    const dead = await receiveOne('last', 'deadLetter');
    expect(dead).toMatchObject({ body: 'arrived after 4', deadLetterReason: 'MaxDeliveryCountExceeded' });
    expect(depth('sink')).toMatchObject({ active: 0 });
  });
});
