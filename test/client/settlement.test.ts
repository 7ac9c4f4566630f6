import { ServiceBusClient as SdkClient } from '@azure/service-bus';
import { concatMap, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { InvalidArgumentError, SessionLockLostError, type ReceivedMessage, type Session } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 10_000, maxDeliveryCount: 5 });

const accept = t.accept;
const send = (sessionId: string, bodies: unknown[]) =>
  lastValueFrom(t.client.send('sq', bodies.map((body, i) => ({ body, sessionId, messageId: `${sessionId}-${i}` }))));
const next = (s: Session, n = 1): Promise<ReceivedMessage[]> => firstValueFrom(s.messages$.pipe(take(n), toArray()));

describe('settlement', () => {
  it('abandon: redelivered in the same session with delivery count + 1 and modified properties', async () => {
    await send('ab', ['a']);
    const s = await accept('ab');
    const [m] = await next(s);
    await lastValueFrom(m!.abandon({ note: 'retry' }));
    const [again] = await next(s);
    expect(again!.messageId).toBe('ab-0');
    expect(again!.deliveryCount).toBe(1);
    expect(again!.applicationProperties['note']).toBe('retry');
    await lastValueFrom(again!.complete());
  });

  it('defer, then receiveDeferred by sequence number, then complete via the management link', async () => {
    await send('df', ['deferred', 'next']);
    const s = await accept('df');
    const [m] = await next(s);
    const seq = m!.sequenceNumber;
    await lastValueFrom(m!.defer());
    const [second] = await next(s);
    expect(second!.body).toBe('next');
    await lastValueFrom(second!.complete());
    const [deferred] = await firstValueFrom(s.receiveDeferred([seq]));
    expect(deferred!.body).toBe('deferred');
    expect(deferred!.state).toBe('deferred');
    expect(deferred!.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    await lastValueFrom(deferred!.complete());
    expect(await firstValueFrom(s.peek(10, { fromSequenceNumber: 0n }))).toEqual([]);
  });

  it('deadLetter moves the message to the DLQ with reason and description', async () => {
    await send('dl', [{ order: 7 }]);
    const s = await accept('dl');
    const [m] = await next(s);
    const before = t.broker.stats().queues[0]!.deadLettered;
    await lastValueFrom(m!.deadLetter({ reason: 'bad-order', description: 'order 7 is invalid' }));
    expect(t.broker.stats().queues[0]!.deadLettered).toBe(before + 1);

    const sdk = new SdkClient(t.broker.connectionString);
    try {
      const dlq = sdk.createReceiver('sq', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
      const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(dead?.body).toEqual({ order: 7 });
      expect(dead?.deadLetterReason).toBe('bad-order');
      expect(dead?.deadLetterErrorDescription).toBe('order 7 is invalid');
    } finally {
      await sdk.close();
    }
  });

  it('a message settles once; a second settlement is refused', async () => {
    await send('once', ['x']);
    const s = await accept('once');
    const [m] = await next(s);
    await lastValueFrom(m!.complete());
    await expect(lastValueFrom(m!.complete())).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('settling after close fails fast with SessionLockLostError; the message is redelivered to the next holder', async () => {
    await send('late', ['x']);
    const s = await accept('late');
    const [m] = await next(s);
    await s.close();
    await expect(lastValueFrom(m!.complete())).rejects.toBeInstanceOf(SessionLockLostError);
    const s2 = await accept('late');
    const [again] = await next(s2);
    expect(again!.messageId).toBe('late-0');
    expect(again!.deliveryCount).toBe(1);
    await lastValueFrom(again!.complete());
  });
});

describe('receiveAndDelete', () => {
  it('delivers pre-settled messages that cannot be settled and are gone afterwards', async () => {
    await send('rad', ['1', '2', '3']);
    const s = await accept('rad', { receiveMode: 'receiveAndDelete' });
    expect(s.receiveMode).toBe('receiveAndDelete');
    const got = await next(s, 3);
    expect(got.map((m) => m.body)).toEqual(['1', '2', '3']);
    expect(got[0]!.lockToken).toBeUndefined();
    await expect(lastValueFrom(got[0]!.complete())).rejects.toBeInstanceOf(InvalidArgumentError);
    await s.close();
    const again = await accept('rad');
    expect(await firstValueFrom(again.peek(10, { fromSequenceNumber: 0n }))).toEqual([]);
  });
});

describe('peek', () => {
  it('reads messages without locking them, continuing after the last peeked one', async () => {
    await send('pk', ['p0', 'p1', 'p2']);
    const s = await accept('pk');
    const first = await firstValueFrom(s.peek(2));
    expect(first.map((m) => m.body)).toEqual(['p0', 'p1']);
    const rest = await firstValueFrom(s.peek(5));
    expect(rest.map((m) => m.body)).toEqual(['p2']);
    expect(await firstValueFrom(s.peek(5))).toEqual([]);
    // Peeking locked nothing: the messages are still delivered, in order, first delivery.
    const received = await lastValueFrom(s.messages$.pipe(take(3), concatMap((m) => m.complete().pipe(map(() => m))), toArray()));
    expect(received.map((m) => [m.body, m.deliveryCount])).toEqual([['p0', 0], ['p1', 0], ['p2', 0]]);
  });

  it('validates count at the call', () => {
    return accept('pk-bad').then((s) => {
      expect(() => s.peek(0)).toThrow(InvalidArgumentError);
      expect(() => s.peek(1.5)).toThrow(InvalidArgumentError);
    });
  });
});
