import { arrayAt, entityNameAt, fields, objectAt, propertiesOf, required, stringAt, storeProperties, duplicateDetection, type Parsed, type Warn } from './configFields';
import { EmulatorConfigError } from './EmulatorConfigError';
import { forwardingProblem } from './forwardingProblem';
import type { EmulatorEntities } from './EmulatorEntities';
import type { QueueOptions } from './EmulatorOptions';
import { parseTopicConfig, type ParsedTopic } from './parseTopicConfig';

const ROOT_KEYS = ['UserConfig', '$schema'] as const;
// SharedAccessKeys: this broker's extension (read by cbs/sasKeysFromConfig), not in the official schema.
const USER_CONFIG_KEYS = ['Namespaces', 'Logging', 'SharedAccessKeys'] as const;
const LOGGING_KEYS = ['Type'] as const;
const NAMESPACE_KEYS = ['Name', 'Queues', 'Topics'] as const;
const QUEUE_KEYS = ['Name', 'Properties'] as const;
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
  const topics: ParsedTopic[] = [];
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
        const topic = parseTopicConfig(topicValue, `${topicList.path}[${t}]`, onWarning);
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

function parseQueue(value: unknown, path: string, warn: Warn): Parsed<QueueOptions> {
  const queue = fields(objectAt(value, path), path, QUEUE_KEYS, warn);
  const { name, namePath } = entityNameAt(required(queue, 'Name', path), 'queue');
  const props = propertiesOf(queue, QUEUE_PROPERTY_KEYS, warn);
  const options: QueueOptions = { name, ...storeProperties(props), ...duplicateDetection(props) };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

