import { ReceiverEvents, type EventContext } from 'rhea-promise';
import { SdkHarness } from './sdkHarness';
import { RawAmqp, sasToken } from './rawAmqp';

describe('emulator: drain is always answered (gotchas G1/G2)', () => {
  let harness: SdkHarness;
  let raw: RawAmqp;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'sq', requiresSession: true }] });
    raw = await RawAmqp.connect(harness.emulator.port);
    const audience = `sb://localhost:${harness.emulator.port}/sq`;
    await raw.putToken(audience, sasToken(audience, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 300));
  });
  afterAll(async () => {
    await raw.close();
    await harness.close();
  });

  /** Attaches a session receiver without credit, then grants `credit` with drain=true in one flow. */
  async function drainOnce(sessionId: string, credit: number): Promise<{ messages: number; drained: boolean }> {
    const session = await raw.connection.createSession();
    const receiver = await session.createReceiver({
      source: { address: 'sq', filter: { 'com.microsoft:session-filter': sessionId } },
      credit_window: 0,
      autoaccept: true,
    });
    let messages = 0;
    const drained = new Promise<boolean>((resolve) => {
      receiver.on(ReceiverEvents.message, () => messages++);
      receiver.on(ReceiverEvents.receiverDrained, (_context: EventContext) => resolve(true));
    });
    receiver.drain = true;
    receiver.addCredit(credit);
    const result = { drained: await drained, messages };
    await receiver.close();
    await session.close();
    return result;
  }

  it('echoes drain when the queued transfers use up all the credit', async () => {
    await harness.client().createSender('sq').sendMessages([1, 2, 3, 4, 5].map((body) => ({ body, sessionId: 'exact' })));
    await expect(drainOnce('exact', 5)).resolves.toEqual({ drained: true, messages: 5 });
  });

  it('echoes drain with the unused credit consumed when fewer messages are available', async () => {
    await harness.client().createSender('sq').sendMessages([1, 2].map((body) => ({ body, sessionId: 'fewer' })));
    await expect(drainOnce('fewer', 10)).resolves.toEqual({ drained: true, messages: 2 });
  });

  it('echoes drain on an empty session', async () => {
    await expect(drainOnce('empty', 3)).resolves.toEqual({ drained: true, messages: 0 });
    await harness.closeClients();
  });
});
