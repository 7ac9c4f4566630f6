import type { FilterValue } from '../RuleFilter';

/** A SQL value at evaluation time: a {@link FilterValue}, or `undefined` for NULL / unknown. */
export type SqlValue = FilterValue | undefined;

/** Which property bag a name reads: `sys.` (system properties) or `user.` / no prefix (application properties). */
export type SqlScope = 'sys' | 'user';

/** `[sys. | user.]name`; `name` is the canonical spelling for `sys`, as written for `user`. */
export interface SqlPropertyNode {
  readonly kind: 'property';
  readonly scope: SqlScope;
  readonly name: string;
  readonly position: number;
}

/** A literal: string, integer, double, `TRUE`/`FALSE`, `NULL` (`undefined`), or a bound `@parameter`. */
export interface SqlConstantNode {
  readonly kind: 'constant';
  readonly value: SqlValue;
  /** True for decimal / approximate literals, so `7 / 2.0` divides as doubles although `2.0` is the JS number 2. */
  readonly isDouble: boolean;
  readonly position: number;
}

/** `newid()`, `property(name)` / `p(name)`. */
export interface SqlFunctionNode {
  readonly kind: 'function';
  readonly name: 'newid' | 'property';
  readonly args: readonly SqlNode[];
  readonly position: number;
}

/** Unary `+` / `-`. */
export interface SqlUnaryNode {
  readonly kind: 'unary';
  readonly operator: '+' | '-';
  readonly operand: SqlNode;
  readonly position: number;
}

/** Arithmetic `+ - * / %` (`+` also concatenates when either side is a string). */
export interface SqlArithmeticNode {
  readonly kind: 'arithmetic';
  readonly operator: '+' | '-' | '*' | '/' | '%';
  readonly left: SqlNode;
  readonly right: SqlNode;
  readonly position: number;
}

/** A comparison; `!=` is normalised to `<>`. */
export interface SqlComparisonNode {
  readonly kind: 'comparison';
  readonly operator: '=' | '<>' | '<' | '<=' | '>' | '>=';
  readonly left: SqlNode;
  readonly right: SqlNode;
  readonly position: number;
}

/** `AND` / `OR` with three-valued logic. */
export interface SqlLogicalNode {
  readonly kind: 'and' | 'or';
  readonly left: SqlNode;
  readonly right: SqlNode;
  readonly position: number;
}

/** `NOT predicate`. */
export interface SqlNotNode {
  readonly kind: 'not';
  readonly operand: SqlNode;
  readonly position: number;
}

/** `expr IS [NOT] NULL`. */
export interface SqlIsNullNode {
  readonly kind: 'isNull';
  readonly operand: SqlNode;
  readonly negated: boolean;
  readonly position: number;
}

/** `expr [NOT] IN (a, b, ...)`. */
export interface SqlInNode {
  readonly kind: 'in';
  readonly operand: SqlNode;
  readonly list: readonly SqlNode[];
  readonly negated: boolean;
  readonly position: number;
}

/** `expr [NOT] LIKE pattern [ESCAPE char]`. */
export interface SqlLikeNode {
  readonly kind: 'like';
  readonly operand: SqlNode;
  readonly pattern: SqlNode;
  readonly escape: SqlNode | undefined;
  readonly negated: boolean;
  readonly position: number;
}

/** `EXISTS(property)`. */
export interface SqlExistsNode {
  readonly kind: 'exists';
  readonly property: SqlPropertyNode;
  readonly position: number;
}

/** Any node of a filter or of an action's expression. */
export type SqlNode =
  | SqlPropertyNode
  | SqlConstantNode
  | SqlFunctionNode
  | SqlUnaryNode
  | SqlArithmeticNode
  | SqlComparisonNode
  | SqlLogicalNode
  | SqlNotNode
  | SqlIsNullNode
  | SqlInNode
  | SqlLikeNode
  | SqlExistsNode;

/** One statement of a rule action. */
export type SqlStatement =
  | { readonly kind: 'set'; readonly target: SqlPropertyNode; readonly value: SqlNode; readonly position: number }
  | { readonly kind: 'remove'; readonly target: SqlPropertyNode; readonly position: number };

/** Node kinds that yield a truth value (TRUE, FALSE or unknown). */
export const predicateKinds: ReadonlySet<SqlNode['kind']> = new Set([
  'comparison',
  'and',
  'or',
  'not',
  'isNull',
  'in',
  'like',
  'exists',
]);
