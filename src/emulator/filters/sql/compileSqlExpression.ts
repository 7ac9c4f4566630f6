import type { FilterSubject, FilterValue } from '../RuleFilter';
import { SqlExpressionError } from '../SqlExpressionError';
import type { SqlNode, SqlValue } from './SqlAst';
import { SqlEvaluationError } from './SqlEvaluationError';
import { compileLikePattern, type LikeMatcher } from './compileLikePattern';
import { readProperty, resolvePropertyName, sqlNewId, sqlPropertyByName } from './sqlFunctions';
import {
  sqlArithmetic,
  sqlEquals,
  sqlEqualsOrFalse,
  sqlIdentity,
  sqlNegate,
  sqlOrder,
  sqlTruth,
} from './sqlValueOperations';

/**
 * A compiled expression: evaluates against one message. Returns NULL / unknown as `undefined`;
 * throws {@link SqlEvaluationError} when the message's values make it fail.
 */
export type SqlEvaluator = (subject: FilterSubject) => SqlValue;

/** One compiled node: its evaluator, whether it is a constant (then `value`), and whether it is statically a double. */
interface Compiled {
  readonly evaluate: SqlEvaluator;
  readonly constant: boolean;
  readonly value?: SqlValue;
  /** Decided at compile time to be a double (a double literal took part), so integer rules never apply. */
  readonly isDouble: boolean;
}

/**
 * Compiles a syntax tree into closures, once, so evaluating a message walks no tree and allocates
 * nothing beyond its results. Constant sub-expressions are folded; LIKE patterns and `property()`
 * names given as constants are resolved here. Throws {@link SqlExpressionError} (with the node's
 * position) for what is wrong whatever the message: a constant LIKE pattern or escape that is not a
 * string or is malformed, a constant `property('sys.X')` that names no system property.
 */
export function compileSqlExpression(node: SqlNode): SqlEvaluator {
  return compile(node).evaluate;
}

function constant(value: SqlValue, isDouble = false): Compiled {
  return { evaluate: () => value, constant: true, value, isDouble };
}

/** Folds a node whose operands are all constants; keeps it as a closure if evaluating it fails (it fails per message). */
function folded(evaluate: SqlEvaluator, isDouble: boolean, operands: readonly Compiled[]): Compiled {
  if (operands.every((operand) => operand.constant)) {
    try {
      return constant(evaluate(noSubject), isDouble);
    } catch (error) {
      if (!(error instanceof SqlEvaluationError)) throw error;
    }
  }
  return { evaluate, constant: false, isDouble };
}

/** Constant folding never reads properties; this subject is never consulted. */
const noSubject: FilterSubject = {
  system: () => undefined,
  user: () => undefined,
};

function compile(node: SqlNode): Compiled {
  switch (node.kind) {
    case 'constant':
      return constant(node.value, node.isDouble);
    case 'property':
      return { evaluate: propertyReader(node.scope, node.name), constant: false, isDouble: false };
    case 'function':
      return compileFunction(node);
    case 'unary': {
      const operand = compile(node.operand);
      const inner = operand.evaluate;
      const isDouble = operand.isDouble;
      const evaluate: SqlEvaluator =
        node.operator === '-'
          ? (subject) => {
              const value = inner(subject);
              return value === undefined ? undefined : sqlNegate(value, isDouble);
            }
          : (subject) => {
              const value = inner(subject);
              return value === undefined ? undefined : sqlIdentity(value);
            };
      return folded(evaluate, isDouble, [operand]);
    }
    case 'arithmetic': {
      const left = compile(node.left);
      const right = compile(node.right);
      const l = left.evaluate;
      const r = right.evaluate;
      const operator = node.operator;
      const isDouble = left.isDouble || right.isDouble;
      const evaluate: SqlEvaluator = (subject) => {
        const a = l(subject);
        if (a === undefined) return undefined;
        const b = r(subject);
        if (b === undefined) return undefined;
        return sqlArithmetic(operator, a, b, isDouble);
      };
      return folded(evaluate, isDouble, [left, right]);
    }
    case 'comparison':
      return compileComparison(node.operator, compile(node.left), compile(node.right));
    case 'and': {
      const left = compile(node.left);
      const right = compile(node.right);
      const l = left.evaluate;
      const r = right.evaluate;
      const evaluate: SqlEvaluator = (subject) => {
        const a = sqlTruth(l(subject));
        if (a === false) return false;
        const b = sqlTruth(r(subject));
        if (b === false) return false;
        return a === true && b === true ? true : undefined;
      };
      return folded(evaluate, false, [left, right]);
    }
    case 'or': {
      const left = compile(node.left);
      const right = compile(node.right);
      const l = left.evaluate;
      const r = right.evaluate;
      const evaluate: SqlEvaluator = (subject) => {
        const a = sqlTruth(l(subject));
        if (a === true) return true;
        const b = sqlTruth(r(subject));
        if (b === true) return true;
        return a === false && b === false ? false : undefined;
      };
      return folded(evaluate, false, [left, right]);
    }
    case 'not': {
      const operand = compile(node.operand);
      const inner = operand.evaluate;
      const evaluate: SqlEvaluator = (subject) => {
        const value = sqlTruth(inner(subject));
        return value === undefined ? undefined : !value;
      };
      return folded(evaluate, false, [operand]);
    }
    case 'isNull': {
      const operand = compile(node.operand);
      const inner = operand.evaluate;
      const evaluate: SqlEvaluator = node.negated
        ? (subject) => inner(subject) !== undefined
        : (subject) => inner(subject) === undefined;
      return folded(evaluate, false, [operand]);
    }
    case 'in':
      return compileIn(node.negated, compile(node.operand), node.list.map(compile));
    case 'like':
      return compileLike(node);
    case 'exists': {
      const { scope, name } = node.property;
      return {
        evaluate: (subject) => readProperty(subject, scope, name) !== undefined,
        constant: false,
        isDouble: false,
      };
    }
  }
}

/** Reads one property; a `null` from the subject counts as missing (NULL). */
function propertyReader(scope: 'sys' | 'user', name: string): SqlEvaluator {
  return scope === 'sys' ? (subject) => subject.system(name) ?? undefined : (subject) => subject.user(name) ?? undefined;
}

function compileFunction(node: Extract<SqlNode, { kind: 'function' }>): Compiled {
  if (node.name === 'newid') return { evaluate: sqlNewId, constant: false, isDouble: false };
  const argumentNode = node.args[0] as SqlNode;
  const argument = compile(argumentNode);
  if (argument.constant && typeof argument.value === 'string') {
    const reference = resolvePropertyName(argument.value);
    if (reference === undefined) {
      throw new SqlExpressionError(
        `Unknown system property '${argument.value}' at position ${argumentNode.position}.`,
        argumentNode.position,
      );
    }
    return { evaluate: propertyReader(reference.scope, reference.name), constant: false, isDouble: false };
  }
  if (argument.constant && argument.value !== undefined) {
    throw new SqlExpressionError(
      `property() at position ${node.position} needs a String name, not ${String(argument.value)}.`,
      node.position,
    );
  }
  const inner = argument.evaluate;
  return { evaluate: (subject) => sqlPropertyByName(subject, inner(subject)), constant: false, isDouble: false };
}

type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Whether two non-NULL values satisfy `operator`. */
function compareValues(operator: ComparisonOperator, a: FilterValue, b: FilterValue): boolean {
  switch (operator) {
    case '=':
      return sqlEquals(a, b);
    case '<>':
      return !sqlEquals(a, b);
    case '<':
      return sqlOrder(operator, a, b) < 0;
    case '<=':
      return sqlOrder(operator, a, b) <= 0;
    case '>':
      return sqlOrder(operator, a, b) > 0;
    case '>=':
      return sqlOrder(operator, a, b) >= 0;
  }
}

function compileComparison(operator: ComparisonOperator, left: Compiled, right: Compiled): Compiled {
  const l = left.evaluate;
  const r = right.evaluate;
  // The most common filter shape, `name = 'literal'`: one typeof and one === per message.
  if ((operator === '=' || operator === '<>') && right.constant && typeof right.value === 'string') {
    const literal = right.value;
    const equal = operator === '=';
    return {
      evaluate: (subject) => {
        const a = l(subject);
        if (typeof a === 'string') return (a === literal) === equal;
        return a === undefined ? undefined : compareValues(operator, a, literal);
      },
      constant: false,
      isDouble: false,
    };
  }
  // `quantity > 10`: two JS numbers compare directly (Int64 and Double alike promote to a number).
  if (right.constant && typeof right.value === 'number' && !left.constant) {
    const literal = right.value;
    const test = numberTests[operator];
    return {
      evaluate: (subject) => {
        const a = l(subject);
        if (typeof a === 'number') return test(a, literal);
        return a === undefined ? undefined : compareValues(operator, a, literal);
      },
      constant: false,
      isDouble: false,
    };
  }
  const evaluate: SqlEvaluator = (subject) => {
    const a = l(subject);
    if (a === undefined) return undefined;
    const b = r(subject);
    if (b === undefined) return undefined;
    return compareValues(operator, a, b);
  };
  return folded(evaluate, false, [left, right]);
}

const numberTests: Readonly<Record<ComparisonOperator, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compileIn(negated: boolean, operand: Compiled, list: readonly Compiled[]): Compiled {
  const inner = operand.evaluate;
  // `x IN ('a', 'b', …)`: a set lookup. Values of other types are never members.
  if (list.every((item) => item.constant && typeof item.value === 'string')) {
    const members = new Set(list.map((item) => item.value as string));
    const evaluate: SqlEvaluator = (subject) => {
      const value = inner(subject);
      if (value === undefined) return undefined;
      return (typeof value === 'string' && members.has(value)) !== negated;
    };
    return folded(evaluate, false, [operand]);
  }
  const items = list.map((item) => item.evaluate);
  const evaluate: SqlEvaluator = (subject) => {
    const value = inner(subject);
    if (value === undefined) return undefined;
    for (const item of items) {
      const candidate = item(subject);
      if (candidate !== undefined && sqlEqualsOrFalse(value, candidate)) return !negated;
    }
    return negated;
  };
  return folded(evaluate, false, [operand, ...list]);
}

function compileLike(node: Extract<SqlNode, { kind: 'like' }>): Compiled {
  const operand = compile(node.operand);
  const pattern = compile(node.pattern);
  const escape = node.escape === undefined ? undefined : compile(node.escape);
  const inner = operand.evaluate;
  const negated = node.negated;
  const test = (value: SqlValue, matcher: LikeMatcher): SqlValue => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new SqlEvaluationError('LIKE needs a String operand.');
    return matcher(value) !== negated;
  };
  if (pattern.constant && (escape === undefined || escape.constant)) {
    if (pattern.value === undefined || (escape !== undefined && escape.value === undefined)) {
      return { evaluate: () => undefined, constant: true, value: undefined, isDouble: false }; // NULL pattern: unknown
    }
    const escapeNode = node.escape ?? node.pattern;
    if (typeof pattern.value !== 'string') {
      const at = node.pattern.position;
      throw new SqlExpressionError(`The LIKE pattern at position ${at} is not a string.`, at);
    }
    if (escape !== undefined && typeof escape.value !== 'string') {
      const at = escapeNode.position;
      throw new SqlExpressionError(`The LIKE escape at position ${at} is not a string.`, at);
    }
    if (escape !== undefined && (escape.value as string).length !== 1) {
      throw new SqlExpressionError(
        `The LIKE escape at position ${escapeNode.position} must be exactly one character.`,
        escapeNode.position,
      );
    }
    let matcher: LikeMatcher;
    try {
      matcher = compileLikePattern(pattern.value, escape?.value as string | undefined);
    } catch (error) {
      const at = node.pattern.position;
      throw new SqlExpressionError(`${(error as Error).message} (position ${at})`, at, { cause: error });
    }
    return folded((subject) => test(inner(subject), matcher), false, [operand]);
  }
  // A pattern computed per message: compile it then, reusing the last one while it repeats.
  const p = pattern.evaluate;
  const e = escape?.evaluate;
  let lastPattern: string | undefined;
  let lastEscape: string | undefined;
  let lastMatcher: LikeMatcher | undefined;
  return {
    evaluate: (subject) => {
      const value = inner(subject);
      const patternValue = p(subject);
      const escapeValue = e?.(subject);
      if (value === undefined || patternValue === undefined || (e !== undefined && escapeValue === undefined)) {
        return undefined;
      }
      if (typeof patternValue !== 'string' || (escapeValue !== undefined && typeof escapeValue !== 'string')) {
        throw new SqlEvaluationError('A LIKE pattern and escape must be Strings.');
      }
      if (lastMatcher === undefined || patternValue !== lastPattern || escapeValue !== lastEscape) {
        lastMatcher = compileLikePattern(patternValue, escapeValue);
        lastPattern = patternValue;
        lastEscape = escapeValue;
      }
      return test(value, lastMatcher);
    },
    constant: false,
    isDouble: false,
  };
}
