import { firstValueFrom, lastValueFrom, take, concatMap } from 'rxjs';
import { ServiceBusClient } from '../../src';
import { startEmulator } from '../../src/emulator';

// docs/getting-started.md, section 3, as written there (imports mapped to the repository).
it('docs/getting-started.md: the first-session walkthrough runs as written', async () => {
  const log: unknown[][] = [];
  const console = { log: (...args: unknown[]) => void log.push(args) };

  const broker = await startEmulator({ port: 0, queues: [{ name: 'orders', requiresSession: true }] });
  const client = new ServiceBusClient(broker.connectionString);

  await lastValueFrom(
    client.send('orders', [
      { body: { step: 'order-created' }, sessionId: 'customer-1' },
      { body: { step: 'item-added', sku: 'book' }, sessionId: 'customer-1' },
      { body: { step: 'order-submitted' }, sessionId: 'customer-1' },
    ]),
  );

  const session = await firstValueFrom(client.acceptSession('orders', 'customer-1', { autoRenew: { maxDuration: 300_000 } }));
  console.log(`locked ${session.sessionId} until ${session.lockedUntil.toISOString()}`);

  await lastValueFrom(
    session.messages$.pipe(
      take(3),
      concatMap((message) => {
        console.log('processing', message.body);
        return message.complete();
      }),
    ),
  );

  await lastValueFrom(session.setState('submitted'));
  console.log('state:', await firstValueFrom(session.getState()));

  await session.close();
  await client.close();
  const stats = broker.stats().queues[0];
  await broker.close();

  expect(log.map((l) => l[0])).toEqual([expect.stringMatching(/^locked customer-1 until /), 'processing', 'processing', 'processing', 'state:']);
  expect(log.slice(1, 4).map((l) => l[1])).toEqual([{ step: 'order-created' }, { step: 'item-added', sku: 'book' }, { step: 'order-submitted' }]);
  expect(log[4]?.[1]).toBe('submitted');
  expect(stats).toMatchObject({ active: 0, lockedSessions: 0 });
});

// docs/getting-started.md, section 5, as written there.
it("docs/getting-started.md: sessions from a topic's subscription run as written", async () => {
  const log: unknown[][] = [];
  const console = { log: (...args: unknown[]) => void log.push(args) };

  const broker = await startEmulator({
    port: 0,
    topics: [
      {
        name: 'orders',
        subscriptions: [
          { name: 'billing', requiresSession: true },
          { name: 'eu-shipping', requiresSession: true, rules: [{ name: 'eu', filter: { type: 'sql', sqlExpression: "region = 'eu'" } }] },
        ],
      },
    ],
  });
  const client = new ServiceBusClient(broker.connectionString);

  // Sent once, to the topic: billing gets a copy, and so does eu-shipping since its rule matches.
  await lastValueFrom(client.send('orders', { body: { step: 'order-created' }, sessionId: 'customer-1', applicationProperties: { region: 'eu' } }));

  const billing = await firstValueFrom(client.acceptSession({ topic: 'orders', subscription: 'billing' }, 'customer-1'));
  const shipping = await firstValueFrom(client.acceptNextSession({ topic: 'orders', subscription: 'eu-shipping' }));
  for (const session of [billing, shipping]) {
    const message = await firstValueFrom(session.messages$);
    console.log(session.sessionId, message.body);
    await lastValueFrom(message.complete());
    await session.close();
  }

  await client.close();
  const stats = broker.stats().topics[0]?.subscriptions;
  await broker.close();
  expect(log).toEqual([
    ['customer-1', { step: 'order-created' }],
    ['customer-1', { step: 'order-created' }],
  ]);
  for (const s of stats ?? []) expect(s).toMatchObject({ active: 0, lockedSessions: 0 });
});
