import { compileRule } from '../filters/compileRule';
import { RuleCompileError } from '../filters/RuleCompileError';
import { describe, fields, objectAt, required, stringAt, type Field, type Warn } from './configFields';
import { EmulatorConfigError } from './EmulatorConfigError';
import type { CorrelationFilterOptions, RuleOptions } from './TopicOptions';

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
 * One `Subscriptions[].Rules[]` entry: `{ Name, Properties: { FilterType: 'Correlation' | 'Sql',
 * CorrelationFilter | SqlFilter: { SqlExpression }, Action?: { SqlExpression } } }`. The filter and action
 * are compiled here, so that a bad one is reported at its JSON path, naming the rule (and, for SQL, the
 * position).
 * @throws EmulatorConfigError
 */
export function parseRuleConfig(value: unknown, path: string, warn: Warn): { options: RuleOptions; namePath: string } {
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
    compileRule(options);
  } catch (error: unknown) {
    if (!(error instanceof RuleCompileError)) throw error;
    const at = error.option.startsWith('action') ? actionPath : error.option.startsWith('filter.sqlExpression') ? expressionPath : propertiesField.path;
    // For SQL the problem names the position in the expression (see compileRule).
    throw new EmulatorConfigError(at, `rule '${name}': ${error.problem}`, { cause: error });
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

