import { EntityOptionsError } from '../entities/EntityOptionsError';
import { forwardingProblem } from '../entities/forwardingProblem';
import { compileRule } from '../filters/compileRule';
import { EmulatorConfigError } from './EmulatorConfigError';
import type { EmulatorEntities } from './EmulatorEntities';
import type { QueueOptions } from './EmulatorOptions';
import type { CorrelationFilterOptions, RuleOptions, SubscriptionOptions, TopicOptions } from './TopicOptions';
import { parseIsoDuration } from './parseIsoDuration';
import { maxLockDurationMs, minLockDurationMs, queueDefaults } from './queueDefaults';

type Warn = (message: string) => void;
interface Field {
  readonly value: unknown;
  readonly path: string;
}

/**
 * Queue names: letters, digits, `.`, `-`, `_`; a letter or digit at both ends. Service Bus also allows
 * `/` (hierarchical names); this broker does not, as `/` separates `<queue>/$management` and
 * `<queue>/$deadletterqueue`.
 */
const ENTITY_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const MAX_ENTITY_NAME_LENGTH = 260;
const MAX_INT32 = 2_147_483_647;
/** .NET `TimeSpan.MaxValue` (Azure's "no TTL", `P10675199DT2H48M5.4775807S`) in whole ms. */
const TIME_SPAN_MAX_MS = 922_337_203_685_477;

const ROOT_KEYS = ['UserConfig', '$schema'] as const;
const USER_CONFIG_KEYS = ['Namespaces', 'Logging'] as const;
const LOGGING_KEYS = ['Type'] as const;
const NAMESPACE_KEYS = ['Name', 'Queues', 'Topics'] as const;
const QUEUE_KEYS = ['Name', 'Properties'] as const;
const TOPIC_KEYS = ['Name', 'Properties', 'Subscriptions'] as const;
const QUEUE_PROPERTY_KEYS = [
  'RequiresSession',
  'LockDuration',
  'MaxDeliveryCount',
  'DefaultMessageTimeToLive',
  'DeadLetteringOnMessageExpiration',
  'DuplicateDetectionHistoryTimeWindow',
  'RequiresDuplicateDetection',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
] as const;
const TOPIC_PROPERTY_KEYS = ['DefaultMessageTimeToLive', 'DuplicateDetectionHistoryTimeWindow', 'RequiresDuplicateDetection'] as const;
const SUBSCRIPTION_KEYS = ['Name', 'Properties', 'Rules'] as const;
const SUBSCRIPTION_PROPERTY_KEYS = [
  'RequiresSession',
  'LockDuration',
  'MaxDeliveryCount',
  'DefaultMessageTimeToLive',
  'DeadLetteringOnMessageExpiration',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
] as const;
const RULE_KEYS = ['Name', 'Properties'] as const;
const RULE_PROPERTY_KEYS = ['FilterType', 'CorrelationFilter', 'SqlFilter', 'Action'] as const;
const CORRELATION_KEYS = ['ContentType', 'CorrelationId', 'Label', 'MessageId', 'ReplyTo', 'ReplyToSessionId', 'SessionId', 'To', 'Properties'] as const;
const CORRELATION_FIELD: Readonly<Record<string, keyof CorrelationFilterOptions>> = {
  ContentType: 'contentType',
  CorrelationId: 'correlationId',
  Label: 'subject',
  MessageId: 'messageId',
  ReplyTo: 'replyTo',
  ReplyToSessionId: 'replyToSessionId',
  SessionId: 'sessionId',
  To: 'to',
};
const SQL_KEYS = ['SqlExpression'] as const;

/**
 * Reads a configuration in the official Azure Service Bus emulator's `Config.json` format
 * (`{ UserConfig: { Namespaces: [{ Name, Queues: [{ Name, Properties }], Topics: [{ Name, Properties,
 * Subscriptions: [{ Name, Properties, Rules: [{ Name, Properties }] }] }] }], Logging } }`) and returns its
 * queues and topics in normalised form, with defaults applied.
 *
 * - Every property of the official schema is implemented. Queues: `RequiresSession`, `LockDuration`
 *   (100 ms to 5 min), `MaxDeliveryCount`, `DefaultMessageTimeToLive`, `DeadLetteringOnMessageExpiration`,
 *   `RequiresDuplicateDetection` + `DuplicateDetectionHistoryTimeWindow`, `ForwardTo`,
 *   `ForwardDeadLetteredMessagesTo` (`""` = none). Topics: `DefaultMessageTimeToLive`, duplicate detection.
 *   Subscriptions: the queue properties but duplicate detection. Rules: `FilterType` `Correlation`
 *   (`CorrelationFilter` with `ContentType`, `CorrelationId`, `Label`, `MessageId`, `ReplyTo`,
 *   `ReplyToSessionId`, `SessionId`, `To`, `Properties`) or `Sql` (`SqlFilter.SqlExpression`), optional
 *   `Action.SqlExpression`. A subscription without rules gets `$Default` (true filter).
 *   Accepted and ignored: `Logging`, the namespace `Name`.
 * - Property names match case-insensitively (like .NET configuration binding).
 * - Warnings (via `onWarning`, each naming its JSON path): unknown properties; more than one namespace
 *   (entities are merged); no entities at all.
 *
 * @param json - the parsed JSON document.
 * @param onWarning - receives each warning; default `console.warn`.
 * @returns the queues and topics of all namespaces, in file order.
 * @throws EmulatorConfigError naming the JSON path (`field`) of the first invalid value: wrong shape or
 *   type, empty / malformed / duplicate (case-insensitive) entity name, `MaxDeliveryCount` not a positive
 *   integer, a malformed or out-of-range duration, a forwarding target that does not exist or a
 *   forwarding loop, a rule whose filter or action does not compile (SQL: with the position).
 */
export function parseEmulatorConfig(json: unknown, onWarning: (message: string) => void = (message) => console.warn(message)): EmulatorEntities {
  const root = fields(objectAt(json, ''), '', ROOT_KEYS, onWarning);
  const userConfigField = required(root, 'UserConfig', '');
  const userConfig = fields(objectAt(userConfigField.value, userConfigField.path), userConfigField.path, USER_CONFIG_KEYS, onWarning);

  const logging = userConfig.get('Logging');
  if (logging !== undefined) {
    const type = fields(objectAt(logging.value, logging.path), logging.path, LOGGING_KEYS, onWarning).get('Type');
    if (type !== undefined) stringAt(type);
  }

  const namespacesField = required(userConfig, 'Namespaces', userConfigField.path);
  const namespaces = arrayAt(namespacesField.value, namespacesField.path);
  if (namespaces.length === 0) {
    throw new EmulatorConfigError(namespacesField.path, 'must list at least one namespace');
  }
  if (namespaces.length > 1) {
    onWarning(
      `${namespacesField.path}: ${namespaces.length} namespaces given; the official emulator accepts exactly one. ` +
        'Their queues and topics are merged into this single broker.',
    );
  }

  const queues: Parsed<QueueOptions>[] = [];
  const topics: Parsed<TopicOptions & { subscriptionPaths: readonly string[] }>[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string, namePath: string, kind: string): void => {
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new EmulatorConfigError(namePath, `duplicate ${kind} name '${name}' (queue and topic names are case-insensitive and shared; first defined at ${first})`);
    }
    seen.set(key, namePath);
  };
  namespaces.forEach((namespaceValue, n) => {
    const namespacePath = `${namespacesField.path}[${n}]`;
    const namespace = fields(objectAt(namespaceValue, namespacePath), namespacePath, NAMESPACE_KEYS, onWarning);
    const name = namespace.get('Name');
    if (name !== undefined) stringAt(name);

    const queueList = namespace.get('Queues');
    if (queueList !== undefined) {
      arrayAt(queueList.value, queueList.path).forEach((queueValue, q) => {
        const queue = parseQueue(queueValue, `${queueList.path}[${q}]`, onWarning);
        claim(queue.options.name, queue.namePath, 'queue');
        queues.push(queue);
      });
    }
    const topicList = namespace.get('Topics');
    if (topicList !== undefined) {
      arrayAt(topicList.value, topicList.path).forEach((topicValue, t) => {
        const topic = parseTopic(topicValue, `${topicList.path}[${t}]`, onWarning);
        claim(topic.options.name, topic.namePath, 'topic');
        topics.push(topic);
      });
    }
  });

  const problem = forwardingProblem({
    queues: queues.map(({ options }) => ({ name: options.name, forwardTo: options.forwardTo, forwardDeadLetteredMessagesTo: options.forwardDeadLetteredMessagesTo })),
    topics: topics.map(({ options }) => ({
      name: options.name,
      subscriptions: (options.subscriptions ?? []).map((s) => ({ forwardTo: s.forwardTo, forwardDeadLetteredMessagesTo: s.forwardDeadLetteredMessagesTo })),
    })),
  });
  if (problem !== undefined) {
    const owner = problem.kind === 'queue' ? queues[problem.index]?.propertiesPath : topics[problem.index]?.options.subscriptionPaths[problem.subscriptionIndex];
    const key = problem.option === 'forwardTo' ? 'ForwardTo' : 'ForwardDeadLetteredMessagesTo';
    throw new EmulatorConfigError(`${owner ?? ''}.${key}`, problem.problem);
  }

  if (queues.length === 0 && topics.length === 0) {
    onWarning(`${namespacesField.path}: no queues or topics are configured; every attach will fail with not-found.`);
  }
  return {
    queues: queues.map(({ options }) => options),
    topics: topics.map(({ options: { subscriptionPaths: _paths, ...topic } }) => topic),
  };
}

interface Parsed<T> {
  readonly options: T;
  readonly namePath: string;
  /** `<entity>.Properties` (where forwarding errors are reported). */
  readonly propertiesPath: string;
}

function parseTopic(value: unknown, path: string, warn: Warn): Parsed<TopicOptions & { subscriptionPaths: readonly string[] }> {
  const topic = fields(objectAt(value, path), path, TOPIC_KEYS, warn);
  const { name, namePath } = entityNameAt(required(topic, 'Name', path), 'topic');
  const props = propertiesOf(topic, path, TOPIC_PROPERTY_KEYS, warn);
  const ttl = optional(props, 'DefaultMessageTimeToLive', positiveDurationAt);
  const subscriptionsField = topic.get('Subscriptions');
  const subscriptions: SubscriptionOptions[] = [];
  const subscriptionPaths: string[] = [];
  const seen = new Map<string, string>();
  if (subscriptionsField !== undefined) {
    arrayAt(subscriptionsField.value, subscriptionsField.path).forEach((subscriptionValue, s) => {
      const parsed = parseSubscription(subscriptionValue, `${subscriptionsField.path}[${s}]`, warn);
      const key = parsed.options.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new EmulatorConfigError(parsed.namePath, `duplicate subscription name '${parsed.options.name}' in topic '${name}' (first defined at ${first})`);
      }
      seen.set(key, parsed.namePath);
      subscriptions.push(parsed.options);
      subscriptionPaths.push(parsed.propertiesPath);
    });
  }
  const options: TopicOptions & { subscriptionPaths: readonly string[] } = {
    name,
    ...duplicateDetection(props),
    ...(ttl === undefined || ttl >= TIME_SPAN_MAX_MS ? {} : { defaultMessageTimeToLiveMs: ttl }),
    subscriptions,
    subscriptionPaths,
  };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

function parseSubscription(value: unknown, path: string, warn: Warn): Parsed<SubscriptionOptions> {
  const subscription = fields(objectAt(value, path), path, SUBSCRIPTION_KEYS, warn);
  const { name, namePath } = entityNameAt(required(subscription, 'Name', path), 'subscription');
  const props = propertiesOf(subscription, path, SUBSCRIPTION_PROPERTY_KEYS, warn);
  const rulesField = subscription.get('Rules');
  const rules: RuleOptions[] = [];
  const seen = new Map<string, string>();
  if (rulesField !== undefined) {
    arrayAt(rulesField.value, rulesField.path).forEach((ruleValue, r) => {
      const rule = parseRule(ruleValue, `${rulesField.path}[${r}]`, `${name}`, warn);
      const key = rule.options.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw new EmulatorConfigError(rule.namePath, `duplicate rule name '${rule.options.name}' (first defined at ${first})`);
      seen.set(key, rule.namePath);
      rules.push(rule.options);
    });
  }
  const options: SubscriptionOptions = { name, ...storeProperties(props), ...(rules.length === 0 ? {} : { rules }) };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

function parseRule(value: unknown, path: string, subscription: string, warn: Warn): { options: RuleOptions; namePath: string } {
  const rule = fields(objectAt(value, path), path, RULE_KEYS, warn);
  const nameField = required(rule, 'Name', path);
  const name = stringAt(nameField);
  if (name.trim() === '' || name.includes('/')) throw new EmulatorConfigError(nameField.path, `a rule name must be non-empty and without '/' (got ${describe(name)})`);
  const propertiesField = required(rule, 'Properties', path);
  const props = fields(objectAt(propertiesField.value, propertiesField.path), propertiesField.path, RULE_PROPERTY_KEYS, warn);
  const typeField = required(props, 'FilterType', propertiesField.path);
  const type = stringAt(typeField).toLowerCase();
  let filter: RuleOptions['filter'];
  let expressionPath = '';
  if (type === 'correlation') {
    const correlationField = required(props, 'CorrelationFilter', propertiesField.path);
    filter = { type: 'correlation', ...correlationAt(correlationField, warn) };
  } else if (type === 'sql') {
    const sqlField = required(props, 'SqlFilter', propertiesField.path);
    const expressionField = required(fields(objectAt(sqlField.value, sqlField.path), sqlField.path, SQL_KEYS, warn), 'SqlExpression', sqlField.path);
    expressionPath = expressionField.path;
    filter = { type: 'sql', sqlExpression: stringAt(expressionField) };
  } else {
    throw new EmulatorConfigError(typeField.path, `must be 'Correlation' or 'Sql' (got ${describe(typeField.value)})`);
  }
  let action: RuleOptions['action'];
  let actionPath = '';
  const actionField = props.get('Action');
  if (actionField !== undefined) {
    const expressionField = fields(objectAt(actionField.value, actionField.path), actionField.path, SQL_KEYS, warn).get('SqlExpression');
    if (expressionField !== undefined) {
      actionPath = expressionField.path;
      const expression = stringAt(expressionField);
      if (expression.trim() !== '') action = { sqlExpression: expression };
    }
  }
  const options: RuleOptions = { name, filter, ...(action === undefined ? {} : { action }) };
  try {
    compileRule(options, subscription);
  } catch (error: unknown) {
    if (!(error instanceof EntityOptionsError)) throw error;
    const at = error.option.startsWith('action') ? actionPath : error.option.startsWith('filter.sqlExpression') ? expressionPath : propertiesField.path;
    const position = (error.cause as { position?: unknown } | undefined)?.position;
    const where = typeof position === 'number' ? ` at position ${position}` : '';
    throw new EmulatorConfigError(at, `rule '${name}'${where}: ${error.problem}`, { cause: error });
  }
  return { options, namePath: nameField.path };
}

function correlationAt(field: Field, warn: Warn): CorrelationFilterOptions {
  const correlation = fields(objectAt(field.value, field.path), field.path, CORRELATION_KEYS, warn);
  const options: Record<string, unknown> = {};
  for (const [key, entry] of correlation) {
    if (key === 'Properties') {
      const properties: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(objectAt(entry.value, entry.path))) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) {
          throw new EmulatorConfigError(`${entry.path}.${name}`, `must be a string, number or boolean (got ${describe(value)})`);
        }
        properties[name] = value;
      }
      options['properties'] = properties;
    } else {
      const target = CORRELATION_FIELD[key];
      if (target !== undefined) options[target] = stringAt(entry);
    }
  }
  if (Object.keys(options).length === 0) throw new EmulatorConfigError(field.path, 'a correlation filter needs at least one property to match');
  return options as CorrelationFilterOptions;
}

function parseQueue(value: unknown, path: string, warn: Warn): Parsed<QueueOptions> {
  const queue = fields(objectAt(value, path), path, QUEUE_KEYS, warn);
  const { name, namePath } = entityNameAt(required(queue, 'Name', path), 'queue');
  const props = propertiesOf(queue, path, QUEUE_PROPERTY_KEYS, warn);
  const options: QueueOptions = { name, ...storeProperties(props), ...duplicateDetection(props) };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

function entityNameAt(nameField: Field, kind: string): { name: string; namePath: string } {
  const name = stringAt(nameField);
  if (name.length === 0) throw new EmulatorConfigError(nameField.path, `a ${kind} name cannot be empty`);
  if (name.length > MAX_ENTITY_NAME_LENGTH) {
    throw new EmulatorConfigError(nameField.path, `a ${kind} name has at most ${MAX_ENTITY_NAME_LENGTH} characters (got ${name.length})`);
  }
  if (name.includes('/')) {
    throw new EmulatorConfigError(nameField.path, `${kind} names with '/' are not supported by this emulator (got ${JSON.stringify(name)})`);
  }
  if (!ENTITY_NAME.test(name)) {
    throw new EmulatorConfigError(
      nameField.path,
      `invalid ${kind} name ${JSON.stringify(name)}: use letters, digits, '.', '-' or '_', starting and ending with a letter or digit`,
    );
  }
  return { name, namePath: nameField.path };
}

function propertiesOf(entity: Map<string, Field>, _path: string, keys: readonly string[], warn: Warn): Map<string, Field> {
  const propertiesField = entity.get('Properties');
  return propertiesField === undefined
    ? new Map<string, Field>()
    : fields(objectAt(propertiesField.value, propertiesField.path), propertiesField.path, keys, warn);
}

/** The message-store properties shared by queues and subscriptions. */
function storeProperties(props: Map<string, Field>): Omit<QueueOptions, 'name'> {
  const ttl = optional(props, 'DefaultMessageTimeToLive', positiveDurationAt);
  const forwardTo = optional(props, 'ForwardTo', stringAt);
  const forwardDeadLetteredMessagesTo = optional(props, 'ForwardDeadLetteredMessagesTo', stringAt);
  return {
    requiresSession: optional(props, 'RequiresSession', booleanAt) ?? queueDefaults.requiresSession,
    lockDurationMs: optional(props, 'LockDuration', lockDurationAt) ?? queueDefaults.lockDurationMs,
    maxDeliveryCount: optional(props, 'MaxDeliveryCount', maxDeliveryCountAt) ?? queueDefaults.maxDeliveryCount,
    deadLetteringOnMessageExpiration: optional(props, 'DeadLetteringOnMessageExpiration', booleanAt) ?? queueDefaults.deadLetteringOnMessageExpiration,
    ...(ttl === undefined || ttl >= TIME_SPAN_MAX_MS ? {} : { defaultMessageTimeToLiveMs: ttl }),
    ...(forwardTo === undefined || forwardTo === '' ? {} : { forwardTo }),
    ...(forwardDeadLetteredMessagesTo === undefined || forwardDeadLetteredMessagesTo === '' ? {} : { forwardDeadLetteredMessagesTo }),
  };
}

function duplicateDetection(props: Map<string, Field>): Pick<QueueOptions, 'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindowMs'> {
  const window = optional(props, 'DuplicateDetectionHistoryTimeWindow', positiveDurationAt);
  const required = optional(props, 'RequiresDuplicateDetection', booleanAt) ?? false;
  return { requiresDuplicateDetection: required, ...(window === undefined ? {} : { duplicateDetectionHistoryTimeWindowMs: window }) };
}

/** The object's properties keyed by their canonical (schema) name; warns about the others. */
function fields(obj: Record<string, unknown>, path: string, known: readonly string[], warn: Warn): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const [key, value] of Object.entries(obj)) {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const canonical = known.find((name) => name.toLowerCase() === key.toLowerCase());
    if (canonical === undefined) {
      warn(`${fieldPath}: unknown property (not in the official emulator's Config.json schema); ignored.`);
      continue;
    }
    const previous = out.get(canonical);
    if (previous !== undefined) {
      throw new EmulatorConfigError(fieldPath, `duplicate property: '${canonical}' is already given as ${previous.path}`);
    }
    out.set(canonical, { value, path: fieldPath });
  }
  return out;
}

function required(map: Map<string, Field>, key: string, parentPath: string): Field {
  const field = map.get(key);
  if (field === undefined) {
    const path = parentPath === '' ? key : `${parentPath}.${key}`;
    throw new EmulatorConfigError(path, 'is required');
  }
  return field;
}

function optional<T>(map: Map<string, Field>, key: string, read: (field: Field) => T): T | undefined {
  const field = map.get(key);
  return field === undefined ? undefined : read(field);
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulatorConfigError(path, `must be a JSON object (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new EmulatorConfigError(path, `must be a JSON array (got ${describe(value)})`);
  return value;
}

function stringAt({ value, path }: Field): string {
  if (typeof value !== 'string') throw new EmulatorConfigError(path, `must be a string (got ${describe(value)})`);
  return value;
}

function booleanAt({ value, path }: Field): boolean {
  if (typeof value !== 'boolean') throw new EmulatorConfigError(path, `must be true or false (got ${describe(value)})`);
  return value;
}

function maxDeliveryCountAt({ value, path }: Field): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INT32) {
    throw new EmulatorConfigError(path, `must be a positive integer (got ${describe(value)})`);
  }
  return value;
}

function positiveDurationAt(field: Field): number {
  const ms = parseIsoDuration(stringAt(field), field.path);
  if (ms <= 0) throw new EmulatorConfigError(field.path, `must be a duration greater than zero (got ${describe(field.value)})`);
  return ms;
}

function lockDurationAt(field: Field): number {
  const ms = parseIsoDuration(stringAt(field), field.path);
  if (ms < minLockDurationMs || ms > maxLockDurationMs) {
    throw new EmulatorConfigError(
      field.path,
      `must be between PT0.1S (100 ms) and PT5M (5 minutes) (got ${describe(field.value)} = ${ms} ms)`,
    );
  }
  return ms;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
