import { ConstantFilter } from './constantFilter';
import { CorrelationFilter } from './CorrelationFilter';
import { Rule } from './Rule';
import { RuleCompileError } from './RuleCompileError';
import type { RuleAction, RuleFilter } from './RuleFilter';
import type { RuleFilterOptions, RuleOptions } from './RuleOptions';
import type * as SqlLanguage from './sql';
import { SqlExpressionError } from './SqlExpressionError';

const TRUE: RuleFilterOptions = { type: 'true' };

let sqlLanguage: typeof SqlLanguage | undefined;
/**
 * The SQL compiler, loaded on the first SQL filter or action: a broker with none (the CLI's default
 * configuration, correlation and true/false rules) starts without its ~15 modules (cold start).
 */
function sql(): typeof SqlLanguage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (sqlLanguage ??= require('./sql') as typeof SqlLanguage);
}

/**
 * Compiles a rule's filter (correlation, SQL, true, false; default true) and its SQL action.
 * @throws RuleCompileError naming the option (e.g. `filter.sqlExpression`) and, for SQL, the position of
 *   the problem in the expression.
 */
export function compileRule(options: RuleOptions): Rule {
  const fail = (option: string, problem: string, cause?: unknown): never => {
    throw new RuleCompileError(option, problem, cause === undefined ? undefined : { cause });
  };
  if (typeof options?.name !== 'string' || options.name.trim() === '' || options.name.includes('/')) {
    fail('name', "a rule name must be a non-empty string without '/'");
  }
  const filterOptions = options.filter ?? TRUE;
  const filter = compileFilter(filterOptions, fail);
  let action: RuleAction | undefined;
  if (options.action !== undefined) {
    const expression = options.action?.sqlExpression;
    if (typeof expression !== 'string') fail('action.sqlExpression', 'must be a string');
    else if (expression.trim() !== '') action = compileAction(expression, fail);
  }
  return new Rule({ ...options, filter: filterOptions }, filter, action);
}

type Fail = (option: string, problem: string, cause?: unknown) => never;

function compileFilter(options: RuleFilterOptions, fail: Fail): RuleFilter {
  switch (options?.type) {
    case 'true':
      return ConstantFilter.true;
    case 'false':
      return ConstantFilter.false;
    case 'correlation': {
      const { type: _type, ...fields } = options;
      for (const [key, value] of Object.entries(fields)) {
        if (key === 'properties') {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('filter.properties', 'must be an object of property values');
          for (const [name, property] of Object.entries(value as object)) {
            if (!isFilterValue(property)) fail(`filter.properties.${name}`, 'must be a string, number, boolean or Date');
          }
        } else if (typeof value !== 'string') {
          fail(`filter.${key}`, 'must be a string');
        }
      }
      const filter = new CorrelationFilter(fields);
      if (filter.empty) fail('filter', 'a correlation filter needs at least one property to match');
      return filter;
    }
    case 'sql':
      return compileSql(options.sqlExpression, fail);
    default:
      return fail('filter.type', "must be 'sql', 'correlation', 'true' or 'false'");
  }
}

function compileSql(expression: unknown, fail: Fail): RuleFilter {
  if (typeof expression !== 'string' || expression.trim() === '') return fail('filter.sqlExpression', 'must be a non-empty SQL expression');
  try {
    return sql().compileSqlFilter(expression);
  } catch (error: unknown) {
    return failSql('filter.sqlExpression', error, fail);
  }
}

function compileAction(expression: string, fail: Fail): RuleAction {
  try {
    return sql().compileSqlAction(expression);
  } catch (error: unknown) {
    return failSql('action.sqlExpression', error, fail);
  }
}

/** A SQL compile error as a rule problem that names the position (once). */
function failSql(option: string, error: unknown, fail: Fail): never {
  if (!(error instanceof SqlExpressionError)) throw error;
  const message = /position \d+/.test(error.message) ? error.message : `${error.message} (at position ${error.position})`;
  return fail(option, `does not compile: ${message}`, error);
}

function isFilterValue(value: unknown): boolean {
  return ['string', 'number', 'boolean', 'bigint'].includes(typeof value) || value instanceof Date;
}
