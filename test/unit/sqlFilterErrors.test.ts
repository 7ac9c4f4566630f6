import {
  compileSqlAction,
  compileSqlFilter,
  maxSqlActionStatements,
  maxSqlExpressionLength,
  maxSqlNestingDepth,
} from '../../src/emulator/filters/sql';
import { SqlExpressionError } from '../../src/emulator/filters/SqlExpressionError';
import { mapSubject } from './sqlFilterSubject';
import { matches } from './sqlFilterTruth';

/** The error a compile throws (failing the test if it does not throw one). */
function errorOf(compile: () => unknown): SqlExpressionError {
  try {
    compile();
  } catch (error) {
    expect(error).toBeInstanceOf(SqlExpressionError);
    return error as SqlExpressionError;
  }
  throw new Error('expected a SqlExpressionError');
}

describe('malformed SQL filters are rejected with the position of the problem', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /Expected an expression/],
    ['   ', 3, /Expected an expression/],
    ['color = ', 8, /Expected an expression but found the end/],
    ["color = 'red", 8, /Unterminated string/],
    ['a = 1 AND', 9, /Expected an expression/],
    ['a == 1', 3, /found '='/],
    ['a = 1)', 5, /Expected end of expression but found '\)'/],
    ['(a = 1', 6, /Expected '\)'/],
    ['a IN ()', 6, /Expected an expression/],
    ['a IN 1', 5, /Expected '\('/],
    ['a NOT BETWEEN 1', 6, /'IN' or 'LIKE' after 'NOT'/],
    ["a LIKE 'x' ESCAPE 'ab'", 18, /exactly one character/],
    ["a LIKE 'x!' ESCAPE '!'", 7, /ends with its escape character/],
    ['a LIKE 5', 7, /pattern .* is not a string/],
    ["a LIKE 'x' ESCAPE 5", 18, /escape .* is not a string/],
    ['sys.Foo = 1', 4, /Unknown system property 'sys.Foo'/],
    ['foo.bar = 1', 0, /Unknown property scope 'foo'/],
    ['[x y].bar = 1', 0, /Unknown property scope 'x y'/],
    ['unknownfn(1) = 1', 0, /Unknown function 'unknownfn'/],
    ["newid(1) = 'x'", 0, /takes 0 arguments/],
    ["property('a', 'b') = 1", 0, /takes 1 argument/],
    ["p('sys.Nope') = 1", 2, /Unknown system property/],
    ['property(5) = 1', 0, /needs a String name/],
    ['a = 1 #', 6, /Unexpected character '#'/],
    ['12abc = 1', 0, /Malformed number/],
    ['a = 99999999999999999999', 4, /Int64 range/],
    ['a = 9223372036854775808', 4, /Int64 range/],
    ['a = 1e999', 4, /double range/],
    ['a + 1', 0, /Expected a condition/],
    ['a = 1 AND 5', 10, /Expected a condition/],
    ["NOT 'x'", 4, /Expected a condition/],
    ["a = 1 OR 'x'", 9, /Expected a condition/],
    ['a = 1 AND (b = 2 OR c + 1)', 20, /Expected a condition/],
    ['(a = 1) + 1 = 2', 1, /Expected a value/],
    ['[] = 1', 0, /Empty quoted identifier/],
    ['"abc = 1', 0, /Unterminated quoted identifier/],
    ['[abc = 1', 0, /Unterminated quoted identifier/],
    ['AND = 1', 0, /Expected a property name but found 'AND'/],
    ['@p = 1', 0, /No value for parameter @p/],
    ['a = 1 = 2', 6, /Expected end of expression/],
    ['a IS 1', 5, /Expected 'NULL'/],
    ['a IS NOT 1', 9, /Expected 'NULL'/],
    ['EXISTS(1)', 7, /Expected a property name/],
    ['EXISTS a', 7, /Expected '\('/],
    ['sys. = 1', 5, /Expected a property name/],
    ['sys.Label.x = 1', 9, /found '\.'/],
    ['a ! b', 2, /Unexpected character '!'/],
    ['x = -', 5, /Expected an expression/],
    ["a IN ('x' = 'y')", 10, /Expected '\)'/],
    ['a = 1 a = 2', 6, /Expected end of expression but found 'a'/],
  ];
  it.each(cases)('%j at %d', (expression, position, message) => {
    const error = errorOf(() => compileSqlFilter(expression));
    expect(error.name).toBe('SqlExpressionError');
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`position ${position}`);
  });
});

describe('malformed SQL actions are rejected with the position of the problem', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /Expected 'SET' or 'REMOVE'/],
    ['SET', 3, /Expected a property name/],
    ['SET a 1', 6, /Expected '='/],
    ['SET = 1', 4, /Expected a property name/],
    ['REMOVE', 6, /Expected a property name/],
    ['DELETE a', 0, /Expected 'SET' or 'REMOVE' but found 'DELETE'/],
    ['SET sys.SequenceNumber = 1', 4, /sys.SequenceNumber .* cannot be changed/],
    ['REMOVE sys.EnqueuedTimeUtc', 7, /cannot be changed/],
    ['SET sys.Nope = 1', 8, /Unknown system property/],
    ['SET a = 1 = 2', 10, /Expected ';', 'SET', 'REMOVE' or the end of the action but found '='/],
    ['SET a = b > 1', 10, /found '>'/],
    ['SET a = (b = 1)', 9, /Expected a value/],
    ['SET a = 1;;', 10, /found ';'/],
    ['SET a = 1, SET b = 2', 9, /found ','/],
    ["SET a = 'x", 8, /Unterminated string/],
  ];
  it.each(cases)('%j at %d', (expression, position, message) => {
    const error = errorOf(() => compileSqlAction(expression));
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
  });

  it(`allows at most ${maxSqlActionStatements} statements`, () => {
    const statement = 'SET a = 1;';
    expect(() => compileSqlAction(statement.repeat(maxSqlActionStatements))).not.toThrow();
    const error = errorOf(() => compileSqlAction(statement.repeat(maxSqlActionStatements + 1)));
    expect(error.position).toBe(statement.length * maxSqlActionStatements);
    expect(error.message).toMatch(/at most 32 statements/);
  });
});

describe('hostile SQL input', () => {
  it(`refuses text longer than ${maxSqlExpressionLength} characters, naming the limit`, () => {
    const ok = `a = '${'x'.repeat(maxSqlExpressionLength - 6)}'`;
    expect(ok).toHaveLength(maxSqlExpressionLength);
    expect(() => compileSqlFilter(ok)).not.toThrow();
    for (const text of [ok + ' ', 'a = 1 OR '.repeat(100_000) + 'a = 1', '('.repeat(1_000_000)]) {
      const error = errorOf(() => compileSqlFilter(text));
      expect(error.position).toBe(maxSqlExpressionLength);
      expect(error.message).toMatch(/at most 1024 are allowed/);
      expect(errorOf(() => compileSqlAction(text)).position).toBe(maxSqlExpressionLength);
    }
  });

  it(`refuses nesting deeper than ${maxSqlNestingDepth} levels with a clear error, not a stack overflow`, () => {
    const nested = (depth: number) => '('.repeat(depth) + 'a = 1' + ')'.repeat(depth);
    expect(matches(nested(maxSqlNestingDepth), { a: 1 })).toBe(true);
    const parens = errorOf(() => compileSqlFilter(nested(maxSqlNestingDepth + 1)));
    expect(parens.position).toBe(maxSqlNestingDepth);
    expect(parens.message).toMatch(/nests deeper than 128 levels/);

    const nots = errorOf(() => compileSqlFilter('NOT '.repeat(200) + 'a = 1'));
    expect(nots.position).toBe(4 * maxSqlNestingDepth);
    const signs = errorOf(() => compileSqlFilter('a = ' + '-'.repeat(500) + '1'));
    expect(signs.position).toBe(4 + maxSqlNestingDepth);
    const calls = errorOf(() => compileSqlFilter('p('.repeat(300) + "'a'" + ')'.repeat(300) + ' = 1'));
    expect(calls.position).toBe(2 * maxSqlNestingDepth);
    expect(matches('p('.repeat(maxSqlNestingDepth - 1) + "'a'" + ')'.repeat(maxSqlNestingDepth - 1) + ' IS NULL')).toBe(true);
    const unclosed = errorOf(() => compileSqlFilter('('.repeat(1000)));
    expect(unclosed.position).toBe(maxSqlNestingDepth);
    const action = errorOf(() => compileSqlAction('SET a = ' + '('.repeat(300) + '1' + ')'.repeat(300)));
    expect(action.position).toBe(8 + maxSqlNestingDepth);
  });

  it('evaluates the longest flat chains the length limit allows', () => {
    const sum = 'a = ' + Array.from({ length: 510 }, () => '1').join('+');
    expect(sum.length).toBeLessThanOrEqual(maxSqlExpressionLength);
    expect(matches(sum, { a: 510 })).toBe(true);
    const ors = Array.from({ length: 100 }, (_, i) => `a=${i}`).join(' OR ');
    expect(ors.length).toBeLessThanOrEqual(maxSqlExpressionLength);
    expect(matches(ors, { a: 99 })).toBe(true);
    expect(matches(ors, { a: 100 })).toBe(false);
  });

  it('matches LIKE patterns built to make backtracking matchers explode, on long values, without backtracking', () => {
    const value = 'a'.repeat(200_000);
    const subject = mapSubject({ v: value, w: value + 'b' });
    const pattern = '%a'.repeat(100) + '%b';
    expect(compileSqlFilter(`v LIKE '${pattern}'`).matches(subject)).toBe(false);
    expect(compileSqlFilter(`w LIKE '${pattern}'`).matches(subject)).toBe(true);
    expect(compileSqlFilter(`v LIKE '${'_%'.repeat(100)}b'`).matches(subject)).toBe(false);
    expect(compileSqlFilter(`w LIKE '%${'a_'.repeat(100)}%b'`).matches(subject)).toBe(true);
  });

  it('does not let control characters, NULs or lone surrogates confuse the tokenizer', () => {
    expect(matches("v = 'a\u0000b'", { v: 'a\u0000b' })).toBe(true);
    expect(errorOf(() => compileSqlFilter('a = 1 \u0000')).position).toBe(6);
    expect(errorOf(() => compileSqlFilter('a = \ud800')).position).toBe(4);
    expect(matches('[\ud83d\ude00] = 1', { '\ud83d\ude00': 1 })).toBe(true);
  });
});
