import type { FilterValue } from '../../filters/RuleFilter';
import type { CorrelationFilterOptions, RuleFilterOptions, RuleOptions } from '../../filters/RuleOptions';
import { AdminError } from './AdminError';
import { SB_NS, tag, XSI_NS } from './atom';
import { attribute, child, escapeXml, localName, type XmlElement } from './xml';

/** A rule as the administration API reads and writes it: the broker's `RuleOptions`, with its filter always stated. */
export type RuleSpec = RuleOptions & { readonly filter: RuleFilterSpec };
/** A rule filter: SQL, correlation, or the constant true / false filters. */
export type RuleFilterSpec = RuleFilterOptions;
/** The fields of a correlation filter (each optional; `subject` is Service Bus's `Label`). */
export type CorrelationSpec = CorrelationFilterOptions;

/** Correlation filter fields: XML element name → spec field, in the order Service Bus writes them. */
const CORRELATION_FIELDS = [
  ['CorrelationId', 'correlationId'],
  ['MessageId', 'messageId'],
  ['To', 'to'],
  ['ReplyTo', 'replyTo'],
  ['Label', 'subject'],
  ['SessionId', 'sessionId'],
  ['ReplyToSessionId', 'replyToSessionId'],
  ['ContentType', 'contentType'],
] as const;

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

/**
 * Reads a `RuleDescription` (a rule's create / update body, or a subscription's `DefaultRuleDescription`).
 * The rule's name comes from the URL (`fallbackName`) unless the description names it.
 *
 * @throws AdminError 400 for an unknown filter or action type, an empty SQL expression, SQL parameters
 * (`@name` placeholders are not supported), or a malformed correlation property.
 */
export function readRuleDescription(description: XmlElement, fallbackName: string): RuleSpec {
  const name = child(description, 'Name')?.text.trim() || fallbackName;
  const filter = readFilter(child(description, 'Filter'));
  const actionElement = child(description, 'Action');
  const actionType = attribute(actionElement, 'type');
  let action: { sqlExpression: string } | undefined;
  if (actionElement !== undefined && actionType !== undefined && localName(actionType) !== 'EmptyRuleAction') {
    if (localName(actionType) !== 'SqlRuleAction') throw new AdminError(400, `Action type '${actionType}' is not supported; use SqlRuleAction or EmptyRuleAction.`);
    noParameters(actionElement, 'Action');
    action = { sqlExpression: sqlExpression(actionElement, 'Action') };
  }
  return { name, filter, ...(action !== undefined && { action }) };
}

function readFilter(filter: XmlElement | undefined): RuleFilterSpec {
  if (filter === undefined) return { type: 'true' };
  const type = localName(attribute(filter, 'type') ?? 'SqlFilter');
  switch (type) {
    case 'TrueFilter':
      return { type: 'true' };
    case 'FalseFilter':
      return { type: 'false' };
    case 'SqlFilter':
      noParameters(filter, 'Filter');
      return { type: 'sql', sqlExpression: sqlExpression(filter, 'Filter') };
    case 'CorrelationFilter': {
      const spec: Record<string, unknown> = { type: 'correlation' };
      for (const [element, field] of CORRELATION_FIELDS) {
        const value = child(filter, element)?.text;
        if (value !== undefined && value !== '') spec[field] = value;
      }
      const properties = readProperties(child(filter, 'Properties'));
      if (properties !== undefined) spec['properties'] = properties;
      return spec as RuleFilterSpec;
    }
    default:
      throw new AdminError(400, `Filter type '${type}' is not supported; use SqlFilter, CorrelationFilter, TrueFilter or FalseFilter.`);
  }
}

function sqlExpression(element: XmlElement, what: string): string {
  const expression = child(element, 'SqlExpression')?.text.trim() ?? '';
  if (expression === '') throw new AdminError(400, `${what}: SqlExpression must not be empty.`);
  return expression;
}

function noParameters(element: XmlElement, what: string): void {
  if ((child(element, 'Parameters')?.children.length ?? 0) > 0) {
    throw new AdminError(400, `${what}: SQL parameters (@name placeholders) are not supported by this emulator; write the values into the expression.`);
  }
}

function readProperties(element: XmlElement | undefined): Record<string, FilterValue> | undefined {
  if (element === undefined || element.children.length === 0) return undefined;
  const properties: Record<string, FilterValue> = {};
  for (const pair of element.children) {
    const key = child(pair, 'Key')?.text;
    const valueElement = child(pair, 'Value');
    if (key === undefined || key === '' || valueElement === undefined) throw new AdminError(400, 'Each correlation property needs a Key and a Value.');
    properties[key] = typedValue(localName(attribute(valueElement, 'type') ?? 'string'), valueElement.text, key);
  }
  return properties;
}

function typedValue(type: string, text: string, key: string): FilterValue {
  switch (type) {
    case 'string':
      return text;
    case 'boolean':
      if (text !== 'true' && text !== 'false') break;
      return text === 'true';
    case 'int':
    case 'long':
    case 'short':
    case 'double':
    case 'float':
    case 'decimal': {
      const number = Number(text);
      if (text.trim() === '' || Number.isNaN(number)) break;
      return number;
    }
    case 'dateTime': {
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) break;
      return date;
    }
    default:
      throw new AdminError(400, `Correlation property '${key}' has the unsupported type '${type}'.`);
  }
  throw new AdminError(400, `Correlation property '${key}': '${text}' is not a ${type}.`);
}

/** A rule's `RuleDescription`, as Service Bus writes it (a true filter with its `1=1`, an `EmptyRuleAction`). */
export function writeRuleDescription(rule: RuleSpec, createdAt: number): string {
  return (
    `<RuleDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">${filterXml(rule.filter)}` +
    (rule.action === undefined
      ? '<Action i:type="EmptyRuleAction"/>'
      : `<Action i:type="SqlRuleAction">${tag('SqlExpression', rule.action.sqlExpression)}${tag('CompatibilityLevel', 20)}</Action>`) +
    `${tag('CreatedAt', new Date(createdAt).toISOString())}${tag('Name', rule.name)}</RuleDescription>`
  );
}

function filterXml(filter: RuleFilterSpec): string {
  switch (filter.type) {
    case 'true':
      return `<Filter i:type="TrueFilter">${tag('SqlExpression', '1=1')}${tag('CompatibilityLevel', 20)}</Filter>`;
    case 'false':
      return `<Filter i:type="FalseFilter">${tag('SqlExpression', '1=0')}${tag('CompatibilityLevel', 20)}</Filter>`;
    case 'sql':
      return `<Filter i:type="SqlFilter">${tag('SqlExpression', filter.sqlExpression)}${tag('CompatibilityLevel', 20)}</Filter>`;
    case 'correlation': {
      let fields = '';
      for (const [element, field] of CORRELATION_FIELDS) {
        const value = filter[field];
        if (value !== undefined) fields += tag(element, value);
      }
      const entries = Object.entries(filter.properties ?? {});
      if (entries.length > 0) {
        fields += `<Properties>${entries.map(([key, value]) => `<KeyValueOfstringanyType>${tag('Key', key)}${valueXml(value)}</KeyValueOfstringanyType>`).join('')}</Properties>`;
      }
      return `<Filter i:type="CorrelationFilter">${fields}</Filter>`;
    }
  }
}

/** A property value with its XML Schema type (the SDK reads the type after a 4-character prefix: `d6p1:`). */
function valueXml(value: FilterValue): string {
  let type: string;
  let text: string;
  if (typeof value === 'string') [type, text] = ['string', value];
  else if (typeof value === 'boolean') [type, text] = ['boolean', String(value)];
  else if (value instanceof Date) [type, text] = ['dateTime', value.toISOString()];
  else if (typeof value === 'bigint') [type, text] = ['double', value.toString()];
  else [type, text] = [Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? 'int' : 'double', String(value)];
  return `<Value i:type="d6p1:${type}" xmlns:d6p1="${XSD_NS}">${escapeXml(text)}</Value>`;
}
