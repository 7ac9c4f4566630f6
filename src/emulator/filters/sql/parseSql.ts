import type { FilterValue } from '../RuleFilter';
import { SqlExpressionError } from '../SqlExpressionError';
import {
  predicateKinds,
  type SqlNode,
  type SqlPropertyNode,
  type SqlStatement,
} from './SqlAst';
import type { SqlToken } from './SqlToken';
import { maxSqlActionStatements, maxSqlExpressionLength, maxSqlNestingDepth } from './sqlLimits';
import { systemProperty } from './systemProperties';
import { tokenizeSql } from './tokenizeSql';

/** Values for `@name` parameters in an expression (Azure's `SqlRuleFilter.Parameters`), keyed `@name` (or `name`). */
export type SqlParameters = Readonly<Record<string, FilterValue | null>>;

const reserved = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'LIKE', 'ESCAPE', 'EXISTS', 'TRUE', 'FALSE']);
const actionReserved = new Set([...reserved, 'SET', 'REMOVE']);
const comparisonOperators = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const int64Overflow = 2n ** 63n;

/**
 * Parses a SQL filter expression (a predicate) into its syntax tree.
 * Throws {@link SqlExpressionError} with the 0-based offset of the first problem.
 */
export function parseSqlFilter(text: string, parameters?: SqlParameters): SqlNode {
  const parser = new SqlParser(text, parameters, reserved);
  const node = parser.predicate();
  parser.expectEnd();
  return node;
}

/**
 * Parses a SQL rule action (`SET name = expr`, `REMOVE name`, optionally `;`-terminated) into its
 * statements. Throws {@link SqlExpressionError} with the 0-based offset of the first problem.
 */
export function parseSqlAction(text: string, parameters?: SqlParameters): SqlStatement[] {
  return new SqlParser(text, parameters, actionReserved).statements();
}

/** A recursive-descent parser over the token list; one instance parses one text. */
class SqlParser {
  private readonly tokens: SqlToken[];
  private index = 0;
  private depth = 0;

  constructor(
    text: string,
    private readonly parameters: SqlParameters | undefined,
    private readonly keywords: ReadonlySet<string>,
  ) {
    if (text.length > maxSqlExpressionLength) {
      throw new SqlExpressionError(
        `SQL expression is ${text.length} characters long; at most ${maxSqlExpressionLength} are allowed.`,
        maxSqlExpressionLength,
      );
    }
    this.tokens = tokenizeSql(text);
  }

  // ---- actions -------------------------------------------------------------------------------

  statements(): SqlStatement[] {
    const statements: SqlStatement[] = [this.statement()];
    for (;;) {
      this.acceptSymbol(';');
      const next = this.peek();
      if (next.kind === 'end') return statements;
      const keyword = this.keywordOf(next);
      if (keyword !== 'SET' && keyword !== 'REMOVE') {
        throw this.unexpected(next, "';', 'SET', 'REMOVE' or the end of the action");
      }
      if (statements.length === maxSqlActionStatements) {
        throw this.error(`A rule action holds at most ${maxSqlActionStatements} statements`, next);
      }
      statements.push(this.statement());
    }
  }

  private statement(): SqlStatement {
    const start = this.peek();
    const keyword = this.keywordOf(start);
    if (keyword !== 'SET' && keyword !== 'REMOVE') throw this.unexpected(start, "'SET' or 'REMOVE'");
    this.index++;
    const target = this.property();
    if (target.scope === 'sys' && !systemProperty(target.name)?.settable) {
      throw new SqlExpressionError(
        `sys.${target.name} at position ${target.position} cannot be changed by a rule action.`,
        target.position,
      );
    }
    if (keyword === 'REMOVE') return { kind: 'remove', target, position: start.position };
    this.expectSymbol('=');
    const value = this.expression();
    this.requireValue(value);
    return { kind: 'set', target, value, position: start.position };
  }

  // ---- predicates ----------------------------------------------------------------------------

  /** A whole predicate (lowest precedence: OR), checked to yield a truth value. */
  predicate(): SqlNode {
    const node = this.or();
    this.requirePredicate(node);
    return node;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token, 'end of expression');
  }

  private or(): SqlNode {
    let left = this.and();
    for (;;) {
      const token = this.peek();
      if (this.keywordOf(token) !== 'OR') return left;
      this.index++;
      const right = this.and();
      this.requirePredicate(left);
      this.requirePredicate(right);
      left = { kind: 'or', left, right, position: token.position };
    }
  }

  private and(): SqlNode {
    let left = this.not();
    for (;;) {
      const token = this.peek();
      if (this.keywordOf(token) !== 'AND') return left;
      this.index++;
      const right = this.not();
      this.requirePredicate(left);
      this.requirePredicate(right);
      left = { kind: 'and', left, right, position: token.position };
    }
  }

  private not(): SqlNode {
    const token = this.peek();
    if (this.keywordOf(token) !== 'NOT') return this.condition();
    this.index++;
    this.enter(token);
    const operand = this.not();
    this.depth--;
    this.requirePredicate(operand);
    return { kind: 'not', operand, position: token.position };
  }

  /** An expression optionally followed by one comparison, IS [NOT] NULL, [NOT] IN or [NOT] LIKE. */
  private condition(): SqlNode {
    const left = this.expression();
    const token = this.peek();
    if (token.kind === 'symbol' && comparisonOperators.has(token.text)) {
      this.index++;
      const right = this.expression();
      const operator = token.text === '!=' ? '<>' : (token.text as '=' | '<>' | '<' | '<=' | '>' | '>=');
      return { kind: 'comparison', operator, left, right, position: token.position };
    }
    let keyword = this.keywordOf(token);
    if (keyword === 'IS') {
      this.index++;
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return { kind: 'isNull', operand: left, negated, position: token.position };
    }
    let negated = false;
    if (keyword === 'NOT') {
      const next = this.keywordOf(this.peek(1));
      if (next !== 'IN' && next !== 'LIKE') throw this.unexpected(this.peek(1), "'IN' or 'LIKE' after 'NOT'");
      this.index++;
      negated = true;
      keyword = next;
    }
    if (keyword === 'IN') {
      this.index++;
      this.requireValue(left);
      this.expectSymbol('(');
      const list: SqlNode[] = [];
      do list.push(this.expression());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { kind: 'in', operand: left, list, negated, position: token.position };
    }
    if (keyword === 'LIKE') {
      this.index++;
      this.requireValue(left);
      const pattern = this.expression();
      const escape = this.acceptKeyword('ESCAPE') ? this.expression() : undefined;
      return { kind: 'like', operand: left, pattern, escape, negated, position: token.position };
    }
    return left;
  }

  // ---- expressions ---------------------------------------------------------------------------

  /** A value expression (lowest precedence: binary `+` / `-`). */
  private expression(): SqlNode {
    let left = this.term();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || (token.text !== '+' && token.text !== '-')) return left;
      this.index++;
      const right = this.term();
      this.requireValue(left);
      this.requireValue(right);
      left = { kind: 'arithmetic', operator: token.text, left, right, position: token.position };
    }
  }

  private term(): SqlNode {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.index++;
      const right = this.unary();
      this.requireValue(left);
      this.requireValue(right);
      left = { kind: 'arithmetic', operator: token.text, left, right, position: token.position };
    }
  }

  private unary(): SqlNode {
    const token = this.peek();
    if (token.kind !== 'symbol' || (token.text !== '+' && token.text !== '-')) return this.primary();
    this.index++;
    const next = this.peek();
    if (token.text === '-' && next.kind === 'integer' && next.value === int64Overflow) {
      this.index++;
      return { kind: 'constant', value: -int64Overflow, isDouble: false, position: token.position };
    }
    this.enter(token);
    const operand = this.unary();
    this.depth--;
    this.requireValue(operand);
    return { kind: 'unary', operator: token.text, operand, position: token.position };
  }

  private primary(): SqlNode {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.index++;
        return { kind: 'constant', value: token.text, isDouble: false, position: token.position };
      case 'integer':
        if (token.value === int64Overflow) {
          throw new SqlExpressionError(
            `Integer ${token.text} at position ${token.position} is out of the Int64 range.`,
            token.position,
          );
        }
        this.index++;
        return { kind: 'constant', value: token.value, isDouble: false, position: token.position };
      case 'double':
        this.index++;
        return { kind: 'constant', value: token.value, isDouble: true, position: token.position };
      case 'parameter':
        this.index++;
        return this.parameter(token);
      case 'quotedName':
        return this.property();
      case 'symbol':
        if (token.text === '(') {
          this.index++;
          this.enter(token);
          const inner = this.or();
          this.depth--;
          this.expectSymbol(')');
          return inner;
        }
        break;
      case 'word':
        return this.wordPrimary(token);
      case 'end':
        break;
    }
    throw this.unexpected(token, 'an expression');
  }

  private wordPrimary(token: SqlToken): SqlNode {
    const keyword = this.keywordOf(token);
    if (keyword === 'TRUE' || keyword === 'FALSE') {
      this.index++;
      return { kind: 'constant', value: keyword === 'TRUE', isDouble: false, position: token.position };
    }
    if (keyword === 'NULL') {
      this.index++;
      return { kind: 'constant', value: undefined, isDouble: false, position: token.position };
    }
    if (keyword === 'EXISTS') {
      this.index++;
      this.expectSymbol('(');
      const property = this.property();
      this.expectSymbol(')');
      return { kind: 'exists', property, position: token.position };
    }
    const next = this.peek(1);
    if (keyword === undefined && next.kind === 'symbol' && next.text === '(') return this.functionCall(token);
    return this.property();
  }

  private functionCall(token: SqlToken): SqlNode {
    const lower = token.text.toLowerCase();
    const name = lower === 'newid' ? 'newid' : lower === 'property' || lower === 'p' ? 'property' : undefined;
    if (name === undefined) {
      throw new SqlExpressionError(`Unknown function '${token.text}' at position ${token.position}.`, token.position);
    }
    this.index += 2; // name and '('
    this.enter(token);
    const args: SqlNode[] = [];
    if (!this.acceptSymbol(')')) {
      do args.push(this.expression());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    this.depth--;
    const arity = name === 'newid' ? 0 : 1;
    if (args.length !== arity) {
      throw new SqlExpressionError(
        `${token.text}() takes ${arity} argument${arity === 1 ? '' : 's'}, not ${args.length} (position ${token.position}).`,
        token.position,
      );
    }
    for (const arg of args) this.requireValue(arg);
    return { kind: 'function', name, args, position: token.position };
  }

  private parameter(token: SqlToken): SqlNode {
    const parameters = this.parameters ?? {};
    // Keys are spelled with their '@' (as Azure's SDKs send them); a key without it is accepted too.
    const key = [token.text, token.text.slice(1)].find((k) => Object.prototype.hasOwnProperty.call(parameters, k));
    if (key === undefined) {
      throw new SqlExpressionError(`No value for parameter ${token.text} at position ${token.position}.`, token.position);
    }
    const value = parameters[key] ?? undefined;
    const isDouble = typeof value === 'number' && !Number.isInteger(value);
    return { kind: 'constant', value, isDouble, position: token.position };
  }

  /** `[sys. | user.] name` where name is a regular, `[delimited]` or `"quoted"` identifier. */
  private property(): SqlPropertyNode {
    const first = this.peek();
    let scope: 'sys' | 'user' = 'user';
    let nameToken = first;
    const next = this.peek(1);
    // The scope is a name part too, so `[sys].Label` and `"user".color` are scoped names.
    if ((first.kind === 'word' || first.kind === 'quotedName') && next.kind === 'symbol' && next.text === '.') {
      const lower = first.text.toLowerCase();
      if (lower !== 'sys' && lower !== 'user') {
        throw new SqlExpressionError(
          `Unknown property scope '${first.text}' at position ${first.position} (expected 'sys' or 'user').`,
          first.position,
        );
      }
      scope = lower;
      this.index += 2;
      nameToken = this.peek();
      if (nameToken.kind !== 'word' && nameToken.kind !== 'quotedName') throw this.unexpected(nameToken, 'a property name');
    } else if (first.kind === 'word') {
      if (this.keywordOf(first) !== undefined) throw this.unexpected(first, 'a property name');
    } else if (first.kind !== 'quotedName') {
      throw this.unexpected(first, 'a property name');
    }
    this.index++;
    if (scope === 'user') return { kind: 'property', scope, name: nameToken.text, position: first.position };
    const info = systemProperty(nameToken.text);
    if (info === undefined) {
      throw new SqlExpressionError(
        `Unknown system property 'sys.${nameToken.text}' at position ${nameToken.position}.`,
        nameToken.position,
      );
    }
    return { kind: 'property', scope, name: info.name, position: first.position };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private peek(ahead = 0): SqlToken {
    const tokens = this.tokens;
    return tokens[Math.min(this.index + ahead, tokens.length - 1)] as SqlToken;
  }

  /** The upper-cased keyword a token spells in this language, or `undefined`. */
  private keywordOf(token: SqlToken): string | undefined {
    if (token.kind !== 'word') return undefined;
    const upper = token.text.toUpperCase();
    return this.keywords.has(upper) ? upper : undefined;
  }

  private acceptKeyword(keyword: string): boolean {
    if (this.keywordOf(this.peek()) !== keyword) return false;
    this.index++;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) throw this.unexpected(this.peek(), `'${keyword}'`);
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.index++;
    return true;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(this.peek(), `'${symbol}'`);
  }

  private enter(token: SqlToken): void {
    if (++this.depth > maxSqlNestingDepth) {
      throw this.error(`SQL expression nests deeper than ${maxSqlNestingDepth} levels`, token);
    }
  }

  /** AND / OR / NOT operands and whole filters must yield a truth value, not a number or a string. */
  private requirePredicate(node: SqlNode): void {
    if (isPredicateCapable(node)) return;
    const position = startOf(node);
    throw new SqlExpressionError(`Expected a condition at position ${position}, found a value expression.`, position);
  }

  /** Arithmetic, IN, LIKE and function operands must be values, not conditions. */
  private requireValue(node: SqlNode): void {
    if (!predicateKinds.has(node.kind)) return;
    const position = startOf(node);
    throw new SqlExpressionError(`Expected a value at position ${position}, found a condition.`, position);
  }

  private unexpected(token: SqlToken, expected: string): SqlExpressionError {
    return this.error(`Expected ${expected} but found ${describe(token)}`, token);
  }

  private error(message: string, token: SqlToken): SqlExpressionError {
    return new SqlExpressionError(`${message} at position ${token.position}.`, token.position);
  }
}

/** Conditions, TRUE/FALSE/NULL, and properties or functions (whose value is checked when evaluated). */
function isPredicateCapable(node: SqlNode): boolean {
  if (predicateKinds.has(node.kind) || node.kind === 'property' || node.kind === 'function') return true;
  return node.kind === 'constant' && (typeof node.value === 'boolean' || node.value === undefined);
}

/** Where the source text of a node begins (its leftmost operand's start for infix nodes). */
function startOf(node: SqlNode): number {
  switch (node.kind) {
    case 'arithmetic':
    case 'comparison':
    case 'and':
    case 'or':
      return Math.min(node.position, startOf(node.left));
    case 'isNull':
    case 'in':
    case 'like':
      return Math.min(node.position, startOf(node.operand));
    default:
      return node.position;
  }
}

function describe(token: SqlToken): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `string '${token.text}'`;
    case 'quotedName':
      return `identifier [${token.text}]`;
    default:
      return `'${token.text}'`;
  }
}
