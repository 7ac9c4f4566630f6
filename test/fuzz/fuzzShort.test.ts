/**
 * The short fuzz run inside `npm test` (the full one is `npm run fuzz`): a few thousand seeded frames
 * of every kind against an in-process broker, which must keep serving an official-SDK client and keep
 * its stored messages. A crash or a stall would fail the test (the broker shares this process).
 */
import { ServiceBusClient } from '@azure/service-bus';
import { type EmulatorHandle, startEmulator } from '../../src/emulator';
import { queueDefaults } from '../../src/emulator/config';
import { expectRoundTrip } from '../emulator/badInputRaw';
import { runCases } from './runCases';

let broker: EmulatorHandle;
const warnings: string[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    onWarning: (w) => warnings.push(w),
    queues: [
      { ...queueDefaults, name: 'queue.1' },
      { ...queueDefaults, name: 'keep', requiresSession: true },
    ],
  });
});
afterAll(() => broker.close());

describe('fuzz (short)', () => {
  it('takes 10,000 seeded frames of every kind and still serves the SDK, with its messages intact', async () => {
    const client = new ServiceBusClient(broker.connectionString);
    try {
      await client.createSender('keep').sendMessages(['a', 'b', 'c'].map((body) => ({ body, sessionId: 's' })));
      const report = await runCases({ port: broker.port, seed: 10, frames: 10_000, concurrency: 8, lingerMs: 20 });
      expect(report.frames).toBeGreaterThanOrEqual(10_000);
      expect(Object.values(report.byKind).every((n) => n > 0)).toBe(true);
      // Every hostile connection the broker closed itself was reported (no silent drops).
      expect(warnings.length).toBeGreaterThan(0);
      await expectRoundTrip(broker.connectionString, 'queue.1');
      const receiver = await client.acceptSession('keep', 's', { receiveMode: 'receiveAndDelete' });
      const kept = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
      expect(kept.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    } finally {
      await client.close();
    }
  });
});
