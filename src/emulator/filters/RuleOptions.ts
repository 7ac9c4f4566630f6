import type { FilterValue } from './RuleFilter';

/** One subscription rule: a filter and an optional SQL action. */
export interface RuleOptions {
  /** Rule name, unique in its subscription (case-insensitive). */
  readonly name: string;
  /** Default: the true filter. */
  readonly filter?: RuleFilterOptions;
  /** A SQL rule action (`SET …`, `REMOVE …`) applied to the subscription's copy of a matching message. */
  readonly action?: { readonly sqlExpression: string };
}

/** A rule filter: SQL, correlation, or the constant true / false filters. */
export type RuleFilterOptions =
  | { readonly type: 'sql'; readonly sqlExpression: string }
  | ({ readonly type: 'correlation' } & CorrelationFilterOptions)
  | { readonly type: 'true' }
  | { readonly type: 'false' };

/**
 * A correlation filter: matches when every field given equals the message's (exact, case-sensitive),
 * and every entry of `properties` equals the application property of that name. At least one field.
 */
export interface CorrelationFilterOptions {
  readonly correlationId?: string;
  readonly messageId?: string;
  readonly to?: string;
  readonly replyTo?: string;
  /** The message's subject (Service Bus `Label`). */
  readonly subject?: string;
  readonly sessionId?: string;
  readonly replyToSessionId?: string;
  readonly contentType?: string;
  /** Application properties that must be present with these values. */
  readonly properties?: Readonly<Record<string, FilterValue>>;
}
