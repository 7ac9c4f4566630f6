import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  EmulatorConfigError,
  defaultQueues,
  isEmulatorConfigError,
  loadEmulatorConfigFile,
  parseEmulatorConfig,
} from '../../src/emulator/config';

/** The shape of the official emulator's sample Config.json (one namespace, a queue and a topic). */
const officialSample = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          {
            Name: 'queue.1',
            Properties: {
              DeadLetteringOnMessageExpiration: false,
              DefaultMessageTimeToLive: 'PT1H',
              DuplicateDetectionHistoryTimeWindow: 'PT20S',
              ForwardDeadLetteredMessagesTo: '',
              ForwardTo: '',
              LockDuration: 'PT1M',
              MaxDeliveryCount: 3,
              RequiresDuplicateDetection: false,
              RequiresSession: false,
            },
          },
        ],
        Topics: [
          {
            Name: 'topic.1',
            Properties: { DefaultMessageTimeToLive: 'PT1H', DuplicateDetectionHistoryTimeWindow: 'PT20S', RequiresDuplicateDetection: false },
            Subscriptions: [{ Name: 'subscription.1', Properties: { LockDuration: 'PT1M', MaxDeliveryCount: 3, RequiresSession: false } }],
          },
        ],
      },
    ],
    Logging: { Type: 'File' },
  },
};

/** A config with one queue whose Properties are `props`. */
function withQueue(props: Record<string, unknown>, name: unknown = 'q'): unknown {
  return { UserConfig: { Namespaces: [{ Name: 'sbemulatorns', Queues: [{ Name: name, Properties: props }], Topics: [] }], Logging: { Type: 'Console' } } };
}

function errorOf(run: () => unknown): EmulatorConfigError {
  try {
    run();
  } catch (e) {
    if (isEmulatorConfigError(e)) return e;
    throw new Error(`expected an EmulatorConfigError, got ${String(e)}`);
  }
  throw new Error('expected an EmulatorConfigError, nothing was thrown');
}

describe('parseEmulatorConfig', () => {
  it('reads the official sample: its queue and its topic with a subscription', () => {
    const warnings: string[] = [];
    const { queues, topics } = parseEmulatorConfig(officialSample, (w) => warnings.push(w));
    expect(queues).toEqual([
      {
        name: 'queue.1',
        requiresSession: false,
        lockDurationMs: 60_000,
        maxDeliveryCount: 3,
        defaultMessageTimeToLiveMs: 3_600_000,
        deadLetteringOnMessageExpiration: false,
        requiresDuplicateDetection: false,
        duplicateDetectionHistoryTimeWindowMs: 20_000,
      },
    ]);
    expect(topics).toEqual([
      {
        name: 'topic.1',
        defaultMessageTimeToLiveMs: 3_600_000,
        requiresDuplicateDetection: false,
        duplicateDetectionHistoryTimeWindowMs: 20_000,
        subscriptions: [{ name: 'subscription.1', requiresSession: false, lockDurationMs: 60_000, maxDeliveryCount: 3, deadLetteringOnMessageExpiration: false }],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('applies Azure defaults to missing properties and allows short lock durations', () => {
    const warnings: string[] = [];
    const { queues } = parseEmulatorConfig(
      {
        UserConfig: {
          Namespaces: [{ Queues: [{ Name: 'plain' }, { Name: 'fast', Properties: { RequiresSession: true, LockDuration: 'PT0.5S' } }] }],
        },
      },
      (w) => warnings.push(w),
    );
    expect(queues).toEqual([
      { name: 'plain', requiresSession: false, lockDurationMs: 60_000, maxDeliveryCount: 10, deadLetteringOnMessageExpiration: false, requiresDuplicateDetection: false },
      { name: 'fast', requiresSession: true, lockDurationMs: 500, maxDeliveryCount: 10, deadLetteringOnMessageExpiration: false, requiresDuplicateDetection: false },
    ]);
    expect(warnings).toEqual([]);
  });

  it('treats the TimeSpan.MaxValue TTL as unlimited and accepts large MaxDeliveryCount', () => {
    const {
      queues: [queue],
    } = parseEmulatorConfig(withQueue({ DefaultMessageTimeToLive: 'P10675199DT2H48M5.4775807S', MaxDeliveryCount: 2000 }), () => undefined);
    expect(queue).not.toHaveProperty('defaultMessageTimeToLiveMs');
    expect(queue?.maxDeliveryCount).toBe(2000);
  });

  it('matches property names case-insensitively', () => {
    const {
      queues: [queue],
    } = parseEmulatorConfig(
      { userConfig: { namespaces: [{ queues: [{ name: 'q', properties: { requiresSession: true, lockDuration: 'PT2S' } }] }] } },
      () => undefined,
    );
    expect(queue).toMatchObject({ name: 'q', requiresSession: true, lockDurationMs: 2_000 });
  });

  it('warns about unknown properties by path', () => {
    const warnings: string[] = [];
    parseEmulatorConfig(
      {
        $schema: './Config-schema.json',
        Extra: 1,
        UserConfig: {
          Namespaces: [
            {
              Name: 'sbemulatorns',
              Queues: [
                {
                  Name: 'q',
                  Colour: 'blue',
                  Properties: { LockDurration: 'PT1M', MaxSizeInMegabytes: 1024, RequiresDuplicateDetection: true, ForwardTo: 'other' },
                },
                { Name: 'other' },
              ],
            },
          ],
          Logging: { Type: 'File', Level: 'Debug' },
        },
      },
      (w) => warnings.push(w),
    );
    const paths = warnings.map((w) => w.slice(0, w.indexOf(':')));
    expect(paths.sort()).toEqual(
      [
        'Extra',
        'UserConfig.Logging.Level',
        'UserConfig.Namespaces[0].Queues[0].Colour',
        'UserConfig.Namespaces[0].Queues[0].Properties.LockDurration',
        'UserConfig.Namespaces[0].Queues[0].Properties.MaxSizeInMegabytes',
      ].sort(),
    );
  });

  it('merges several namespaces with a warning', () => {
    const warnings: string[] = [];
    const { queues } = parseEmulatorConfig(
      { UserConfig: { Namespaces: [{ Name: 'a', Queues: [{ Name: 'q1' }] }, { Name: 'b', Queues: [{ Name: 'q2' }] }] } },
      (w) => warnings.push(w),
    );
    expect(queues.map((q) => q.name)).toEqual(['q1', 'q2']);
    expect(warnings).toEqual([expect.stringMatching(/^UserConfig\.Namespaces: 2 namespaces given.*merged/)]);
  });

  it('warns when no entity is configured', () => {
    const warnings: string[] = [];
    expect(parseEmulatorConfig({ UserConfig: { Namespaces: [{ Name: 'sbemulatorns', Queues: [] }] } }, (w) => warnings.push(w))).toEqual({ queues: [], topics: [] });
    expect(warnings).toEqual([expect.stringMatching(/no queues or topics are configured/)]);
  });

  const Q = 'UserConfig.Namespaces[0].Queues[0]';
  it.each<[string, unknown, string, RegExp]>([
    ['a non-object document', 'x', '', /must be a JSON object \(got "x"\)/],
    ['a missing UserConfig', {}, 'UserConfig', /is required/],
    ['a missing Namespaces', { UserConfig: {} }, 'UserConfig.Namespaces', /is required/],
    ['an empty Namespaces', { UserConfig: { Namespaces: [] } }, 'UserConfig.Namespaces', /at least one namespace/],
    ['Queues not an array', { UserConfig: { Namespaces: [{ Queues: {} }] } }, 'UserConfig.Namespaces[0].Queues', /must be a JSON array/],
    ['a queue without a name', { UserConfig: { Namespaces: [{ Queues: [{}] }] } }, `${Q}.Name`, /is required/],
    ['an empty queue name', withQueue({}, ''), `${Q}.Name`, /cannot be empty/],
    ['a queue name with a $', withQueue({}, 'a$b'), `${Q}.Name`, /invalid queue name/],
    ['a queue name with a /', withQueue({}, 'a/b'), `${Q}.Name`, /'\/' are not supported/],
    ['a queue name ending with -', withQueue({}, 'a-'), `${Q}.Name`, /invalid queue name/],
    ['a numeric queue name', withQueue({}, 5), `${Q}.Name`, /must be a string \(got 5\)/],
    ['a too long queue name', withQueue({}, 'a'.repeat(261)), `${Q}.Name`, /at most 260/],
    ['Properties not an object', withQueue([] as unknown as Record<string, unknown>), `${Q}.Properties`, /JSON object \(got an array\)/],
    ['RequiresSession as a string', withQueue({ RequiresSession: 'true' }), `${Q}.Properties.RequiresSession`, /true or false \(got "true"\)/],
    ['MaxDeliveryCount 0', withQueue({ MaxDeliveryCount: 0 }), `${Q}.Properties.MaxDeliveryCount`, /positive integer \(got 0\)/],
    ['MaxDeliveryCount 1.5', withQueue({ MaxDeliveryCount: 1.5 }), `${Q}.Properties.MaxDeliveryCount`, /positive integer/],
    ['MaxDeliveryCount as a string', withQueue({ MaxDeliveryCount: '3' }), `${Q}.Properties.MaxDeliveryCount`, /positive integer/],
    ['a garbage LockDuration', withQueue({ LockDuration: 'one minute' }), `${Q}.Properties.LockDuration`, /ISO 8601 duration/],
    ['a LockDuration of 0', withQueue({ LockDuration: 'PT0S' }), `${Q}.Properties.LockDuration`, /between PT0\.1S/],
    ['a LockDuration over 5 minutes', withQueue({ LockDuration: 'PT10M' }), `${Q}.Properties.LockDuration`, /PT5M/],
    ['a LockDuration as a number', withQueue({ LockDuration: 60 }), `${Q}.Properties.LockDuration`, /must be a string/],
    ['a zero TTL', withQueue({ DefaultMessageTimeToLive: 'PT0S' }), `${Q}.Properties.DefaultMessageTimeToLive`, /greater than zero/],
    ['a bad duplicate-detection window', withQueue({ DuplicateDetectionHistoryTimeWindow: 'x' }), `${Q}.Properties.DuplicateDetectionHistoryTimeWindow`, /ISO 8601/],
    ['a non-boolean RequiresDuplicateDetection', withQueue({ RequiresDuplicateDetection: 1 }), `${Q}.Properties.RequiresDuplicateDetection`, /true or false/],
    ['a property given twice', withQueue({ LockDuration: 'PT1M', lockduration: 'PT2M' }), `${Q}.Properties.lockduration`, /duplicate property/],
  ])('rejects %s, naming the field', (_label, json, field, problem) => {
    const error = errorOf(() => parseEmulatorConfig(json, () => undefined));
    expect(error).toBeInstanceOf(EmulatorConfigError);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
    if (field !== '') expect(error.message).toContain(field);
  });

  it('rejects duplicate queue names case-insensitively, across namespaces, naming both', () => {
    const error = errorOf(() =>
      parseEmulatorConfig(
        { UserConfig: { Namespaces: [{ Queues: [{ Name: 'Orders' }] }, { Queues: [{ Name: 'x' }, { Name: 'orders' }] }] } },
        () => undefined,
      ),
    );
    expect(error.field).toBe('UserConfig.Namespaces[1].Queues[1].Name');
    expect(error.message).toMatch(/duplicate queue name 'orders'.*UserConfig\.Namespaces\[0\]\.Queues\[0\]\.Name/);
  });
});

describe('defaultQueues', () => {
  it('is queue.1, session.1 and orders with a 60 s lock and 10 deliveries', () => {
    expect(defaultQueues.map((q) => [q.name, q.requiresSession, q.lockDurationMs, q.maxDeliveryCount])).toEqual([
      ['queue.1', false, 60_000, 10],
      ['session.1', true, 60_000, 10],
      ['orders', true, 60_000, 10],
    ]);
    expect(Object.isFrozen(defaultQueues)).toBe(true);
    expect(Object.isFrozen(defaultQueues[0])).toBe(true);
  });
});

describe('loadEmulatorConfigFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sbrx-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file (with a byte-order mark) and passes warnings on', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, `\uFEFF${JSON.stringify(officialSample)}`);
    const warnings: string[] = [];
    expect(loadEmulatorConfigFile(file, (w) => warnings.push(w)).queues.map((q) => q.name)).toEqual(['queue.1']);
    expect(warnings).toHaveLength(0);
  });

  it('names the file when it cannot be read', () => {
    const file = join(dir, 'missing.json');
    const error = errorOf(() => loadEmulatorConfigFile(file));
    expect(error.file).toBe(file);
    expect(error.field).toBe('');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/cannot read the file: ENOENT/);
  });

  it('names the file when it is not JSON', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "UserConfig": ');
    const error = errorOf(() => loadEmulatorConfigFile(file));
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('names the file and the field of an invalid value', () => {
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify(withQueue({ LockDuration: 'PT1X' })));
    const error = errorOf(() => loadEmulatorConfigFile(file, () => undefined));
    expect(error.file).toBe(file);
    expect(error.field).toBe('UserConfig.Namespaces[0].Queues[0].Properties.LockDuration');
    expect(error.message).toContain(file);
    expect(error.message).toContain('UserConfig.Namespaces[0].Queues[0].Properties.LockDuration');
  });
});
