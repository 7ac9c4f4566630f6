import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { main, sampleOrders } from '../../examples/orderProcessing';

let broker: EmulatorHandle;
beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'orders', requiresSession: true }] });
});
afterAll(() => broker.close());

it('examples/orderProcessing: totals every customer, leaves nothing behind', async () => {
  const expected: Record<string, number> = {};
  for (const o of sampleOrders()) expected[o.customer] = (expected[o.customer] ?? 0) + (o.type === 'item-added' ? o.priceCents : 0);
  await expect(main(broker.connectionString)).resolves.toEqual(expected);
  expect(broker.stats().queues[0]).toMatchObject({ active: 0, lockedSessions: 0 });
});

it('runs standalone against its own embedded broker when given no connection string', async () => {
  await expect(main()).resolves.toEqual({ alice: 1_550, bob: 4_599, carol: 1_748 });
});
