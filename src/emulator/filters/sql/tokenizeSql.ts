import { SqlExpressionError } from '../SqlExpressionError';
import type { SqlToken } from './SqlToken';

const regularIdentifier = /\p{L}[_\p{L}\p{Nd}]*/uy;
const parameterName = /@[_\p{L}\p{Nd}]+/uy;
const numberLiteral = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
/** A character that may not directly follow a number (`12abc`, `1.5.2`). */
const numberTail = /[_.\p{L}\p{Nd}]/u;
const whitespace = /\s/u;
const twoCharSymbols = new Set(['<>', '!=', '>=', '<=']);
const oneCharSymbols = new Set(['=', '>', '<', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';']);
const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;

/**
 * Splits a SQL filter or action text into tokens, ending with one `end` token.
 *
 * Throws {@link SqlExpressionError} (with the offending offset) for an unterminated string or
 * quoted name, an empty quoted name, a malformed or out-of-range number, or a character the
 * language does not use.
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (whitespace.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const [value, next] = readDelimited(text, i, "'", 'string constant');
      tokens.push({ kind: 'string', text: value, position: i });
      i = next;
      continue;
    }
    if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      const [value, next] = readDelimited(text, i, close, 'quoted identifier');
      if (value.length === 0) throw new SqlExpressionError(`Empty quoted identifier at position ${i}.`, i);
      tokens.push({ kind: 'quotedName', text: value, position: i });
      i = next;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && /\d/.test(text[i + 1] ?? ''))) {
      const token = readNumber(text, i);
      tokens.push(token);
      i += token.text.length;
      continue;
    }
    if (c === '@') {
      parameterName.lastIndex = i;
      const m = parameterName.exec(text);
      if (!m) throw new SqlExpressionError(`Expected a parameter name after '@' at position ${i}.`, i);
      tokens.push({ kind: 'parameter', text: m[0], position: i });
      i += m[0].length;
      continue;
    }
    regularIdentifier.lastIndex = i;
    const word = regularIdentifier.exec(text);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], position: i });
      i += word[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (twoCharSymbols.has(two)) {
      tokens.push({ kind: 'symbol', text: two, position: i });
      i += 2;
      continue;
    }
    if (oneCharSymbols.has(c)) {
      tokens.push({ kind: 'symbol', text: c, position: i });
      i++;
      continue;
    }
    const shown = String.fromCodePoint(text.codePointAt(i) ?? 0);
    throw new SqlExpressionError(`Unexpected character '${shown}' at position ${i}.`, i);
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}

/** Reads `open ... close` where a doubled `close` stands for itself; returns the value and the offset after it. */
function readDelimited(text: string, start: number, close: string, what: string): [string, number] {
  let value = '';
  let from = start + 1;
  for (;;) {
    const at = text.indexOf(close, from);
    if (at < 0) throw new SqlExpressionError(`Unterminated ${what} starting at position ${start}.`, start);
    value += text.slice(from, at);
    if (text[at + 1] === close) {
      value += close;
      from = at + 2;
      continue;
    }
    return [value, at + 1];
  }
}

function readNumber(text: string, start: number): SqlToken {
  numberLiteral.lastIndex = start;
  const m = numberLiteral.exec(text) as RegExpExecArray; // the caller saw a digit (or '.' + digit)
  const literal = m[0];
  const after = text[start + literal.length];
  if (after !== undefined && numberTail.test(after)) {
    throw new SqlExpressionError(`Malformed number at position ${start}.`, start);
  }
  if (/[.eE]/.test(literal)) {
    const value = Number(literal);
    if (!Number.isFinite(value)) {
      throw new SqlExpressionError(`Number ${literal} at position ${start} is out of the double range.`, start);
    }
    return { kind: 'double', text: literal, value, position: start };
  }
  const big = BigInt(literal);
  // 2^63 itself is let through: only the parser knows whether a unary minus makes it Int64.MinValue.
  if (big < minInt64 || big > maxInt64 + 1n) {
    throw new SqlExpressionError(`Integer ${literal} at position ${start} is out of the Int64 range.`, start);
  }
  const value = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  return { kind: 'integer', text: literal, value, position: start };
}
