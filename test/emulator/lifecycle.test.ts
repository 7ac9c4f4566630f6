import { SdkHarness } from './sdkHarness';
import { RawAmqp, sasToken } from './rawAmqp';

describe('emulator: client lifecycle (dropped sockets, abandoned waits, stats)', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 60_000 }] });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const rawClient = async (): Promise<RawAmqp> => {
    const raw = await RawAmqp.connect(harness.emulator.port);
    const audience = `sb://localhost:${harness.emulator.port}/sq`;
    await raw.putToken(audience, sasToken(audience, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 300));
    return raw;
  };

  /** Resolves once the broker has forgotten every connection but `expected`. */
  async function connectionsSettleAt(expected: number): Promise<void> {
    while (harness.emulator.stats().connections !== expected) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('releases the session lock of a client whose socket drops, and redelivers its unsettled message', async () => {
    await harness.client().createSender('sq').sendMessages({ body: 'survivor', sessionId: 'crash' });
    await harness.closeClients();
    const raw = await rawClient();
    const session = await raw.connection.createSession();
    const receiver = await session.createReceiver({
      source: { address: 'sq', filter: { 'com.microsoft:session-filter': 'crash' } },
      credit_window: 1,
      autoaccept: false,
    });
    await new Promise((resolve) => receiver.once('message', resolve));
    expect(harness.emulator.stats()).toMatchObject({ connections: 1, queues: [{ lockedSessions: 1, locked: 1 }] });
    raw.drop();
    await connectionsSettleAt(0);
    expect(harness.emulator.stats().queues[0]).toMatchObject({ lockedSessions: 0, locked: 0, active: 1 });
    const next = await harness.client().acceptSession('sq', 'crash');
    const [message] = await next.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message).toMatchObject({ body: 'survivor', deliveryCount: 1 });
    await next.completeMessage(message!);
  });

  it('releases the session lock when the client ends the AMQP session without detaching', async () => {
    await harness.client().createSender('sq').sendMessages({ body: 'ended', sessionId: 'end' });
    await harness.closeClients();
    const raw = await rawClient();
    try {
      const session = await raw.connection.createSession();
      const receiver = await session.createReceiver({
        source: { address: 'sq', filter: { 'com.microsoft:session-filter': 'end' } },
        credit_window: 1,
        autoaccept: false,
      });
      await new Promise((resolve) => receiver.once('message', resolve));
      await session.close();
      const next = await harness.client().acceptSession('sq', 'end');
      const [message] = await next.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message).toMatchObject({ body: 'ended', deliveryCount: 1 });
      await next.completeMessage(message!);
    } finally {
      await raw.close();
    }
  });

  it('forgets a next-available wait whose client went away', async () => {
    const raw = await rawClient();
    const session = await raw.connection.createSession();
    // Never answered while no session has messages; the test cuts the client instead. The abort
    // stops rhea-promise's own 60 s attach timer, which would otherwise outlive the test.
    const abort = new AbortController();
    void session
      .createReceiver({ source: { address: 'sq', filter: { 'com.microsoft:session-filter': null } }, properties: { 'com.microsoft:timeout': 60_000 }, abortSignal: abort.signal })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    raw.drop();
    abort.abort();
    await connectionsSettleAt(0);
    const client = harness.client();
    await client.createSender('sq').sendMessages({ body: 'for the living', sessionId: 'after' });
    const receiver = await client.acceptNextSession('sq');
    expect(receiver.sessionId).toBe('after');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('for the living');
    await receiver.completeMessage(message!);
  });

  it('reports per-queue counts and connections', async () => {
    const client = harness.client();
    await client.createSender('sq').sendMessages([
      { body: 1, sessionId: 'a' },
      { body: 2, sessionId: 'b' },
    ]);
    const receiver = await client.acceptSession('sq', 'a');
    await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(harness.emulator.stats()).toEqual({
      connections: 1,
      queues: [
        { name: 'sq', requiresSession: true, active: 2, locked: 1, deferred: 0, scheduled: 0, deadLettered: 0, sessions: 2, lockedSessions: 1 },
      ],
      topics: [],
    });
  });
});
