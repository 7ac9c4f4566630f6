import type { FilterValue } from '../RuleFilter';
import type { SqlValue } from './SqlAst';
import { SqlEvaluationError } from './SqlEvaluationError';

/**
 * The operators' value semantics, following the C# binding Azure documents ("operators follow C#
 * implicit conversion semantics"):
 *
 * - Integers are `Int64`: a JS `number` holding an integer (or a `bigint` outside ±2^53); other
 *   numbers are doubles. Integer `+ - * / %` stays integral (division truncates toward zero,
 *   overflow wraps like unchecked C#, `/ 0` and `% 0` are errors); with a double on either side
 *   both are doubles (`/ 0` gives ±Infinity or NaN). A double literal (`2.0`) counts as a double
 *   even though its value is integral; a message property holding an integral number counts as an
 *   integer, because AMQP integers and doubles both arrive as JS numbers.
 * - No implicit conversion between numbers and strings, booleans or dates: comparing or combining
 *   them is an evaluation error (the filter does not match), as C# refuses `5L == "5"`. The one
 *   exception is C#'s string concatenation: `+` with a string on either side concatenates (numbers
 *   as invariant text, booleans as `True` / `False`, dates as ISO-8601).
 * - Strings compare ordinally (case-sensitive, by UTF-16 code unit), for `=` as for `<`, `>`.
 * - Booleans support only `=` and `<>`; dates compare by instant.
 */

/**
 * True when `value` is an `Int64`: a bigint, or a number that is an integer within ±2^53 (a larger
 * `long` arrives as a bigint, so a number beyond that range is a double).
 */
export function isIntegral(value: FilterValue): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function isNumeric(value: FilterValue): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** A wrapped 64-bit integer as a number when it fits ±2^53, else as a bigint. */
export function fromInt64(value: bigint): number | bigint {
  const wrapped = BigInt.asIntN(64, value);
  return wrapped >= -9007199254740991n && wrapped <= 9007199254740991n ? Number(wrapped) : wrapped;
}

/** The SQL type name of a value, for error messages. */
export function typeNameOf(value: SqlValue): string {
  if (value === undefined) return 'NULL';
  if (value instanceof Date) return 'DateTime';
  if (typeof value === 'bigint') return 'Int64';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'Int64' : 'Double';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return typeof value;
}

function mismatch(operator: string, left: SqlValue, right: SqlValue): SqlEvaluationError {
  return new SqlEvaluationError(
    `Operator '${operator}' cannot be applied to ${typeNameOf(left)} and ${typeNameOf(right)}.`,
  );
}

/**
 * `left = right` for two non-NULL values. Throws {@link SqlEvaluationError} when the types cannot
 * be compared.
 */
export function sqlEquals(left: FilterValue, right: FilterValue): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left === right;
  if (isNumeric(left) && isNumeric(right)) {
    if (typeof left === typeof right) return left === right;
    return Number(left) === Number(right);
  }
  if (typeof left === 'boolean' && typeof right === 'boolean') return left === right;
  if (left instanceof Date && right instanceof Date) return left.getTime() === right.getTime();
  throw mismatch('=', left, right);
}

/** Like {@link sqlEquals}, but values of incomparable types are simply unequal (IN's membership test). */
export function sqlEqualsOrFalse(left: FilterValue, right: FilterValue): boolean {
  try {
    return sqlEquals(left, right);
  } catch {
    return false;
  }
}

/**
 * Orders two non-NULL values: negative, 0, positive, or NaN when unordered (a NaN operand).
 * Throws {@link SqlEvaluationError} for types without an order (booleans) or that do not mix.
 */
export function sqlOrder(operator: string, left: FilterValue, right: FilterValue): number {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (isNumeric(left) && isNumeric(right)) {
    const a = typeof left === typeof right ? left : Number(left);
    const b = typeof left === typeof right ? right : Number(right);
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  }
  if (left instanceof Date && right instanceof Date) return left.getTime() - right.getTime();
  throw mismatch(operator, left, right);
}

/** A truth value from a predicate operand: TRUE, FALSE or unknown (`undefined`). */
export function sqlTruth(value: SqlValue): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new SqlEvaluationError(`Expected a Boolean condition, found ${typeNameOf(value)}.`);
}

/** The text a value concatenates as (C#'s `ToString()` in the invariant culture). */
export function sqlToString(value: FilterValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return value.toISOString();
  return String(value).replace('e', 'E');
}

/**
 * `left op right` for two non-NULL values. `asDouble` forces double arithmetic (a double literal
 * took part). Throws {@link SqlEvaluationError} for non-numeric operands (except `+` with a
 * string) and for integer division by zero.
 */
export function sqlArithmetic(
  operator: '+' | '-' | '*' | '/' | '%',
  left: FilterValue,
  right: FilterValue,
  asDouble: boolean,
): FilterValue {
  if (!isNumeric(left) || !isNumeric(right)) {
    if (operator === '+' && (typeof left === 'string' || typeof right === 'string')) {
      return sqlToString(left) + sqlToString(right);
    }
    throw mismatch(operator, left, right);
  }
  if (asDouble || !isIntegral(left) || !isIntegral(right)) return doubleArithmetic(operator, Number(left), Number(right));
  return integerArithmetic(operator, left, right);
}

function doubleArithmetic(operator: '+' | '-' | '*' | '/' | '%', a: number, b: number): number {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
  }
}

function integerArithmetic(
  operator: '+' | '-' | '*' | '/' | '%',
  a: number | bigint,
  b: number | bigint,
): number | bigint {
  if ((operator === '/' || operator === '%') && (b === 0 || b === 0n)) {
    throw new SqlEvaluationError(`Integer ${operator === '/' ? 'division' : 'modulo'} by zero.`);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    let result: number;
    switch (operator) {
      case '+':
        result = a + b;
        break;
      case '-':
        result = a - b;
        break;
      case '*':
        result = a * b;
        break;
      case '/':
        // a - a % b is an exact multiple of b, so the division is exact (no float rounding).
        result = (a - (a % b)) / b;
        break;
      case '%':
        result = a % b;
        break;
    }
    if (Number.isSafeInteger(result)) return result === 0 ? 0 : result; // no -0
  }
  const x = BigInt(a);
  const y = BigInt(b);
  switch (operator) {
    case '+':
      return fromInt64(x + y);
    case '-':
      return fromInt64(x - y);
    case '*':
      return fromInt64(x * y);
    case '/':
      return fromInt64(x / y);
    case '%':
      return fromInt64(x % y);
  }
}

/** Unary `-value` (`asDouble` as for {@link sqlArithmetic}). Throws {@link SqlEvaluationError} for a non-number. */
export function sqlNegate(value: FilterValue, asDouble: boolean): number | bigint {
  if (!isNumeric(value)) throw new SqlEvaluationError(`Operator '-' cannot be applied to ${typeNameOf(value)}.`);
  if (asDouble || !isIntegral(value)) return -Number(value);
  if (typeof value === 'number') return value === 0 ? 0 : -value;
  return fromInt64(-value);
}

/** Unary `+value`. Throws {@link SqlEvaluationError} for a non-number. */
export function sqlIdentity(value: FilterValue): number | bigint {
  if (!isNumeric(value)) throw new SqlEvaluationError(`Operator '+' cannot be applied to ${typeNameOf(value)}.`);
  return value;
}
