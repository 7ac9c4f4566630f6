/**
 * The contract between a subscription's rules and the message they look at. The topic side
 * (`entities/`) adapts a stored message to a {@link FilterSubject}; the filter side (correlation
 * filters, the SQL filter language in `sql/`) only reads and writes through it.
 */

/**
 * A property value as filters see it. AMQP integers of every width arrive as `number` (a `long`
 * outside ±2^53 as `bigint`), floats and doubles as `number`, timestamps as `Date`, uuids as their
 * string form.
 */
export type FilterValue = string | number | bigint | boolean | Date;

/** A message as a filter reads it. A missing property is `undefined` (SQL `NULL`). */
export interface FilterSubject {
  /**
   * `sys.<name>`: a system property by its Service Bus name — `MessageId`, `CorrelationId`, `To`,
   * `ReplyTo`, `Label` (alias `Subject`), `SessionId`, `ReplyToSessionId`, `ContentType`, `TimeToLive`,
   * `ScheduledEnqueueTimeUtc`, `DeliveryCount`, `SequenceNumber`, `EnqueuedTimeUtc`, `Size`, … —
   * matched case-insensitively.
   */
  system(name: string): FilterValue | undefined;
  /** `user.<name>` or an unprefixed name: an application property, matched exactly (case-sensitive). */
  user(name: string): FilterValue | undefined;
}

/** A message as a rule action changes it (the subscription's own copy only). */
export interface MutableFilterSubject extends FilterSubject {
  /** `SET sys.<name> = …`; only properties a sender may set (e.g. `Label`, `To`, `ContentType`). */
  setSystem(name: string, value: FilterValue | undefined): void;
  /** `SET <name> = …` / `SET user.<name> = …`. */
  setUser(name: string, value: FilterValue | undefined): void;
  /** `REMOVE <name>` / `REMOVE user.<name>`. */
  removeUser(name: string): void;
  /** `REMOVE sys.<name>`. */
  removeSystem(name: string): void;
}

/** A compiled rule filter: correlation, SQL, true or false. */
export interface RuleFilter {
  /** True when the message matches. Never throws: an evaluation error means "no match". */
  matches(message: FilterSubject): boolean;
}

/** A compiled rule action (`SET …; REMOVE …`), applied to a matching subscription's copy. */
export interface RuleAction {
  apply(message: MutableFilterSubject): void;
}
