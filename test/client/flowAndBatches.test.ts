import { type AccessToken, type TokenCredential } from '@azure/core-auth';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { startEmulator } from '../../src/emulator';
import { ConnectionClosedError, ServiceBusClient, ServiceBusRxError, SessionLockLostError, type LockLost, type ReceivedMessage } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 10_000 });

const accept = t.accept;
const lockedMessages = (): number => t.broker.stats().queues[0]?.locked ?? -1;

describe('credit-based backpressure', () => {
  it('never has more than maxCredit unsettled messages; settling gives credit back', async () => {
    await lastValueFrom(t.client.send('sq', Array.from({ length: 10 }, (_, i) => ({ body: i, sessionId: 'flow' }))));
    const s = await accept('flow', { maxCredit: 4 });
    const received: ReceivedMessage[] = [];
    let arrived: () => void = () => undefined;
    s.messages$.subscribe((m) => {
      received.push(m);
      arrived();
    });
    const waitFor = (n: number) => new Promise<void>((resolve) => {
      arrived = () => received.length >= n && resolve();
      arrived();
    });
    await waitFor(4);
    // A management round trip on the same connection: any transfer the t.broker had sent arrives first.
    await firstValueFrom(s.getState());
    expect(received.length).toBe(4);
    expect(lockedMessages()).toBe(4);
    await lastValueFrom(received[0]!.complete());
    await lastValueFrom(received[1]!.complete());
    await waitFor(6);
    await firstValueFrom(s.getState());
    expect(received.length).toBe(6);
    expect(received.map((m) => m.body)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps messages that arrive between subscribers for the next subscriber', async () => {
    await lastValueFrom(t.client.send('sq', Array.from({ length: 3 }, (_, i) => ({ body: i, sessionId: 'gap' }))));
    const s = await accept('gap');
    const first = await firstValueFrom(s.messages$);
    const rest = await lastValueFrom(s.messages$.pipe(take(2), toArray()));
    expect([first, ...rest].map((m) => m.body)).toEqual([0, 1, 2]);
  });
});

describe('batches', () => {
  it('splits a large array into several batch transfers under max-message-size', async () => {
    const body = 'x'.repeat(2_000);
    await lastValueFrom(t.client.send('sq', Array.from({ length: 300 }, (_, i) => ({ body, sessionId: 'big', messageId: `b${i}` }))));
    const s = await accept('big', { maxCredit: 300 });
    const got = await lastValueFrom(s.messages$.pipe(take(300), toArray()));
    expect(got.map((m) => m.messageId)).toEqual(Array.from({ length: 300 }, (_, i) => `b${i}`));
  });

  it('refuses a single message larger than max-message-size', async () => {
    const error = await lastValueFrom(t.client.send('sq', [{ body: 'y'.repeat(300_000), sessionId: 'huge' }, { body: 1, sessionId: 'huge' }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceBusRxError);
    expect((error as ServiceBusRxError).condition).toBe('amqp:link:message-size-exceeded');
  });
});

describe('closing and connection loss', () => {
  it('client.close() closes every session (lost closed) and refuses later operations', async () => {
    const s = await firstValueFrom(t.client.acceptSession('sq', 'cc'));
    const last = lastValueFrom(s.lock$);
    await t.client.close();
    expect(await last).toMatchObject({ kind: 'lost', reason: 'closed' });
    await expect(lastValueFrom(t.client.send('sq', { body: 1, sessionId: 'cc' }))).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('a dropped connection loses the sessions (detached) and the next operation reconnects', async () => {
    let local = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
    const port = local.port;
    const c = new ServiceBusClient(local.connectionString, { retry: { maxRetries: 0 } });
    try {
      const s = await firstValueFrom(c.acceptSession('sq', 'drop'));
      const messagesError = lastValueFrom(s.messages$).catch((e: unknown) => e);
      const lost = firstValueFrom(s.lock$.pipe(filter((x): x is LockLost => x.kind === 'lost')));
      await local.close();
      expect((await lost).reason).toBe('detached');
      expect(await messagesError).toBeInstanceOf(SessionLockLostError);
      await expect(firstValueFrom(s.getState())).rejects.toBeInstanceOf(SessionLockLostError);
      // Same port, fresh broker: the t.client opens a new connection on next use.
      local = await startEmulator({ port, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
      await lastValueFrom(c.send('sq', { body: 'again', sessionId: 'drop' }));
      const again = await firstValueFrom(c.acceptSession('sq', 'drop'));
      expect((await firstValueFrom(again.messages$)).body).toBe('again');
      await again.close();
    } finally {
      await c.close();
      await local.close();
    }
  });
});

describe('CBS token refresh', () => {
  it('re-sends a short-lived JWT before it expires, on the scheduler, while the session holds it', async () => {
    let calls = 0;
    let refreshed: () => void = () => undefined;
    const refreshedPromise = new Promise<void>((resolve) => (refreshed = resolve));
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        calls += 1;
        if (calls === 3) refreshed();
        return { token: `jwt-${calls}`, expiresOnTimestamp: Date.now() + 1_000 };
      },
    };
    const c = new ServiceBusClient(`localhost:${t.broker.port}`, credential, { useDevelopmentEmulator: true });
    try {
      const s = await firstValueFrom(c.acceptSession('sq', 'jwt-refresh'));
      expect(calls).toBe(1);
      await refreshedPromise; // the 1 s token is refreshed at half-life, twice
      expect((await firstValueFrom(s.lock$)).kind).not.toBe('lost');
      await s.close();
    } finally {
      await c.close();
    }
  });
});
