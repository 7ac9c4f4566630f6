import type { Rule } from '../../filters/Rule';
import { fromFilterValue } from '../../filters/filterValues';
import { types, type Typed } from '../../rhea/codec';
import { longToNumber } from '../../wire/values';
import { subscriptionOf, type Operation } from '../OperationContext';

/** Descriptor codes of the rule description types (Service Bus AMQP request/response). */
const Descriptor = {
  ruleDescription: 0x0000013700000004,
  sqlFilter: 0x0000001370000006,
  trueFilter: 0x0000001370000007,
  falseFilter: 0x0000001370000008,
  correlationFilter: 0x0000001370000009,
  sqlRuleAction: 0x0000013700000006,
  emptyRuleAction: 0x0000013700000005,
} as const;
/** `compatibility-level` of SQL filters and actions. */
const SQL_COMPATIBILITY_LEVEL = 20;

/**
 * `com.microsoft:enumerate-rules` (on a subscription): `{ rules: [{ 'rule-description': described list
 * [filter, action, name] }] }`, paged by `skip` / `top`; 204 when the page is empty.
 */
export const enumerateRules: Operation = (context) => {
  const rules = subscriptionOf(context).rules;
  const skip = Math.max(0, longToNumber(context.body['skip'] ?? 0) ?? 0);
  const top = Math.max(0, longToNumber(context.body['top'] ?? rules.length) ?? rules.length);
  const page = rules.slice(skip, skip + top);
  if (page.length === 0) return { statusCode: 204, body: {} };
  return { body: { rules: page.map((rule) => ({ 'rule-description': describe(rule) })) } };
};

function describe(rule: Rule): Typed {
  const action = rule.options.action;
  const actionList =
    action === undefined || rule.action === undefined
      ? described(Descriptor.emptyRuleAction, [])
      : described(Descriptor.sqlRuleAction, [types.wrap_string(action.sqlExpression), types.wrap_int(SQL_COMPATIBILITY_LEVEL)]);
  return described(Descriptor.ruleDescription, [filterList(rule), actionList, types.wrap_string(rule.name)]);
}

function filterList(rule: Rule): Typed {
  const filter = rule.options.filter;
  switch (filter.type) {
    case 'true':
      return described(Descriptor.trueFilter, []);
    case 'false':
      return described(Descriptor.falseFilter, []);
    case 'sql':
      return described(Descriptor.sqlFilter, [types.wrap_string(filter.sqlExpression), types.wrap_int(SQL_COMPATIBILITY_LEVEL)]);
    case 'correlation': {
      const text = (value: string | undefined): Typed => (value === undefined ? types.Null() : types.wrap_string(value));
      const properties: Typed[] = [];
      for (const [key, value] of Object.entries(filter.properties ?? {})) properties.push(types.wrap_string(key), fromFilterValue(value));
      return described(Descriptor.correlationFilter, [
        text(filter.correlationId),
        text(filter.messageId),
        text(filter.to),
        text(filter.replyTo),
        text(filter.subject),
        text(filter.sessionId),
        text(filter.replyToSessionId),
        text(filter.contentType),
        types.Map32(properties),
      ]);
    }
  }
}

function described(code: number, items: readonly Typed[]): Typed {
  return types.described(types.wrap_ulong(code), types.List32(items)) as Typed;
}
