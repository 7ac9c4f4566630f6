/**
 * A SQL filter or action that parsed but cannot be evaluated against one message: mismatched
 * operand types (`5 = 'five'`, `'a' * 2`), integer division by zero, a LIKE pattern computed at
 * run time that is malformed, a `property()` name that is not a string. It never escapes a
 * compiled filter (the message simply does not match) and only skips the failing statement of an
 * action.
 */
export class SqlEvaluationError extends Error {
  override readonly name = 'SqlEvaluationError';
}
