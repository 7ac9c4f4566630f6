import { EmulatorConfigError } from './EmulatorConfigError';
import type { QueueOptions } from './EmulatorOptions';
import { parseIsoDuration } from './parseIsoDuration';
import { maxLockDurationMs, minLockDurationMs, queueDefaults } from './queueDefaults';

/**
 * Readers of `Config.json` values shared by the queue, topic, subscription and rule parsers: each
 * checks one value and throws `EmulatorConfigError` naming its JSON path.
 */

export type Warn = (message: string) => void;

/** A JSON value and its path (e.g. `UserConfig.Namespaces[0].Queues[1].Properties.LockDuration`). */
export interface Field {
  readonly value: unknown;
  readonly path: string;
}

/** An entity parsed from the file, with the paths its errors are reported at. */
export interface Parsed<T> {
  readonly options: T;
  readonly namePath: string;
  /** `<entity>.Properties` (where forwarding errors are reported). */
  readonly propertiesPath: string;
}

/**
 * Entity names: letters, digits, `.`, `-`, `_`; a letter or digit at both ends. Service Bus also allows
 * `/` (hierarchical names); this broker does not, as `/` separates `<queue>/$management`,
 * `<queue>/$deadletterqueue` and `<topic>/Subscriptions/<name>`.
 */
const ENTITY_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const MAX_ENTITY_NAME_LENGTH = 260;
const MAX_INT32 = 2_147_483_647;
/** .NET `TimeSpan.MaxValue` (Azure's "no TTL", `P10675199DT2H48M5.4775807S`) in whole ms. */
export const TIME_SPAN_MAX_MS = 922_337_203_685_477;

/** A queue, topic or subscription `Name`: non-empty, at most 260 characters, no `/`, the allowed characters. */
export function entityNameAt(nameField: Field, kind: string): { name: string; namePath: string } {
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

/** The entity's `Properties` object (empty when absent), keyed by schema name. */
export function propertiesOf(entity: Map<string, Field>, keys: readonly string[], warn: Warn): Map<string, Field> {
  const propertiesField = entity.get('Properties');
  return propertiesField === undefined
    ? new Map<string, Field>()
    : fields(objectAt(propertiesField.value, propertiesField.path), propertiesField.path, keys, warn);
}

/** The message-store properties shared by queues and subscriptions. */
export function storeProperties(props: Map<string, Field>): Omit<QueueOptions, 'name'> {
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

/** `RequiresDuplicateDetection` and `DuplicateDetectionHistoryTimeWindow` (queues and topics). */
export function duplicateDetection(props: Map<string, Field>): Pick<QueueOptions, 'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindowMs'> {
  const window = optional(props, 'DuplicateDetectionHistoryTimeWindow', positiveDurationAt);
  const required = optional(props, 'RequiresDuplicateDetection', booleanAt) ?? false;
  return { requiresDuplicateDetection: required, ...(window === undefined ? {} : { duplicateDetectionHistoryTimeWindowMs: window }) };
}

/** The object's properties keyed by their canonical (schema) name; warns about the others. */
export function fields(obj: Record<string, unknown>, path: string, known: readonly string[], warn: Warn): Map<string, Field> {
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

/** The field `key`; `is required` when absent. */
export function required(map: Map<string, Field>, key: string, parentPath: string): Field {
  const field = map.get(key);
  if (field === undefined) {
    const path = parentPath === '' ? key : `${parentPath}.${key}`;
    throw new EmulatorConfigError(path, 'is required');
  }
  return field;
}

/** The field `key` read by `read`, or `undefined` when absent. */
export function optional<T>(map: Map<string, Field>, key: string, read: (field: Field) => T): T | undefined {
  const field = map.get(key);
  return field === undefined ? undefined : read(field);
}

/** The value as a JSON object, or an error naming `path`. */
export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulatorConfigError(path, `must be a JSON object (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

/** The value as a JSON array, or an error naming `path`. */
export function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new EmulatorConfigError(path, `must be a JSON array (got ${describe(value)})`);
  return value;
}

/** The field as a string. */
export function stringAt({ value, path }: Field): string {
  if (typeof value !== 'string') throw new EmulatorConfigError(path, `must be a string (got ${describe(value)})`);
  return value;
}

/** The field as a boolean. */
export function booleanAt({ value, path }: Field): boolean {
  if (typeof value !== 'boolean') throw new EmulatorConfigError(path, `must be true or false (got ${describe(value)})`);
  return value;
}

/** The field as a positive 32-bit integer. */
export function maxDeliveryCountAt({ value, path }: Field): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INT32) {
    throw new EmulatorConfigError(path, `must be a positive integer (got ${describe(value)})`);
  }
  return value;
}

/** The field as a duration (see `parseIsoDuration`) greater than zero, in ms. */
export function positiveDurationAt(field: Field): number {
  const ms = parseIsoDuration(stringAt(field), field.path);
  if (ms <= 0) throw new EmulatorConfigError(field.path, `must be a duration greater than zero (got ${describe(field.value)})`);
  return ms;
}

/** The field as a lock duration between 100 ms and 5 min, in ms. */
export function lockDurationAt(field: Field): number {
  const ms = parseIsoDuration(stringAt(field), field.path);
  if (ms < minLockDurationMs || ms > maxLockDurationMs) {
    throw new EmulatorConfigError(
      field.path,
      `must be between PT0.1S (100 ms) and PT5M (5 minutes) (got ${describe(field.value)} = ${ms} ms)`,
    );
  }
  return ms;
}

/** A value as an error message shows it. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
