import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { main } from '../../examples/poolWithIdleTimeout';

let broker: EmulatorHandle;
beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'telemetry', requiresSession: true }] });
});
afterAll(() => broker.close());

it('examples/poolWithIdleTimeout: every session is handled, then closed by the idle timeout, never more than 2 at once', async () => {
  const events = await main(broker.connectionString);
  let open = 0;
  let maxOpen = 0;
  for (const e of events) {
    if (e.kind === 'accepted') maxOpen = Math.max(maxOpen, ++open);
    if (e.kind === 'ended') open--;
  }
  expect(maxOpen).toBe(2);
  expect(events.filter((e) => e.kind === 'message')).toHaveLength(10);
  const ended = events.filter((e) => e.kind === 'ended');
  expect(ended.map((e) => e.sessionId).sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
  expect(ended.every((e) => e.kind === 'ended' && e.reason === 'closed')).toBe(true);
  expect(broker.stats().queues[0]).toMatchObject({ active: 0, lockedSessions: 0 });
});
