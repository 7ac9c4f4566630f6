import type { FilterSubject, RuleFilter } from '../RuleFilter';
import { compileSqlExpression } from './compileSqlExpression';
import { parseSqlFilter, type SqlParameters } from './parseSql';

/** Options for {@link compileSqlFilter} and `compileSqlAction`. */
export interface SqlCompileOptions {
  /** Values for the expression's `@name` parameters (keys include the `@`), as Azure's `SqlRuleFilter.Parameters`. */
  readonly parameters?: SqlParameters;
}

/** A compiled SQL filter; `sqlExpression` is the text it was compiled from. */
export interface SqlRuleFilter extends RuleFilter {
  readonly sqlExpression: string;
}

/**
 * Compiles a Service Bus SQL filter expression (e.g. `color = 'red' AND sys.Label LIKE 'order%'`)
 * once into closures; `matches` then evaluates one message without re-parsing or walking a tree.
 *
 * The grammar is Azure's: comparisons `= <> != > >= < <=`, `AND` / `OR` / `NOT` with three-valued
 * logic (a missing property is unknown; only TRUE matches), `[NOT] IN (…)`, `[NOT] LIKE` with `%`,
 * `_` and `ESCAPE`, `IS [NOT] NULL`, `EXISTS(prop)`, arithmetic `+ - * / %` and unary signs,
 * parentheses, `sys.` / `user.` / unprefixed (= user) names, `[delimited]` and `"quoted"` names,
 * `'strings'` with `''`, integer (Int64), decimal and exponent (double) numbers, `TRUE` / `FALSE` /
 * `NULL`, `newid()`, `property(name)` / `p(name)`, `@parameters`. Keywords, function names and
 * `sys.` names are case-insensitive; user property names are passed to `FilterSubject.user` as
 * written. Value semantics (numeric promotion, no number/string conversion, ordinal
 * case-sensitive strings and LIKE): see `sqlValueOperations`.
 *
 * Where Azure's docs are silent this implementation chooses: `IS [NOT] NULL` accepts any
 * expression (the grammar says a property); a bare boolean property is a condition (`WHERE flag`);
 * `IN` list items that are NULL or of another type are simply not equal (no unknown result);
 * strings order ordinally; `property('sys.Label')` reads the system property.
 *
 * Throws `SqlExpressionError` (message and 0-based `position`) when the text does not parse, uses
 * a value where a condition belongs (`a + 1`) or the reverse, names an unknown system property or
 * function, has a constant LIKE pattern or escape that is malformed, is longer than 1024 characters
 * or nests deeper than 128 levels. `matches` never throws: a message whose values make the
 * expression fail (a number compared with a string, integer division by zero) does not match.
 */
export function compileSqlFilter(expression: string, options: SqlCompileOptions = {}): SqlRuleFilter {
  const evaluate = compileSqlExpression(parseSqlFilter(expression, options.parameters));
  return {
    sqlExpression: expression,
    matches(message: FilterSubject): boolean {
      try {
        return evaluate(message) === true;
      } catch {
        return false;
      }
    },
  };
}
