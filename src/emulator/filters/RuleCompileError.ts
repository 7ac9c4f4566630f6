/**
 * A rule whose options are invalid or whose filter or action does not compile. `option` is the path
 * inside the rule's options (`name`, `filter.type`, `filter.properties.color`, `filter.sqlExpression`,
 * `action.sqlExpression`); for SQL, `problem` names the position in the expression and `cause` is the
 * `SqlExpressionError`. The namespace and the config parser turn it into their own errors.
 */
export class RuleCompileError extends Error {
  override readonly name = 'RuleCompileError' as const;

  constructor(
    readonly option: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid rule option '${option}': ${problem}`, options);
  }
}
