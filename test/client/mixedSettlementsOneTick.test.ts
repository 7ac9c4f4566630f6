import { ServiceBusClient as SdkClient } from '@azure/service-bus';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 10_000, maxDeliveryCount: 5 });

describe('settlements of adjacent deliveries in one tick', () => {
  it('complete one message and dead-letter the next in the same tick: each gets its own outcome', async () => {
    await lastValueFrom(t.client.send('sq', [0, 1, 2, 3].map((body) => ({ body, sessionId: 'mix', messageId: `mix-${body}` }))));
    const s = await t.accept('mix');
    const ms = await firstValueFrom(s.messages$.pipe(take(4), toArray()));
    const before = t.broker.stats().queues[0]!.deadLettered;
    await Promise.all([
      lastValueFrom(ms[0]!.complete()),
      lastValueFrom(ms[1]!.deadLetter({ reason: 'bad' })),
      lastValueFrom(ms[2]!.complete()),
      lastValueFrom(ms[3]!.abandon()),
    ]);
    expect(t.broker.stats().queues[0]!.deadLettered).toBe(before + 1);
    const again = await firstValueFrom(s.messages$.pipe(take(1), toArray()));
    expect(again.map((m) => m.messageId)).toEqual(['mix-3']);
    await lastValueFrom(again[0]!.complete());
    const sdk = new SdkClient(t.broker.connectionString);
    try {
      const dlq = sdk.createReceiver('sq', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
      const dead = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(dead.map((m) => m.messageId)).toEqual(['mix-1']);
    } finally {
      await sdk.close();
    }
  });
});
