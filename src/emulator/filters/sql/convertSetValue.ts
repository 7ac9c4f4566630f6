import type { FilterValue } from '../RuleFilter';
import type { SqlValue } from './SqlAst';
import { SqlEvaluationError } from './SqlEvaluationError';
import { sqlToString } from './sqlValueOperations';
import type { SystemPropertyType } from './systemProperties';

const numberText = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const integerText = /^\s*[+-]?\d+\s*$/;

/**
 * The value `SET user.<name> = value` stores, given the property's current value. Azure: "SET
 * performs implicit conversion if possible when the expression type and the existing property type
 * are different", and "a string literal will be converted to a type based on the property being
 * modified". So a string assigned over a number becomes a number when it spells one (`'42'` → 42),
 * over a boolean a boolean (`'true'`/`'false'`, any case), over a date a date (an ISO-8601 text);
 * anything that does not convert is stored as it is. Other types are stored as they are.
 */
export function convertUserSetValue(existing: SqlValue, value: SqlValue): SqlValue {
  if (existing === undefined || typeof value !== 'string' || typeof existing === 'string') return value;
  if (typeof existing === 'number' || typeof existing === 'bigint') return parseNumber(value) ?? value;
  if (typeof existing === 'boolean') {
    const lower = value.trim().toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : value;
  }
  return parseDate(value) ?? value;
}

/**
 * The value `SET sys.<name> = value` stores, converted to the system property's type: strings
 * from numbers and booleans (as they concatenate) and dates (ISO-8601); dates from ISO-8601 text;
 * durations (`TimeToLive`, a number as the subject reports it) from numeric text. Throws
 * {@link SqlEvaluationError} when the value cannot become that type (the statement is skipped).
 */
export function convertSystemSetValue(type: SystemPropertyType, value: SqlValue): SqlValue {
  if (value === undefined) return undefined;
  switch (type) {
    case 'string':
      return sqlToString(value);
    case 'date':
      if (value instanceof Date) return value;
      if (typeof value === 'string') {
        const date = parseDate(value);
        if (date) return date;
      }
      break;
    case 'duration':
    case 'integer':
      if (typeof value === 'number' || typeof value === 'bigint') return value;
      if (typeof value === 'string') {
        const parsed = parseNumber(value);
        if (parsed !== undefined) return parsed;
      }
      break;
  }
  throw new SqlEvaluationError(`Cannot convert ${String(value)} to the ${type} a system property holds.`);
}

function parseNumber(text: string): FilterValue | undefined {
  if (!numberText.test(text)) return undefined;
  if (integerText.test(text)) {
    const big = BigInt(text.trim());
    if (big >= -(2n ** 63n) && big < 2n ** 63n) {
      return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
    }
  }
  return Number(text);
}

function parseDate(text: string): Date | undefined {
  if (!/^\s*\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}
