import { SdkHarness } from './sdkHarness';

describe('emulator: outcomes of adjacent deliveries settled in one pass', () => {
  let harness: SdkHarness;
  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'sq', requiresSession: true }] });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  it('a refused message between accepted ones is reported refused, and only the accepted ones are stored', async () => {
    const sender = harness.client().createSender('sq');
    await sender.sendMessages({ body: 'warm-up', sessionId: 's' });
    // Separate deliveries written in one tick: the broker reads and settles them in one pass.
    const bodies = ['a', 'no-session-1', 'b', 'no-session-2', 'c', 'd'];
    const results = await Promise.allSettled(bodies.map((body) => sender.sendMessages(body.startsWith('no-session') ? { body } : { body, sessionId: 's' })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(harness.emulator.stats().queues[0]!.active).toBe(5);
  });
});
