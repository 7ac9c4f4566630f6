import { compileRule } from '../../filters/compileRule';
import { RuleCompileError } from '../../filters/RuleCompileError';
import type { FilterValue } from '../../filters/RuleFilter';
import type { CorrelationFilterOptions, RuleFilterOptions, RuleOptions } from '../../filters/RuleOptions';
import { Conditions } from '../../wire/conditions';
import { asRecord, asString } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { subscriptionOf, type Operation } from '../OperationContext';

/** AMQP field names of a correlation filter in a `rule-description` → our option names. */
const CORRELATION_FIELDS: Readonly<Record<string, keyof CorrelationFilterOptions>> = {
  'correlation-id': 'correlationId',
  'message-id': 'messageId',
  to: 'to',
  'reply-to': 'replyTo',
  label: 'subject',
  'session-id': 'sessionId',
  'reply-to-session-id': 'replyToSessionId',
  'content-type': 'contentType',
};

/**
 * `com.microsoft:add-rule` (on a subscription): `rule-name` and `rule-description` (a map with
 * `sql-filter` `{ expression }` or `correlation-filter` `{ correlation-id, message-id, to, reply-to,
 * label, session-id, reply-to-session-id, content-type, properties }`, optional `sql-rule-action`
 * `{ expression }`). 409 `com.microsoft:entity-already-exists` for a taken name; 400
 * `com.microsoft:argument-error` for a filter or action that does not compile.
 */
export const addRule: Operation = (context) => {
  const subscription = subscriptionOf(context);
  const name = asString(context.body['rule-name']);
  if (name === undefined || name === '') throw ManagementError.argument('rule-name', 'must be a non-empty string');
  const description = asRecord(context.body['rule-description']);
  if (description === undefined) throw ManagementError.argument('rule-description', 'must be a map');
  if (subscription.rule(name) !== undefined) {
    throw new ManagementError(409, 'com.microsoft:entity-already-exists', `The rule '${name}' already exists on '${subscription.queue.name}'.`);
  }
  const action = asString(asRecord(description['sql-rule-action'])?.['expression']);
  const options: RuleOptions = { name, filter: filterOf(description), ...(action === undefined ? {} : { action: { sqlExpression: action } }) };
  try {
    subscription.setRule(compileRule(options));
  } catch (error: unknown) {
    if (error instanceof RuleCompileError) throw new ManagementError(400, Conditions.argumentError, `Rule '${name}': ${error.problem}`);
    throw error;
  }
  return { body: {} };
};

function filterOf(description: Record<string, unknown>): RuleFilterOptions {
  const sql = asRecord(description['sql-filter']);
  if (sql !== undefined) return { type: 'sql', sqlExpression: asString(sql['expression']) ?? '' };
  const correlation = asRecord(description['correlation-filter']);
  if (correlation === undefined) throw ManagementError.argument('rule-description', "must hold 'sql-filter' or 'correlation-filter'");
  const options: { -readonly [K in keyof CorrelationFilterOptions]: CorrelationFilterOptions[K] } = {};
  for (const [field, option] of Object.entries(CORRELATION_FIELDS)) {
    const value = correlation[field];
    if (value === undefined || value === null) continue;
    (options as Record<string, unknown>)[option] = typeof value === 'string' ? value : String(value);
  }
  const properties = asRecord(correlation['properties']);
  if (properties !== undefined && Object.keys(properties).length > 0) {
    const values: Record<string, FilterValue> = {};
    for (const [key, value] of Object.entries(properties)) {
      if (['string', 'number', 'boolean', 'bigint'].includes(typeof value) || value instanceof Date) values[key] = value as FilterValue;
      else throw ManagementError.argument(`correlation-filter.properties.${key}`, 'must be a string, number, boolean or timestamp');
    }
    options.properties = values;
  }
  return { type: 'correlation', ...options };
}
