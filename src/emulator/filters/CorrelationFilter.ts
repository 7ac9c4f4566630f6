import type { CorrelationFilterOptions } from './RuleOptions';
import { sameFilterValue } from './filterValues';
import type { FilterSubject, FilterValue, RuleFilter } from './RuleFilter';

/** The system properties a correlation filter can name, with their `sys.` names. */
const SYSTEM_FIELDS = [
  ['correlationId', 'CorrelationId'],
  ['messageId', 'MessageId'],
  ['to', 'To'],
  ['replyTo', 'ReplyTo'],
  ['subject', 'Label'],
  ['sessionId', 'SessionId'],
  ['replyToSessionId', 'ReplyToSessionId'],
  ['contentType', 'ContentType'],
] as const;

/**
 * A correlation filter: matches when every system property given equals the message's (exact string
 * comparison; a uuid or numeric message id compares by its text) and every application property given
 * is present with an equal value (numbers of any width compare by value; no other coercion).
 */
export class CorrelationFilter implements RuleFilter {
  private readonly system: readonly (readonly [string, string])[];
  private readonly user: readonly (readonly [string, FilterValue])[];

  constructor(options: CorrelationFilterOptions) {
    this.system = SYSTEM_FIELDS.filter(([field]) => options[field] !== undefined).map(([field, name]) => [name, String(options[field])] as const);
    this.user = Object.entries(options.properties ?? {});
  }

  /** True when the filter names no field at all (it would match everything). */
  get empty(): boolean {
    return this.system.length === 0 && this.user.length === 0;
  }

  matches(message: FilterSubject): boolean {
    for (const [name, expected] of this.system) {
      const actual = message.system(name);
      if (actual === undefined || (actual instanceof Date ? actual.toISOString() : String(actual)) !== expected) return false;
    }
    for (const [name, expected] of this.user) {
      if (!sameFilterValue(message.user(name), expected)) return false;
    }
    return true;
  }
}
