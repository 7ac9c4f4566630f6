import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { main } from '../../examples/checkpointResume';

let broker: EmulatorHandle;
beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'jobs', requiresSession: true }] });
});
afterAll(() => broker.close());

it('examples/checkpointResume: resumes from the session-state checkpoint after a crash, doing no step twice', async () => {
  const result = await main(broker.connectionString);
  expect(result.firstRun).toEqual([
    { step: 1, done: 'processed' },
    { step: 2, done: 'processed' },
  ]);
  expect(result.resumedFrom).toEqual({ lastStep: 3, sum: 60 });
  expect(result.secondRun).toEqual([
    { step: 3, done: 'skipped' },
    { step: 4, done: 'processed' },
    { step: 5, done: 'processed' },
    { step: 6, done: 'processed' },
  ]);
  expect(result.final).toEqual({ lastStep: 6, sum: 210 });
  expect(broker.stats().queues[0]).toMatchObject({ active: 0, lockedSessions: 0 });
});
