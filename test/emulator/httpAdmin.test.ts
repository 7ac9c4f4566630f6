import { ServiceBusAdministrationClient } from '@azure/service-bus';
import { errorOf, SdkHarness } from './sdkHarness';
import { emulatorAdminClient } from './httpAdminClient';

describe('administration API (official ServiceBusAdministrationClient over the AMQP port)', () => {
  let harness: SdkHarness;
  let admin: ServiceBusAdministrationClient;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'orders', requiresSession: true, lockDurationMs: 30_000, maxDeliveryCount: 5 },
        { name: 'plain', defaultMessageTimeToLiveMs: 3_600_000, deadLetteringOnMessageExpiration: true },
      ],
    });
    admin = emulatorAdminClient(harness.emulator.connectionString);
  });
  afterAll(() => harness.close());

  it('reads the configured queues with their settings', async () => {
    const orders = await admin.getQueue('orders');
    expect(orders).toMatchObject({ name: 'orders', requiresSession: true, lockDuration: 'PT30S', maxDeliveryCount: 5, status: 'Active' });
    const plain = await admin.getQueue('plain');
    expect(plain).toMatchObject({ name: 'plain', requiresSession: false, defaultMessageTimeToLive: 'PT1H', deadLetteringOnMessageExpiration: true });
    const names: string[] = [];
    for await (const queue of admin.listQueues()) names.push(queue.name);
    expect(names).toEqual(['orders', 'plain']);
    expect(await admin.queueExists('orders')).toBe(true);
    expect(await admin.queueExists('nope')).toBe(false);
  });

  it('pages the queue list', async () => {
    const pages: string[][] = [];
    for await (const page of admin.listQueues().byPage({ maxPageSize: 1 })) pages.push(page.map((queue) => queue.name));
    expect(pages).toEqual([['orders'], ['plain']]);
  });

  it('reports runtime counts after messages are sent', async () => {
    const sender = harness.client().createSender('orders');
    await sender.sendMessages([{ body: 'a', sessionId: 's1' }, { body: 'b', sessionId: 's2' }]);
    await sender.scheduleMessages({ body: 'later', sessionId: 's1' }, new Date(Date.now() + 3_600_000));
    const runtime = await admin.getQueueRuntimeProperties('orders');
    expect(runtime).toMatchObject({ name: 'orders', activeMessageCount: 2, scheduledMessageCount: 1, deadLetterMessageCount: 0, totalMessageCount: 3 });
    expect(runtime.sizeInBytes).toBeGreaterThan(0);
    expect(runtime.createdAt).toBeInstanceOf(Date);
    const all: string[] = [];
    for await (const queue of admin.listQueuesRuntimeProperties()) all.push(`${queue.name}:${queue.activeMessageCount}`);
    expect(all).toEqual(['orders:2', 'plain:0']);
  });

  it('creates a queue that messaging then uses, updates it, deletes it', async () => {
    const created = await admin.createQueue('made-at-runtime', { requiresSession: true, lockDuration: 'PT10S', maxDeliveryCount: 3, userMetadata: 'hello' });
    expect(created).toMatchObject({ name: 'made-at-runtime', requiresSession: true, lockDuration: 'PT10S', maxDeliveryCount: 3, userMetadata: 'hello' });

    const client = harness.client();
    await client.createSender('made-at-runtime').sendMessages({ body: 'first', sessionId: 'x' });
    const receiver = await client.acceptSession('made-at-runtime', 'x');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('first');
    await receiver.completeMessage(message!);
    await receiver.close();

    const updated = await admin.updateQueue({ ...created, userMetadata: 'changed', maxSizeInMegabytes: 2048 });
    expect(updated).toMatchObject({ name: 'made-at-runtime', userMetadata: 'changed', maxSizeInMegabytes: 2048 });
    expect(await admin.updateQueue({ ...updated, maxDeliveryCount: 9 })).toMatchObject({ maxDeliveryCount: 9 });
    const refused = await errorOf(admin.updateQueue({ ...updated, requiresSession: false }));
    expect(refused).toMatchObject({ statusCode: 400, code: 'ServiceError' });
    expect(refused.message).toMatch(/requiresSession/);

    await admin.deleteQueue('made-at-runtime');
    expect(await admin.queueExists('made-at-runtime')).toBe(false);
    const gone = await errorOf(client.createSender('made-at-runtime').sendMessages({ body: 'x', sessionId: 'x' }));
    expect(gone.message).toMatch(/could not be found/);
  });

  it('maps errors to the SDK codes: 404, 409, 400 with the reason, 401', async () => {
    expect(await errorOf(admin.getQueue('missing'))).toMatchObject({ statusCode: 404, code: 'MessageEntityNotFoundError' });
    expect(await errorOf(admin.deleteQueue('missing'))).toMatchObject({ statusCode: 404, code: 'MessageEntityNotFoundError' });
    expect(await errorOf(admin.createQueue('orders'))).toMatchObject({ statusCode: 409, code: 'MessageEntityAlreadyExistsError' });
    const bad = await errorOf(admin.createQueue('bad-lock', { lockDuration: 'PT10M' }));
    expect(bad).toMatchObject({ statusCode: 400, code: 'ServiceError' });
    expect(bad.message).toMatch(/LockDuration must be between/);
    const wrongKey = harness.emulator.connectionString.replace('SharedAccessKey=SAS_KEY_VALUE', 'SharedAccessKey=wrong');
    const unauthorised = await errorOf(emulatorAdminClient(wrongKey).getQueue('orders'));
    expect(unauthorised).toMatchObject({ statusCode: 401, code: 'UnauthorizedRequestError' });
  });

  it('reads the namespace properties', async () => {
    const namespace = await admin.getNamespaceProperties();
    expect(namespace).toMatchObject({ name: 'localhost', messagingSku: 'Standard' });
    expect(namespace.createdAt).toBeInstanceOf(Date);
  });
});

describe('administration API rights', () => {
  let harness: SdkHarness;
  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [{ name: 'q' }],
      sasKeys: [
        { name: 'root', key: 'root-key', rights: ['Manage'] },
        { name: 'reader', key: 'reader-key', rights: ['Listen'] },
      ],
    });
  });
  afterAll(() => harness.close());

  it('lets a key without Manage read but not write', async () => {
    const withKey = (name: string, key: string): string =>
      harness.emulator.connectionString.replace(/SharedAccessKeyName=[^;]*;SharedAccessKey=[^;]*;/, `SharedAccessKeyName=${name};SharedAccessKey=${key};`);
    const reader = emulatorAdminClient(withKey('reader', 'reader-key'));
    expect((await reader.getQueue('q')).name).toBe('q');
    const refused = await errorOf(reader.createQueue('nope'));
    expect(refused).toMatchObject({ statusCode: 401, code: 'UnauthorizedRequestError' });
    expect(refused.message).toMatch(/Manage right/);
    expect((await emulatorAdminClient(withKey('root', 'root-key')).createQueue('yes')).name).toBe('yes');
  });
});
