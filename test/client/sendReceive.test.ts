import { firstValueFrom, lastValueFrom, take, toArray, concatMap, map } from 'rxjs';
import { ServiceBusRxError } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 5_000 });

describe('send, accept a specific session, receive, complete', () => {
  it('delivers a session\'s messages in order and completes them', async () => {
    await lastValueFrom(
      t.client.send('sq', [
        { body: 'first', sessionId: 'a', messageId: 'm1', applicationProperties: { n: 1 } },
        { body: { second: true }, sessionId: 'a', messageId: 'm2' },
        { body: Buffer.from([1, 2, 3]), sessionId: 'a', messageId: 'm3' },
      ]),
    );
    await lastValueFrom(t.client.send('sq', { body: 'other session', sessionId: 'b' }));

    const session = await firstValueFrom(t.client.acceptSession('sq', 'a'));
    expect(session.sessionId).toBe('a');
    expect(session.lockedUntil.getTime()).toBeGreaterThan(Date.now());

    const received = await lastValueFrom(
      session.messages$.pipe(
        take(3),
        concatMap((m) => m.complete().pipe(map(() => m))),
        toArray(),
      ),
    );
    expect(received.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(received[0]?.body).toBe('first');
    expect(received[0]?.applicationProperties).toEqual({ n: 1 });
    expect(received[1]?.body).toEqual({ second: true });
    expect(Buffer.from(received[2]?.body as Buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect(received.every((m) => m.sessionId === 'a' && m.deliveryCount === 0 && typeof m.lockToken === 'string')).toBe(true);
    expect(received[0]!.sequenceNumber < received[1]!.sequenceNumber).toBe(true);
    await session.close();
    expect(t.broker.stats().queues[0]?.active).toBe(1);
  });

  it('surfaces the broker refusing a message without a session id on a session queue', async () => {
    const error = await lastValueFrom(t.client.send('sq', { body: 'no session' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceBusRxError);
    expect((error as ServiceBusRxError).retryable).toBe(false);
  });
});
