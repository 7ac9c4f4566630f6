import type { ServiceBusAdministrationClient } from '@azure/service-bus';
import { errorOf, SdkHarness } from './sdkHarness';
import { emulatorAdminClient } from './httpAdminClient';

describe('administration API: topics, subscriptions and rules (official ServiceBusAdministrationClient)', () => {
  let harness: SdkHarness;
  let admin: ServiceBusAdministrationClient;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [{ name: 'audit' }],
      topics: [
        {
          name: 'events',
          subscriptions: [
            { name: 'all' },
            { name: 'red', lockDurationMs: 20_000, rules: [{ name: 'isRed', filter: { type: 'sql', sqlExpression: "colour = 'red'" } }] },
            { name: 'by-subject', rules: [{ name: 'orders', filter: { type: 'correlation', subject: 'order', properties: { region: 'eu', n: 3 } } }] },
          ],
        },
      ],
    });
    admin = emulatorAdminClient(harness.emulator.connectionString);
  });
  afterAll(() => harness.close());

  it('reads the configured topology: topics, subscriptions, rules', async () => {
    const topics: string[] = [];
    for await (const topic of admin.listTopics()) topics.push(topic.name);
    expect(topics).toEqual(['events']);
    expect(await admin.getTopic('events')).toMatchObject({ name: 'events', requiresDuplicateDetection: false, status: 'Active' });
    const subscriptions: string[] = [];
    for await (const subscription of admin.listSubscriptions('events')) subscriptions.push(subscription.subscriptionName);
    expect(subscriptions).toEqual(['all', 'red', 'by-subject']);
    expect(await admin.getSubscription('events', 'red')).toMatchObject({ topicName: 'events', subscriptionName: 'red', lockDuration: 'PT20S', requiresSession: false });
    const rules = [];
    for await (const rule of admin.listRules('events', 'red')) rules.push(rule);
    expect(rules).toEqual([expect.objectContaining({ name: 'isRed', filter: expect.objectContaining({ sqlExpression: "colour = 'red'" }) })]);
    expect((await admin.getRule('events', 'all', '$Default')).filter).toMatchObject({ sqlExpression: '1=1' });
    expect((await admin.getRule('events', 'by-subject', 'orders')).filter).toMatchObject({ subject: 'order', applicationProperties: { region: 'eu', n: 3 } });
    expect(await admin.topicExists('events')).toBe(true);
    expect(await admin.subscriptionExists('events', 'nope')).toBe(false);
    expect(await admin.ruleExists('events', 'red', 'isRed')).toBe(true);
  });

  it('reports runtime counts of topics and subscriptions', async () => {
    await harness.client().createSender('events').sendMessages([
      { body: 1, applicationProperties: { colour: 'red' } },
      { body: 2, applicationProperties: { colour: 'blue' } },
    ]);
    expect(await admin.getSubscriptionRuntimeProperties('events', 'all')).toMatchObject({ activeMessageCount: 2, totalMessageCount: 2 });
    expect(await admin.getSubscriptionRuntimeProperties('events', 'red')).toMatchObject({ activeMessageCount: 1 });
    expect(await admin.getTopicRuntimeProperties('events')).toMatchObject({ name: 'events', subscriptionCount: 3, scheduledMessageCount: 0 });
  });

  it('creates a topic, a subscription with a rule and a further rule whose filtering applies', async () => {
    await admin.createTopic('made', { defaultMessageTimeToLive: 'PT1H' });
    await admin.createSubscription('made', 'picked', { defaultRuleOptions: { name: 'big', filter: { applicationProperties: { size: 'big' } } } });
    expect((await admin.getRule('made', 'picked', 'big')).filter).toMatchObject({ applicationProperties: { size: 'big' } });
    const added = await admin.createRule('made', 'picked', 'urgent', { subject: 'urgent' });
    expect(added).toMatchObject({ name: 'urgent', filter: { subject: 'urgent' } });

    const client = harness.client();
    await client.createSender('made').sendMessages([
      { body: 'small', applicationProperties: { size: 'small' } },
      { body: 'large', applicationProperties: { size: 'big' } },
      { body: 'urgent', subject: 'urgent', applicationProperties: { size: 'small' } },
    ]);
    expect(await admin.getSubscriptionRuntimeProperties('made', 'picked')).toMatchObject({ activeMessageCount: 2 });
    const receiver = client.createReceiver('made', 'picked');
    const received = await receiver.receiveMessages(3, { maxWaitTimeInMs: 2_000 });
    expect(received.map((m) => m.body).sort()).toEqual(['large', 'urgent']);
    for (const message of received) await receiver.completeMessage(message);
    await receiver.close();

    await admin.deleteRule('made', 'picked', 'urgent');
    expect(await admin.ruleExists('made', 'picked', 'urgent')).toBe(false);
    await admin.deleteSubscription('made', 'picked');
    await admin.deleteTopic('made');
    expect(await admin.topicExists('made')).toBe(false);
  });

  it('creates a topic, a subscription with a SQL rule and a further rule (with an action) whose filtering applies', async () => {
    await admin.createTopic('sqlmade');
    await admin.createSubscription('sqlmade', 'big', { defaultRuleOptions: { name: 'bigOnes', filter: { sqlExpression: 'size > 10' } } });
    expect((await admin.getRule('sqlmade', 'big', 'bigOnes')).filter).toMatchObject({ sqlExpression: 'size > 10' });
    const added = await admin.createRule('sqlmade', 'big', 'urgent', { sqlExpression: "priority = 'high'" }, { sqlExpression: "SET tagged = 'yes'" });
    expect(added).toMatchObject({ name: 'urgent', filter: { sqlExpression: "priority = 'high'" }, action: { sqlExpression: "SET tagged = 'yes'" } });

    const client = harness.client();
    await client.createSender('sqlmade').sendMessages([
      { body: 'small', applicationProperties: { size: 1 } },
      { body: 'large', applicationProperties: { size: 50 } },
      { body: 'urgent', applicationProperties: { size: 2, priority: 'high' } },
    ]);
    expect(await admin.getSubscriptionRuntimeProperties('sqlmade', 'big')).toMatchObject({ activeMessageCount: 2 });
    const receiver = client.createReceiver('sqlmade', 'big');
    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2_000 });
    expect(received.map((m) => m.body).sort()).toEqual(['large', 'urgent']);
    expect(received.find((m) => m.body === 'urgent')?.applicationProperties?.['tagged']).toBe('yes');
    expect(received.find((m) => m.body === 'large')?.applicationProperties?.['tagged']).toBeUndefined();
    for (const message of received) await receiver.completeMessage(message);
    await receiver.close();
    const bad = await errorOf(admin.createRule('sqlmade', 'big', 'broken', { sqlExpression: 'size > ' }));
    expect(bad).toMatchObject({ statusCode: 400, code: 'ServiceError' });
    await admin.deleteTopic('sqlmade');
  });

  it('creates a correlation rule and a forwarding subscription', async () => {
    await admin.createSubscription('events', 'to-audit', { forwardTo: 'audit', defaultRuleOptions: { name: 'eu', filter: { applicationProperties: { region: 'eu' } } } });
    const subscription = await admin.getSubscription('events', 'to-audit');
    expect(subscription.forwardTo).toMatch(/\/audit$/);
    await harness.client().createSender('events').sendMessages([{ body: 'eu', applicationProperties: { region: 'eu' } }, { body: 'us', applicationProperties: { region: 'us' } }]);
    const receiver = harness.client().createReceiver('audit');
    const [forwarded] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(forwarded?.body).toBe('eu');
    await receiver.completeMessage(forwarded!);
    const unforwarded = await admin.updateSubscription({ ...subscription, forwardTo: undefined });
    expect(unforwarded.forwardTo).toBeUndefined();
    await admin.deleteSubscription('events', 'to-audit');
  });

  it('maps errors: 404, 409, 400 with the reason', async () => {
    expect(await errorOf(admin.getTopic('missing'))).toMatchObject({ statusCode: 404, code: 'MessageEntityNotFoundError' });
    expect(await errorOf(admin.getSubscription('events', 'missing'))).toMatchObject({ statusCode: 404, code: 'MessageEntityNotFoundError' });
    expect(await errorOf(admin.getRule('events', 'red', 'missing'))).toMatchObject({ statusCode: 404, code: 'MessageEntityNotFoundError' });
    expect(await errorOf(admin.createTopic('audit'))).toMatchObject({ statusCode: 409, code: 'MessageEntityAlreadyExistsError' });
    expect(await errorOf(admin.createSubscription('events', 'red'))).toMatchObject({ statusCode: 409, code: 'MessageEntityAlreadyExistsError' });
    expect(await errorOf(admin.createRule('events', 'red', 'isRed', { subject: 'x' }))).toMatchObject({ statusCode: 409 });
    const bad = await errorOf(admin.createRule('events', 'red', 'empty', {}));
    expect(bad).toMatchObject({ statusCode: 400, code: 'ServiceError' });
    const loop = await errorOf(admin.createSubscription('events', 'nowhere', { forwardTo: 'no-such-queue' }));
    expect(loop).toMatchObject({ statusCode: 400 });
    expect(loop.message).toMatch(/no-such-queue/);
  });
});
