import { EmulatorConfigError, isEmulatorConfigError, parseEmulatorConfig } from '../../src/emulator/config';
import { startEmulator } from '../../src/emulator';

/** The official emulator's sample topic section (the `Config.json` shipped with its installer). */
const officialTopics = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [{ Name: 'queue.1', Properties: { ForwardTo: '', ForwardDeadLetteredMessagesTo: '' } }],
        Topics: [
          {
            Name: 'topic.1',
            Properties: { DefaultMessageTimeToLive: 'PT1H', DuplicateDetectionHistoryTimeWindow: 'PT20S', RequiresDuplicateDetection: true },
            Subscriptions: [
              {
                Name: 'subscription.1',
                Properties: {
                  DeadLetteringOnMessageExpiration: false,
                  DefaultMessageTimeToLive: 'PT1H',
                  LockDuration: 'PT1M',
                  MaxDeliveryCount: 3,
                  ForwardDeadLetteredMessagesTo: '',
                  ForwardTo: '',
                  RequiresSession: false,
                },
                Rules: [
                  {
                    Name: 'app-prop-filter-1',
                    Properties: {
                      FilterType: 'Correlation',
                      CorrelationFilter: {
                        ContentType: 'application/text',
                        CorrelationId: 'id1',
                        Label: 'subject1',
                        MessageId: 'msgid1',
                        ReplyTo: 'someQueue',
                        ReplyToSessionId: 'sessionId',
                        SessionId: 'session1',
                        To: 'xyz',
                      },
                    },
                  },
                ],
              },
              {
                Name: 'subscription.2',
                Properties: { RequiresSession: true, ForwardDeadLetteredMessagesTo: 'queue.1' },
                Rules: [{ Name: 'user-prop-filter-1', Properties: { FilterType: 'Correlation', CorrelationFilter: { Properties: { prop3: 'value3', n: 3 } } } }],
              },
              { Name: 'subscription.3', Properties: { ForwardTo: 'queue.1' } },
            ],
          },
        ],
      },
    ],
    Logging: { Type: 'File' },
  },
};

/** `officialTopics` with `change` applied to a deep copy. */
function variant(change: (config: typeof officialTopics) => void): unknown {
  const copy = JSON.parse(JSON.stringify(officialTopics)) as typeof officialTopics;
  change(copy);
  return copy;
}

function configError(json: unknown): EmulatorConfigError {
  try {
    parseEmulatorConfig(json, () => undefined);
  } catch (error: unknown) {
    if (isEmulatorConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected an EmulatorConfigError');
}

const T = 'UserConfig.Namespaces[0].Topics[0]';

describe('parseEmulatorConfig: topics, subscriptions and rules', () => {
  it('reads topics, subscriptions (queue properties, forwarding) and correlation rules', () => {
    const warnings: string[] = [];
    const { topics } = parseEmulatorConfig(officialTopics, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(topics).toEqual([
      {
        name: 'topic.1',
        defaultMessageTimeToLiveMs: 3_600_000,
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowMs: 20_000,
        subscriptions: [
          {
            name: 'subscription.1',
            requiresSession: false,
            lockDurationMs: 60_000,
            maxDeliveryCount: 3,
            defaultMessageTimeToLiveMs: 3_600_000,
            deadLetteringOnMessageExpiration: false,
            rules: [
              {
                name: 'app-prop-filter-1',
                filter: {
                  type: 'correlation',
                  contentType: 'application/text',
                  correlationId: 'id1',
                  subject: 'subject1',
                  messageId: 'msgid1',
                  replyTo: 'someQueue',
                  replyToSessionId: 'sessionId',
                  sessionId: 'session1',
                  to: 'xyz',
                },
              },
            ],
          },
          {
            name: 'subscription.2',
            requiresSession: true,
            lockDurationMs: 60_000,
            maxDeliveryCount: 10,
            deadLetteringOnMessageExpiration: false,
            forwardDeadLetteredMessagesTo: 'queue.1',
            rules: [{ name: 'user-prop-filter-1', filter: { type: 'correlation', properties: { prop3: 'value3', n: 3 } } }],
          },
          { name: 'subscription.3', requiresSession: false, lockDurationMs: 60_000, maxDeliveryCount: 10, deadLetteringOnMessageExpiration: false, forwardTo: 'queue.1' },
        ],
      },
    ]);
  });

  it('starts a broker from it: startEmulator({ config }) serves the topic and its subscriptions', async () => {
    const emulator = await startEmulator({ config: officialTopics, onWarning: () => undefined });
    try {
      expect(emulator.stats().topics).toEqual([
        {
          name: 'topic.1',
          scheduled: 0,
          subscriptions: [
            expect.objectContaining({ name: 'topic.1/Subscriptions/subscription.1', requiresSession: false }),
            expect.objectContaining({ name: 'topic.1/Subscriptions/subscription.2', requiresSession: true }),
            expect.objectContaining({ name: 'topic.1/Subscriptions/subscription.3' }),
          ],
        },
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('compiles SQL filters and actions at load, naming the rule and the position of a bad expression', () => {
    const sqlRule = (filter: string, action?: string) =>
      variant((c) => {
        c.UserConfig.Namespaces[0]!.Topics[0]!.Subscriptions[0]!.Rules![0] = {
          Name: 'big',
          Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: filter }, ...(action === undefined ? {} : { Action: { SqlExpression: action } }) },
        } as never;
      });
    const { topics } = parseEmulatorConfig(sqlRule("amount > 1000 AND sys.Label LIKE 'order%'", "SET priority = 'high'"), () => undefined);
    expect(topics[0]?.subscriptions?.[0]?.rules).toEqual([
      { name: 'big', filter: { type: 'sql', sqlExpression: "amount > 1000 AND sys.Label LIKE 'order%'" }, action: { sqlExpression: "SET priority = 'high'" } },
    ]);

    const filterError = configError(sqlRule('amount > > 1000'));
    expect(filterError.field).toBe(`${T}.Subscriptions[0].Rules[0].Properties.SqlFilter.SqlExpression`);
    expect(filterError.message).toMatch(/rule 'big'.*position \d+/);
    const actionError = configError(sqlRule('1=1', 'SET = 2'));
    expect(actionError.field).toBe(`${T}.Subscriptions[0].Rules[0].Properties.Action.SqlExpression`);
    expect(actionError.message).toMatch(/rule 'big'.*position \d+/);
  });

  it.each([
    ['a missing forwarding target', (c: typeof officialTopics) => (c.UserConfig.Namespaces[0]!.Queues[0]!.Properties.ForwardTo = 'nowhere'), 'UserConfig.Namespaces[0].Queues[0].Properties.ForwardTo', /'nowhere' is not a queue or topic/],
    [
      'a forwarding loop through the topic',
      (c: typeof officialTopics) => (c.UserConfig.Namespaces[0]!.Queues[0]!.Properties.ForwardTo = 'topic.1'),
      'UserConfig.Namespaces[0].Queues[0].Properties.ForwardTo',
      /loop/,
    ],
    ['an unknown FilterType', (c: typeof officialTopics) => ((c.UserConfig.Namespaces[0]!.Topics[0]!.Subscriptions[0]!.Rules![0]!.Properties as Record<string, unknown>)['FilterType'] = 'Regex'), `${T}.Subscriptions[0].Rules[0].Properties.FilterType`, /'Correlation' or 'Sql'/],
    ['an empty correlation filter', (c: typeof officialTopics) => ((c.UserConfig.Namespaces[0]!.Topics[0]!.Subscriptions[0]!.Rules![0]!.Properties as Record<string, unknown>)['CorrelationFilter'] = {}), `${T}.Subscriptions[0].Rules[0].Properties.CorrelationFilter`, /at least one/],
    ['a duplicate subscription name', (c: typeof officialTopics) => (c.UserConfig.Namespaces[0]!.Topics[0]!.Subscriptions[2]!.Name = 'SUBSCRIPTION.1'), `${T}.Subscriptions[2].Name`, /duplicate subscription name/],
    ['a topic named like a queue', (c: typeof officialTopics) => (c.UserConfig.Namespaces[0]!.Topics[0]!.Name = 'Queue.1'), `${T}.Name`, /duplicate topic name/],
    ['a Sql rule without SqlFilter', (c: typeof officialTopics) => (c.UserConfig.Namespaces[0]!.Topics[0]!.Subscriptions[0]!.Rules![0]!.Properties = { FilterType: 'Sql' } as never), `${T}.Subscriptions[0].Rules[0].Properties.SqlFilter`, /is required/],
  ])('rejects %s, naming the field', (_label, change, field, problem) => {
    const error = configError(variant(change));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });
});
