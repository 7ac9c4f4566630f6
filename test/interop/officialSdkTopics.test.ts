import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { errorOf, SdkHarness } from '../emulator/sdkHarness';

/**
 * Topics, subscriptions, rules, duplicate detection and auto-forwarding through the official
 * `@azure/service-bus` SDK, unmodified, against the broker.
 */
describe('official SDK: topics and subscriptions', () => {
  let harness: SdkHarness;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'dedup-q', requiresDuplicateDetection: true },
        { name: 'fwd-src', forwardTo: 'fwd-dst' },
        { name: 'fwd-dst' },
        { name: 'dl-src', forwardDeadLetteredMessagesTo: 'dl-dst', maxDeliveryCount: 1 },
        { name: 'dl-dst' },
        { name: 'to-topic', forwardTo: 'chain' },
      ],
      topics: [
        {
          name: 'fan',
          subscriptions: [
            { name: 'all' },
            { name: 'red', rules: [{ name: 'red', filter: { type: 'correlation', properties: { color: 'red' } } }] },
            { name: 'urgent', rules: [{ name: 'urgent', filter: { type: 'correlation', subject: 'urgent', contentType: 'text/plain' } }] },
            {
              name: 'either',
              rules: [
                { name: 'red', filter: { type: 'correlation', properties: { color: 'red' } } },
                { name: 'urgent', filter: { type: 'correlation', subject: 'urgent' } },
              ],
            },
            { name: 'none', rules: [{ name: 'never', filter: { type: 'false' } }] },
          ],
        },
        { name: 'sessions', subscriptions: [{ name: 'ss', requiresSession: true, lockDurationMs: 30_000 }, { name: 'plain' }] },
        { name: 'dlq', subscriptions: [{ name: 's', maxDeliveryCount: 2 }] },
        { name: 'dedup-t', requiresDuplicateDetection: true, subscriptions: [{ name: 'a' }, { name: 'b' }] },
        { name: 'sched', subscriptions: [{ name: 'a' }] },
        { name: 'fwd-topic', subscriptions: [{ name: 'onward', forwardTo: 'fwd-dst' }, { name: 'kept' }] },
        { name: 'chain', subscriptions: [{ name: 'end' }] },
        { name: 'ruled', subscriptions: [{ name: 's', rules: [{ name: 'never', filter: { type: 'false' } }] }] },
        {
          name: 'sql',
          subscriptions: [
            { name: 'all' },
            { name: 'big', rules: [{ name: 'big', filter: { type: 'sql', sqlExpression: 'amount > 1000' } }] },
            {
              name: 'tagged',
              rules: [
                { name: 'eu', filter: { type: 'sql', sqlExpression: "region = 'eu'" }, action: { sqlExpression: "SET tier = 'gold'; SET sys.Label = 'eu-order'" } },
                { name: 'vip', filter: { type: 'correlation', subject: 'vip' }, action: { sqlExpression: 'SET vip = TRUE' } },
              ],
            },
          ],
        },
      ],
    });
  });
  afterEach(() => harness.closeClients());
  afterAll(() => harness.close());

  const subscriptionStats = (topic: string, subscription: string) =>
    harness.emulator
      .stats()
      .topics.find((t) => t.name === topic)
      ?.subscriptions.find((s) => s.name === `${topic}/Subscriptions/${subscription}`);

  async function drain(topic: string, subscription: string, count: number, options: { deadLetter?: boolean } = {}): Promise<ServiceBusReceivedMessage[]> {
    const receiver = harness.client().createReceiver(topic, subscription, {
      receiveMode: 'receiveAndDelete',
      ...(options.deadLetter === true ? { subQueueType: 'deadLetter' as const } : {}),
    });
    const got: ServiceBusReceivedMessage[] = [];
    while (got.length < count) {
      const batch = await receiver.receiveMessages(count - got.length, { maxWaitTimeInMs: 5_000 });
      if (batch.length === 0) break;
      got.push(...batch);
    }
    await receiver.close();
    return got;
  }

  it('fans a message out to every subscription whose rules match, one copy each (two matching rules → one copy)', async () => {
    const sender = harness.client().createSender('fan');
    await sender.sendMessages([
      { body: 'plain', messageId: 'm1' },
      { body: 'red', messageId: 'm2', applicationProperties: { color: 'red' } },
      { body: 'red-urgent', messageId: 'm3', subject: 'urgent', contentType: 'text/plain', applicationProperties: { color: 'red' } },
      { body: 'urgent-json', messageId: 'm4', subject: 'urgent', contentType: 'application/json' },
    ]);
    const bodies = async (subscription: string, count: number) => (await drain('fan', subscription, count)).map((m) => m.body);
    expect(await bodies('all', 4)).toEqual(['plain', 'red', 'red-urgent', 'urgent-json']);
    expect(await bodies('red', 2)).toEqual(['red', 'red-urgent']);
    expect(await bodies('urgent', 1)).toEqual(['red-urgent']);
    expect(await bodies('either', 3)).toEqual(['red', 'red-urgent', 'urgent-json']);
    expect(subscriptionStats('fan', 'either')).toMatchObject({ active: 0 });
    expect(subscriptionStats('fan', 'none')).toMatchObject({ active: 0 });
  });

  it('copies keep message id, properties and body; each subscription settles its own copy', async () => {
    await harness.client().createSender('fan').sendMessages({ body: { n: 1 }, messageId: 'copy-1', correlationId: 'c', applicationProperties: { color: 'red', n: 7 } });
    const receiver = harness.client().createReceiver('fan', 'red');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message).toMatchObject({ body: { n: 1 }, messageId: 'copy-1', correlationId: 'c', applicationProperties: { color: 'red', n: 7 } });
    await receiver.abandonMessage(message!);
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(again?.deliveryCount).toBe(1);
    await receiver.completeMessage(again!);
    expect(subscriptionStats('fan', 'red')).toMatchObject({ active: 0 });
    expect((await drain('fan', 'all', 1))[0]?.deliveryCount).toBe(0);
    expect((await drain('fan', 'either', 1))[0]?.messageId).toBe('copy-1');
  });

  it('refuses a receiver on the topic itself (receive from a subscription)', async () => {
    const receiver = harness.client().createReceiver('fan');
    const error = await errorOf(receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 }));
    expect(error.message).toMatch(/subscriptions/i);
  });

  it('serves sessions on a session-enabled subscription: accept, exclusivity, next available, state, peek, receiveAndDelete', async () => {
    const client = harness.client();
    const sender = client.createSender('sessions');
    await sender.sendMessages([
      { body: 'a1', sessionId: 'A' },
      { body: 'b1', sessionId: 'B' },
      { body: 'a2', sessionId: 'A' },
    ]);
    const a = await client.acceptSession('sessions', 'ss', 'A');
    expect((await errorOf(harness.client().acceptSession('sessions', 'ss', 'A'))).code).toBe('SessionCannotBeLocked');
    const peeked = await a.peekMessages(5);
    expect(peeked.map((m) => m.body)).toEqual(['a1', 'a2']);
    const got = await a.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    expect(got.map((m) => m.body)).toEqual(['a1', 'a2']);
    for (const m of got) await a.completeMessage(m);
    await a.setSessionState('done');
    await a.renewSessionLock();
    await a.close();
    const again = await client.acceptSession('sessions', 'ss', 'A');
    expect(await again.getSessionState()).toBe('done');
    await again.close();

    const next = await client.acceptNextSession('sessions', 'ss', { receiveMode: 'receiveAndDelete' });
    expect(next.sessionId).toBe('B');
    expect((await next.receiveMessages(1, { maxWaitTimeInMs: 5_000 }))[0]?.body).toBe('b1');
    await next.close();
    expect(subscriptionStats('sessions', 'ss')).toMatchObject({ active: 0 });
    expect((await drain('sessions', 'plain', 3)).map((m) => m.sessionId)).toEqual(['A', 'B', 'A']);
  });

  it('dead-letters the copy of a message without session id in a session subscription (as Service Bus does)', async () => {
    await harness.client().createSender('sessions').sendMessages({ body: 'no session' });
    const [dead] = await drain('sessions', 'ss', 1, { deadLetter: true });
    expect(dead).toMatchObject({ body: 'no session', deadLetterReason: 'Session id is null.', deadLetterSource: 'sessions/Subscriptions/ss' });
    expect((await drain('sessions', 'plain', 1)).map((m) => m.body)).toEqual(['no session']);
  });

  it('dead-letters on a subscription (explicitly and past MaxDeliveryCount), defers and renews locks', async () => {
    const client = harness.client();
    await client.createSender('dlq').sendMessages([{ body: 'bad' }, { body: 'flaky' }, { body: 'later' }]);
    const receiver = client.createReceiver('dlq', 's');
    const [bad, flaky, later] = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
    await receiver.deadLetterMessage(bad!, { deadLetterReason: 'Invalid', deadLetterErrorDescription: 'not parseable' });
    await receiver.renewMessageLock(later!);
    await receiver.deferMessage(later!);
    await receiver.abandonMessage(flaky!);
    const [flaky2] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.abandonMessage(flaky2!);
    const [deferred] = await receiver.receiveDeferredMessages([later!.sequenceNumber!]);
    expect(deferred?.body).toBe('later');
    await receiver.completeMessage(deferred!);
    const dead = await drain('dlq', 's', 2, { deadLetter: true });
    expect(dead.map((m) => [m.body, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['bad', 'Invalid', 'not parseable'],
      ['flaky', 'MaxDeliveryCountExceeded', expect.any(String)],
    ]);
    expect(dead[0]?.deadLetterSource).toBe('dlq/Subscriptions/s');
  });

  it('drops a duplicate message id on a queue, also within one batch, and acknowledges it', async () => {
    const sender = harness.client().createSender('dedup-q');
    await sender.sendMessages([{ body: 1, messageId: 'x' }, { body: 2, messageId: 'x' }, { body: 3, messageId: 'y' }]);
    await sender.sendMessages({ body: 4, messageId: 'y' });
    await sender.sendMessages({ body: 5 });
    const receiver = harness.client().createReceiver('dedup-q', { receiveMode: 'receiveAndDelete' });
    const got = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
    expect(got.map((m) => m.body)).toEqual([1, 3, 5]);
    expect(harness.emulator.stats().queues.find((q) => q.name === 'dedup-q')).toMatchObject({ active: 0 });
  });

  it('drops a duplicate message id on a topic before fan-out', async () => {
    const sender = harness.client().createSender('dedup-t');
    await sender.sendMessages([{ body: 1, messageId: 'x' }, { body: 2, messageId: 'x' }]);
    await sender.sendMessages({ body: 3, messageId: 'x' });
    expect((await drain('dedup-t', 'a', 1)).map((m) => m.body)).toEqual([1]);
    expect((await drain('dedup-t', 'b', 1)).map((m) => m.body)).toEqual([1]);
    expect([subscriptionStats('dedup-t', 'a')?.active, subscriptionStats('dedup-t', 'b')?.active]).toEqual([0, 0]);
  });

  it('schedules on a topic (fanned out when due) and cancels a scheduled message', async () => {
    const sender = harness.client().createSender('sched');
    const [cancelled] = await sender.scheduleMessages({ body: 'never' }, new Date(Date.now() + 60_000));
    await sender.cancelScheduledMessages(cancelled!);
    await sender.scheduleMessages({ body: 'soon' }, new Date(Date.now() + 300));
    expect(harness.emulator.stats().topics.find((t) => t.name === 'sched')?.scheduled).toBeLessThanOrEqual(1);
    const got = await drain('sched', 'a', 1);
    expect(got.map((m) => m.body)).toEqual(['soon']);
    expect(harness.emulator.stats().topics.find((t) => t.name === 'sched')?.scheduled).toBe(0);
  });

  it('auto-forwards from a queue and from a subscription (ForwardTo), following a chain queue → topic → subscription', async () => {
    const client = harness.client();
    await client.createSender('fwd-src').sendMessages({ body: 'via queue', messageId: 'q1' });
    await client.createSender('fwd-topic').sendMessages({ body: 'via subscription', messageId: 's1' });
    await client.createSender('to-topic').sendMessages({ body: 'chained' });
    const receiver = client.createReceiver('fwd-dst', { receiveMode: 'receiveAndDelete' });
    const got = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    if (got.length < 2) got.push(...(await receiver.receiveMessages(2 - got.length, { maxWaitTimeInMs: 5_000 })));
    expect(got.map((m) => m.body).sort()).toEqual(['via queue', 'via subscription']);
    expect(harness.emulator.stats().queues.find((q) => q.name === 'fwd-src')).toMatchObject({ active: 0 });
    expect((await drain('fwd-topic', 'kept', 1)).map((m) => m.body)).toEqual(['via subscription']);
    expect((await drain('chain', 'end', 1)).map((m) => m.body)).toEqual(['chained']);
  });

  it('forwards dead-lettered messages (ForwardDeadLetteredMessagesTo) keeping reason and description', async () => {
    const client = harness.client();
    await client.createSender('dl-src').sendMessages([{ body: 'rejected' }, { body: 'abandoned' }]);
    const receiver = client.createReceiver('dl-src');
    const [rejected, abandoned] = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    await receiver.deadLetterMessage(rejected!, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'bad input' });
    await receiver.abandonMessage(abandoned!);
    const got = await client.createReceiver('dl-dst', { receiveMode: 'receiveAndDelete' }).receiveMessages(2, { maxWaitTimeInMs: 5_000 });
    expect(got.map((m) => [m.body, m.applicationProperties?.['DeadLetterReason'], m.applicationProperties?.['DeadLetterErrorDescription'] !== undefined])).toEqual([
      ['rejected', 'Bad', true],
      ['abandoned', 'MaxDeliveryCountExceeded', true],
    ]);
    expect(got[0]?.applicationProperties?.['DeadLetterErrorDescription']).toBe('bad input');
    expect(harness.emulator.stats().queues.find((q) => q.name === 'dl-src')).toMatchObject({ active: 0, deadLettered: 0 });
  });

  it('manages rules through the SDK rule manager ($management add-rule, enumerate-rules, remove-rule)', async () => {
    const client = harness.client();
    const rules = client.createRuleManager('ruled', 's');
    await rules.createRule('blue', { applicationProperties: { color: 'blue' }, subject: 'paint' });
    expect((await errorOf(rules.createRule('blue', { correlationId: 'x' }))).code).toBe('MessagingEntityAlreadyExists');
    const listed = [];
    for await (const rule of rules.listRules()) listed.push(rule);
    expect(listed.map((rule) => rule.name)).toEqual(['never', 'blue']);
    expect(listed[0]?.filter).toEqual({ sqlExpression: '1=0' });
    expect(listed[1]?.filter).toMatchObject({ subject: 'paint', applicationProperties: { color: 'blue' } });
    await rules.deleteRule('never');
    expect((await errorOf(rules.deleteRule('never'))).code).toBe('MessagingEntityNotFound');
    const sender = client.createSender('ruled');
    await sender.sendMessages([{ body: 'red', subject: 'paint', applicationProperties: { color: 'red' } }, { body: 'blue', subject: 'paint', applicationProperties: { color: 'blue' } }]);
    expect((await drain('ruled', 's', 1)).map((m) => m.body)).toEqual(['blue']);
    expect(subscriptionStats('ruled', 's')).toMatchObject({ active: 0 });
  });

  it('SQL filters select and SQL rule actions change only that subscription\'s copy (every matching rule\'s action)', async () => {
    await harness.client().createSender('sql').sendMessages([
      { body: 'small', subject: 'order', applicationProperties: { amount: 10, region: 'us' } },
      { body: 'big-eu', subject: 'order', applicationProperties: { amount: 5000, region: 'eu' } },
      { body: 'vip-eu', subject: 'vip', applicationProperties: { amount: 1, region: 'eu' } },
    ]);
    expect((await drain('sql', 'big', 1)).map((m) => m.body)).toEqual(['big-eu']);
    const tagged = await drain('sql', 'tagged', 2);
    expect(tagged.map((m) => [m.body, m.subject, m.applicationProperties])).toEqual([
      ['big-eu', 'eu-order', { amount: 5000, region: 'eu', tier: 'gold' }],
      ['vip-eu', 'eu-order', { amount: 1, region: 'eu', tier: 'gold', vip: true }],
    ]);
    const untouched = await drain('sql', 'all', 3);
    expect(untouched.map((m) => [m.subject, m.applicationProperties?.['tier']])).toEqual([
      ['order', undefined],
      ['order', undefined],
      ['vip', undefined],
    ]);
    expect(subscriptionStats('sql', 'big')).toMatchObject({ active: 0 });
  });

  it('adds SQL rules (filter and action) through the rule manager and refuses one that does not parse', async () => {
    const rules = harness.client().createRuleManager('ruled', 's');
    await rules.createRule('sql', { sqlExpression: "color = 'green' AND size > 2" }, { sqlExpression: 'SET checked = TRUE' });
    const listed = [];
    for await (const rule of rules.listRules()) listed.push(rule);
    expect(listed.find((rule) => rule.name === 'sql')).toMatchObject({ filter: { sqlExpression: "color = 'green' AND size > 2" }, action: { sqlExpression: 'SET checked = TRUE' } });
    const error = await errorOf(rules.createRule('broken', { sqlExpression: 'color = = 1' }));
    expect(error.message).toMatch(/position/);
    await harness.client().createSender('ruled').sendMessages({ body: 'g', applicationProperties: { color: 'green', size: 3 } });
    const [copy] = await drain('ruled', 's', 1);
    expect(copy?.applicationProperties).toEqual({ color: 'green', size: 3, checked: true });
    await rules.deleteRule('sql');
  });
});
