import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient } from '../../src';

let broker: EmulatorHandle;
let client: ServiceBusClient;

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
});
afterAll(() => broker.close());
beforeEach(() => {
  client = new ServiceBusClient(broker.connectionString);
});
afterEach(() => client.close());

it('close() lets settlements already sent finish, then detaches; unsettled messages go back to the queue', async () => {
  await lastValueFrom(client.send('sq', [1, 2, 3].map((n) => ({ body: n, sessionId: 'g' }))), { defaultValue: undefined });
  const session = await firstValueFrom(client.acceptSession('sq', 'g'));
  const [first, second] = await firstValueFrom(session.messages$.pipe(take(2), toArray()));
  const completed = lastValueFrom(first!.complete(), { defaultValue: 'done' });
  const closed = session.close();
  await expect(completed).resolves.toBeUndefined();
  await closed;
  // After close nothing more can be settled, and what was not settled is delivered again.
  await expect(lastValueFrom(second!.complete(), { defaultValue: undefined })).rejects.toMatchObject({ name: 'SessionLockLostError', reason: 'closed' });
  const again = await firstValueFrom(client.acceptSession('sq', 'g'));
  const redelivered = await firstValueFrom(again.messages$.pipe(take(2), toArray()));
  expect(redelivered.map((m) => m.body)).toEqual([2, 3]);
  await lastValueFrom(redelivered[0]!.complete(), { defaultValue: undefined });
  await lastValueFrom(redelivered[1]!.complete(), { defaultValue: undefined });
  await again.close();
  expect(broker.stats().queues[0]).toMatchObject({ active: 0, lockedSessions: 0 });
});
