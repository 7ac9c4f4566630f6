import { firstValueFrom, from, lastValueFrom, mergeMap, take, toArray } from 'rxjs';
import { ServiceBusClient, type Session } from '../../src';
import { brokerAndClient } from './brokerAndClient';

// Session receiver links share AMQP sessions (up to 256 links each): these tests check that sharing is
// invisible — links come and go independently, locks are released per link, and one link's unsettled
// message never holds up the others.

const t = brokerAndClient({ lockDurationMs: 60_000 });

const acceptAll = (c: ServiceBusClient, ids: readonly string[]): Promise<Session[]> =>
  firstValueFrom(from(ids).pipe(mergeMap((id) => c.acceptSession('sq', id), 100), toArray()));

describe('session receivers on shared AMQP sessions', () => {
  it('closing some sessions releases exactly their locks; the others keep receiving and settling', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `shared-${i}`); // more than one AMQP session's worth
    const sessions = await acceptAll(t.client, ids);
    expect(t.broker.stats().queues[0]?.lockedSessions).toBe(300);

    const closed = sessions.filter((_, i) => i % 2 === 0);
    const kept = sessions.filter((_, i) => i % 2 === 1);
    await Promise.all(closed.map((s) => s.close()));
    expect(t.broker.stats().queues[0]?.lockedSessions).toBe(150);

    // Released on their links' detach: another connection can lock them now.
    const again = await acceptAll(t.other, closed.slice(0, 20).map((s) => s.sessionId));
    expect(again.map((s) => s.sessionId)).toHaveLength(20);

    // The kept ones still work on the AMQP sessions their closed neighbours left.
    const probe = [kept[0], kept[74], kept[149]] as Session[];
    await lastValueFrom(t.client.send('sq', probe.map((s) => ({ body: `to ${s.sessionId}`, sessionId: s.sessionId }))));
    const bodies = await Promise.all(
      probe.map((s) => firstValueFrom(s.messages$.pipe(mergeMap((m) => m.complete().pipe(mergeMap(async () => m.body)))))),
    );
    expect(bodies).toEqual(probe.map((s) => `to ${s.sessionId}`));
    await Promise.all(kept.map((s) => s.renewLock()).map((r) => firstValueFrom(r)));
  });

  it("one session's unsettled message does not stall another session on the same AMQP session", async () => {
    const [held, busy] = (await acceptAll(t.client, ['hold-a', 'busy-b'])) as [Session, Session];
    await lastValueFrom(t.client.send('sq', { body: 'kept unsettled', sessionId: 'hold-a' }));
    const kept = await firstValueFrom(held.messages$);
    // More deliveries than rhea's default session window (2048) pass while `kept` stays unsettled.
    const count = 2_500;
    for (let i = 0; i < count; i += 500) {
      await lastValueFrom(t.client.send('sq', Array.from({ length: 500 }, (_, j) => ({ body: i + j, sessionId: 'busy-b' }))));
    }
    const done = await lastValueFrom(busy.messages$.pipe(mergeMap((m) => m.complete(), 200), take(count), toArray()));
    expect(done).toHaveLength(count);
    await firstValueFrom(kept.complete(), { defaultValue: undefined });
  });
});
