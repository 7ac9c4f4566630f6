import { createServer, type Server } from 'node:net';
import { EmulatorOptionsError, startEmulator } from '../../src/emulator';
import { SdkHarness } from './sdkHarness';

describe('startEmulator: queue resolution and option errors', () => {
  it('serves the default queues when given neither queues nor config', async () => {
    const emulator = await startEmulator({ onWarning: () => undefined });
    try {
      const names = emulator.stats().queues.map((q) => q.name);
      expect(names).toEqual(expect.arrayContaining(['queue.1', 'session.1']));
      expect(emulator.stats().queues.find((q) => q.name === 'session.1')?.requiresSession).toBe(true);
      expect(emulator.host).toBe('127.0.0.1');
    } finally {
      await emulator.close();
    }
  });

  it("serves the queues of an official emulator Config.json, and the SDK can use them", async () => {
    const harness = await SdkHarness.start({
      config: {
        UserConfig: {
          Namespaces: [{ Name: 'sbemulatorns', Queues: [{ Name: 'from-config', Properties: { RequiresSession: true, LockDuration: 'PT30S', MaxDeliveryCount: 3 } }] }],
          Logging: { Type: 'File' },
        },
      },
    });
    try {
      const client = harness.client();
      await client.createSender('from-config').sendMessages({ body: 'configured', sessionId: 'c' });
      const receiver = await client.acceptSession('from-config', 'c', { receiveMode: 'receiveAndDelete' });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message?.body).toBe('configured');
      expect(receiver.sessionLockedUntilUtc.getTime() - Date.now()).toBeLessThanOrEqual(30_000);
    } finally {
      await harness.close();
    }
  });

  it.each([
    [[{ name: 'a' }, { name: 'A' }], 'queues[1].name'],
    [[{ name: '' }], 'queues[0].name'],
    [[{ name: 'x/$deadletterqueue' }], 'queues[0].name'],
    [[{ name: 'q', lockDurationMs: 0 }], 'queues[0].lockDurationMs'],
    [[{ name: 'q', maxDeliveryCount: 0.5 }], 'queues[0].maxDeliveryCount'],
    [[{ name: 'q', defaultMessageTimeToLiveMs: -1 }], 'queues[0].defaultMessageTimeToLiveMs'],
  ])('refuses invalid queue options %j naming %s', async (queues, option) => {
    await expect(startEmulator({ queues })).rejects.toMatchObject({ name: 'EmulatorOptionsError', option });
    await expect(startEmulator({ queues })).rejects.toBeInstanceOf(EmulatorOptionsError);
  });

  it('rejects with the listen error when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startEmulator({ port, queues: [{ name: 'q' }] })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
