import { firstValueFrom, from, lastValueFrom, last, mergeMap, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient, type LockState } from '../../src';

// client.close() ends every session locally and lets the connection's close release the links (no
// detach per link): the sessions must still end as `close()` ends them one by one.

let broker: EmulatorHandle;

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
});
afterAll(() => broker.close());

it("client.close() lets settlements already sent finish, ends every session with lost('closed') and releases every lock", async () => {
  const client = new ServiceBusClient(broker.connectionString);
  const ids = Array.from({ length: 20 }, (_, i) => `cc-${i}`);
  await lastValueFrom(client.send('sq', ids.map((id) => ({ body: id, sessionId: id }))), { defaultValue: undefined });
  const sessions = await firstValueFrom(from(ids).pipe(mergeMap((id) => client.acceptSession('sq', id)), toArray()));
  const ends = sessions.map((s) => lastValueFrom(s.lock$.pipe(last())));
  const [message] = await firstValueFrom(sessions[0]!.messages$.pipe(take(1), toArray()));
  const completed = lastValueFrom(message!.complete(), { defaultValue: undefined });
  const closed = client.close();
  await expect(completed).resolves.toBeUndefined();
  await closed;
  const finals: LockState[] = await Promise.all(ends);
  expect(finals.map((s) => (s.kind === 'lost' ? s.reason : s.kind))).toEqual(ids.map(() => 'closed'));
  // The connection's close released every lock; the completed message is gone, the others remain.
  const other = new ServiceBusClient(broker.connectionString);
  try {
    expect(broker.stats().queues[0]).toMatchObject({ lockedSessions: 0, active: 19 });
    const again = await firstValueFrom(other.acceptSession('sq', 'cc-1'));
    await again.close();
  } finally {
    await other.close();
  }
});
