import { SdkHarness } from './sdkHarness';

describe('emulator: session send / accept / receive / complete (official SDK)', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'sq', requiresSession: true, lockDurationMs: 30_000 },
        { name: 'plain', lockDurationMs: 30_000 },
      ],
    });
  });
  afterAll(() => harness.close());

  it('sends single and batched messages and receives them in order from an accepted session', async () => {
    const client = harness.client();
    const sender = client.createSender('sq');
    await sender.sendMessages({ body: 'one', sessionId: 's1' });
    await sender.sendMessages([
      { body: 'two', sessionId: 's1' },
      { body: 'three', sessionId: 's1' },
    ]);
    const receiver = await client.acceptSession('sq', 's1');
    expect(receiver.sessionId).toBe('s1');
    expect(receiver.sessionLockedUntilUtc.getTime()).toBeGreaterThan(Date.now());
    const messages = await receiver.receiveMessages(3, { maxWaitTimeInMs: 10_000 });
    expect(messages.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(messages.map((m) => m.sessionId)).toEqual(['s1', 's1', 's1']);
    for (const message of messages) {
      expect(message.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await receiver.completeMessage(message);
    }
    expect(harness.emulator.stats().queues.find((q) => q.name === 'sq')).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });
});
