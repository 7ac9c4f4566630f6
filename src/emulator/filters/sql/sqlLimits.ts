/**
 * Limits that keep a hostile or runaway SQL filter / action from exhausting the broker. A text past
 * them is refused with a `SqlExpressionError` when it is compiled, never at evaluation time.
 */

/** Longest accepted filter or action text, in UTF-16 code units (Azure's limit for both: 1024). */
export const maxSqlExpressionLength = 1024;

/**
 * Deepest accepted nesting of parentheses, function calls, `NOT` and unary signs (keeps parsing
 * and evaluation well off the stack limit).
 */
export const maxSqlNestingDepth = 128;

/** Most `SET` / `REMOVE` statements in one rule action (Azure's limit: 32). */
export const maxSqlActionStatements = 32;
