import { EmulatorConfigError } from './EmulatorConfigError';
import type { QueueOptions } from './EmulatorOptions';
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
// SharedAccessKeys: this broker's extension (read by cbs/sasKeysFromConfig), not in the official schema.
const USER_CONFIG_KEYS = ['Namespaces', 'Logging', 'SharedAccessKeys'] as const;
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
  // Official properties that are accepted, type-checked and ignored:
  'DuplicateDetectionHistoryTimeWindow',
  'RequiresDuplicateDetection',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
] as const;

/**
 * Reads a configuration in the official Azure Service Bus emulator's `Config.json` format
 * (`{ UserConfig: { Namespaces: [{ Name, Queues: [{ Name, Properties: {...} }], Topics }], Logging } }`)
 * and returns its queues in normalised form, with defaults applied.
 *
 * - Every property of the official schema is accepted. Implemented: `RequiresSession`,
 *   `LockDuration` (100 ms to 5 min), `MaxDeliveryCount` (positive integer),
 *   `DefaultMessageTimeToLive`, `DeadLetteringOnMessageExpiration`. Accepted, type-checked and
 *   ignored: `DuplicateDetectionHistoryTimeWindow`, `RequiresDuplicateDetection`, `ForwardTo`,
 *   `ForwardDeadLetteredMessagesTo`, `Logging`, the namespace `Name`.
 * - Property names match case-insensitively (like .NET configuration binding).
 * - Warnings (via `onWarning`, each naming its JSON path): unknown properties; topics (not supported,
 *   skipped); more than one namespace (queues are merged); enabled features that are ignored
 *   (duplicate detection, auto-forwarding); no queues at all.
 *
 * @param json - the parsed JSON document.
 * @param onWarning - receives each warning; default `console.warn`.
 * @returns the queues of all namespaces, in file order.
 * @throws EmulatorConfigError naming the JSON path (`field`) of the first invalid value: wrong
 *   shape or type, empty / malformed / duplicate (case-insensitive) queue name, `MaxDeliveryCount`
 *   not a positive integer, a malformed or out-of-range duration.
 */
export function parseEmulatorConfig(json: unknown, onWarning: (message: string) => void = (message) => console.warn(message)): QueueOptions[] {
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
        'Their queues are merged into this single broker.',
    );
  }

  const queues: QueueOptions[] = [];
  const seen = new Map<string, string>();
  namespaces.forEach((namespaceValue, n) => {
    const namespacePath = `${namespacesField.path}[${n}]`;
    const namespace = fields(objectAt(namespaceValue, namespacePath), namespacePath, NAMESPACE_KEYS, onWarning);
    const name = namespace.get('Name');
    if (name !== undefined) stringAt(name);

    const topics = namespace.get('Topics');
    if (topics !== undefined) {
      arrayAt(topics.value, topics.path).forEach((topic, t) => {
        const topicPath = `${topics.path}[${t}]`;
        const topicName = fields(objectAt(topic, topicPath), topicPath, TOPIC_KEYS, () => undefined).get('Name');
        const label = typeof topicName?.value === 'string' ? ` '${topicName.value}'` : '';
        onWarning(`${topicPath}: topic${label} skipped: topics and subscriptions are not supported by this emulator.`);
      });
    }

    const queueList = namespace.get('Queues');
    if (queueList === undefined) return;
    arrayAt(queueList.value, queueList.path).forEach((queueValue, q) => {
      const queue = parseQueue(queueValue, `${queueList.path}[${q}]`, onWarning);
      const key = queue.options.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new EmulatorConfigError(
          queue.namePath,
          `duplicate queue name '${queue.options.name}' (names are case-insensitive; first defined at ${first})`,
        );
      }
      seen.set(key, queue.namePath);
      queues.push(queue.options);
    });
  });

  if (queues.length === 0) onWarning(`${namespacesField.path}: no queues are configured; every attach will fail with not-found.`);
  return queues;
}

function parseQueue(value: unknown, path: string, warn: Warn): { options: QueueOptions; namePath: string } {
  const queue = fields(objectAt(value, path), path, QUEUE_KEYS, warn);
  const nameField = required(queue, 'Name', path);
  const name = stringAt(nameField);
  if (name.length === 0) throw new EmulatorConfigError(nameField.path, 'a queue name cannot be empty');
  if (name.length > MAX_ENTITY_NAME_LENGTH) {
    throw new EmulatorConfigError(nameField.path, `a queue name has at most ${MAX_ENTITY_NAME_LENGTH} characters (got ${name.length})`);
  }
  if (name.includes('/')) {
    throw new EmulatorConfigError(nameField.path, `queue names with '/' are not supported by this emulator (got ${JSON.stringify(name)})`);
  }
  if (!ENTITY_NAME.test(name)) {
    throw new EmulatorConfigError(
      nameField.path,
      `invalid queue name ${JSON.stringify(name)}: use letters, digits, '.', '-' or '_', starting and ending with a letter or digit`,
    );
  }

  const propertiesField = queue.get('Properties');
  const props =
    propertiesField === undefined
      ? new Map<string, Field>()
      : fields(objectAt(propertiesField.value, propertiesField.path), propertiesField.path, QUEUE_PROPERTY_KEYS, warn);

  const requiresSession = optional(props, 'RequiresSession', booleanAt) ?? queueDefaults.requiresSession;
  const lockDurationMs = optional(props, 'LockDuration', lockDurationAt) ?? queueDefaults.lockDurationMs;
  const maxDeliveryCount = optional(props, 'MaxDeliveryCount', maxDeliveryCountAt) ?? queueDefaults.maxDeliveryCount;
  const ttl = optional(props, 'DefaultMessageTimeToLive', positiveDurationAt);
  const deadLetteringOnMessageExpiration =
    optional(props, 'DeadLetteringOnMessageExpiration', booleanAt) ?? queueDefaults.deadLetteringOnMessageExpiration;

  optional(props, 'DuplicateDetectionHistoryTimeWindow', positiveDurationAt);
  if (optional(props, 'RequiresDuplicateDetection', booleanAt) === true) {
    warn(`${props.get('RequiresDuplicateDetection')?.path}: duplicate detection is not implemented; the setting is ignored.`);
  }
  for (const key of ['ForwardTo', 'ForwardDeadLetteredMessagesTo'] as const) {
    const target = optional(props, key, stringAt);
    if (target !== undefined && target !== '') {
      warn(`${props.get(key)?.path}: auto-forwarding is not implemented; messages stay in '${name}'.`);
    }
  }

  const options: QueueOptions = {
    name,
    requiresSession,
    lockDurationMs,
    maxDeliveryCount,
    deadLetteringOnMessageExpiration,
    ...(ttl === undefined || ttl >= TIME_SPAN_MAX_MS ? {} : { defaultMessageTimeToLiveMs: ttl }),
  };
  return { options, namePath: nameField.path };
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
