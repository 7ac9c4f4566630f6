/**
 * The system properties a SQL filter may name with `sys.` (Azure's `BrokeredMessage` /
 * `ServiceBusMessage` properties; `Label` and `Subject` are the same property). Azure rejects a rule
 * naming any other system property, and so does the compiler: with a `SqlExpressionError`.
 */

/** The type a system property holds, used to convert a `SET sys.<name> = …` value. */
export type SystemPropertyType = 'string' | 'integer' | 'date' | 'duration';

/** What the SQL language knows about one system property. */
export interface SystemPropertyInfo {
  /** Canonical spelling, as passed to `FilterSubject.system` / `setSystem` / `removeSystem`. */
  readonly name: string;
  readonly type: SystemPropertyType;
  /** A sender may set it, so a rule action may `SET` / `REMOVE` it. */
  readonly settable: boolean;
}

const table: readonly SystemPropertyInfo[] = [
  { name: 'MessageId', type: 'string', settable: true },
  { name: 'CorrelationId', type: 'string', settable: true },
  { name: 'To', type: 'string', settable: true },
  { name: 'ReplyTo', type: 'string', settable: true },
  { name: 'Label', type: 'string', settable: true },
  { name: 'Subject', type: 'string', settable: true },
  { name: 'SessionId', type: 'string', settable: true },
  { name: 'ReplyToSessionId', type: 'string', settable: true },
  { name: 'ContentType', type: 'string', settable: true },
  { name: 'PartitionKey', type: 'string', settable: true },
  { name: 'ViaPartitionKey', type: 'string', settable: true },
  { name: 'TransactionPartitionKey', type: 'string', settable: true },
  { name: 'TimeToLive', type: 'duration', settable: true },
  { name: 'ScheduledEnqueueTimeUtc', type: 'date', settable: true },
  { name: 'DeliveryCount', type: 'integer', settable: false },
  { name: 'SequenceNumber', type: 'integer', settable: false },
  { name: 'EnqueuedSequenceNumber', type: 'integer', settable: false },
  { name: 'EnqueuedTimeUtc', type: 'date', settable: false },
  { name: 'ExpiresAtUtc', type: 'date', settable: false },
  { name: 'LockedUntilUtc', type: 'date', settable: false },
  { name: 'LockToken', type: 'string', settable: false },
  { name: 'DeadLetterSource', type: 'string', settable: false },
  { name: 'Size', type: 'integer', settable: false },
];

const byLowerName = new Map(table.map((info) => [info.name.toLowerCase(), info]));

/** The system property named `name` (case-insensitively), or `undefined` when there is none. */
export function systemProperty(name: string): SystemPropertyInfo | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Every system property name the SQL language accepts, canonically spelled. */
export const systemPropertyNames: readonly string[] = table.map((info) => info.name);
