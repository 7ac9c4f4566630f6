import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { main, orderEventsTopic } from '../../examples/topicFanOut';

let broker: EmulatorHandle;
beforeAll(async () => {
  broker = await startEmulator({ port: 0, topics: [orderEventsTopic] });
});
afterAll(() => broker.close());

const inOrder = ['placed', 'paid', 'shipped'];

it('examples/topicFanOut: each subscription gets the orders its rule selects, each in order, and leaves nothing behind', async () => {
  await expect(main(broker.connectionString, 500)).resolves.toEqual({
    'eu-fulfilment': { 'o-1': inOrder, 'o-3': inOrder },
    'fraud-review': { 'o-2': inOrder, 'o-3': inOrder },
  });
  for (const s of broker.stats().topics[0]?.subscriptions ?? []) expect(s).toMatchObject({ active: 0, deadLettered: 0, lockedSessions: 0 });
});

it('runs standalone against its own embedded broker when given no connection string', async () => {
  const result = await main(undefined, 500);
  expect(Object.keys(result['eu-fulfilment'] ?? {}).sort()).toEqual(['o-1', 'o-3']);
  expect(Object.keys(result['fraud-review'] ?? {}).sort()).toEqual(['o-2', 'o-3']);
});
