/**
 * A SQL filter or action expression that does not parse (or uses something the language forbids).
 * `position` is the 0-based character offset where the problem was found.
 */
export class SqlExpressionError extends Error {
  override readonly name = 'SqlExpressionError';

  constructor(
    message: string,
    readonly position: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
