import { matches, truthOf } from './sqlFilterTruth';

describe('SQL filter coercion between numeric types', () => {
  it('compares integers and doubles by value (Int64 promoted to Double)', () => {
    expect(truthOf('2 = 2.0')).toBe('T');
    expect(truthOf('2 < 2.5')).toBe('T');
    expect(truthOf('3 > 2.5')).toBe('T');
    expect(truthOf('n = 10.0', { n: 10 })).toBe('T');
    expect(truthOf('n > 2.08', { n: 3 })).toBe('T');
    expect(truthOf('d = 10', { d: 10.0 })).toBe('T');
    expect(truthOf('d > 1', { d: 1.5 })).toBe('T');
  });

  it('divides integers as integers (truncating toward zero) and anything with a double as doubles', () => {
    expect(truthOf('7 / 2 = 3')).toBe('T');
    expect(truthOf('7 / 2.0 = 3.5')).toBe('T');
    expect(truthOf('7.0 / 2 = 3.5')).toBe('T');
    expect(truthOf('-7 / 2 = -3')).toBe('T');
    expect(truthOf('7 % 2.5 = 2')).toBe('T');
    expect(truthOf('1 / 3 * 3 = 0')).toBe('T');
    expect(truthOf('1.0 / 3 * 3 = 1')).toBe('T');
    expect(truthOf('n / 2 = 3', { n: 7 })).toBe('T');
    expect(truthOf('n / 2 = 3.75', { n: 7.5 })).toBe('T');
    expect(truthOf('n / 2.0 = 3.5', { n: 7 })).toBe('T');
    expect(truthOf('(n + 0.0) / 2 = 3.5', { n: 7 })).toBe('T');
    expect(truthOf('-(2.0) / 4 = -0.5')).toBe('T');
  });

  it('treats integer division or modulo by zero as an evaluation error, double division as IEEE', () => {
    expect(truthOf('1 / 0 = 0')).toBe('E');
    expect(truthOf('1 % 0 = 0')).toBe('E');
    expect(truthOf('n / z = 0', { n: 1, z: 0 })).toBe('E');
    expect(truthOf('1.0 / 0 > 1000000000')).toBe('T');
    expect(truthOf('-1 / 0.0 < -1000000000')).toBe('T');
    expect(truthOf('n / 0.0 = n / 0.0', { n: 0 })).toBe('F'); // NaN equals nothing
    expect(truthOf('n / 0.0 <> n / 0.0', { n: 0 })).toBe('T');
  });

  it('keeps Int64 semantics beyond 2^53 (bigint values) and wraps on overflow like unchecked C#', () => {
    const big = { max: 9223372036854775807n, min: -9223372036854775808n, b: 9007199254740993n };
    expect(truthOf('max = 9223372036854775807', big)).toBe('T');
    expect(truthOf('min = -9223372036854775808', big)).toBe('T');
    expect(truthOf('max + 1 = -9223372036854775808', big)).toBe('T');
    expect(truthOf('min - 1 = 9223372036854775807', big)).toBe('T');
    expect(truthOf('b > 9007199254740992', big)).toBe('T');
    expect(truthOf('b = 9007199254740992', big)).toBe('F');
    expect(truthOf('b - 1 = 9007199254740992', big)).toBe('T');
    expect(truthOf('9007199254740991 + 2 = 9007199254740993')).toBe('T');
    expect(truthOf('4611686018427387904 * 2 = -9223372036854775808')).toBe('T');
    expect(truthOf('max / 2 = 4611686018427387903', big)).toBe('T');
    expect(truthOf('max % 10 = 7', big)).toBe('T');
    expect(truthOf('max > 1.5', big)).toBe('T');
    expect(truthOf('-min = min', big)).toBe('T'); // -Int64.MinValue wraps to itself
    expect(truthOf('b IN (9007199254740993)', big)).toBe('T');
  });

  it('does not convert between numbers and strings: comparing them is an evaluation error', () => {
    expect(truthOf("n = '10'", { n: 10 })).toBe('E');
    expect(truthOf("n <> '10'", { n: 10 })).toBe('E');
    expect(truthOf('s > 5', { s: '10' })).toBe('E');
    expect(truthOf("'5' = 5")).toBe('E');
    // The error fails the whole filter, even where OR would otherwise be TRUE.
    expect(matches("n = '10' OR TRUE", { n: 10 })).toBe(false);
    expect(matches("TRUE OR n = '10'", { n: 10 })).toBe(true); // OR stops at TRUE
    expect(matches("FALSE AND n = '10'", { n: 10 })).toBe(false);
    expect(matches("NOT (FALSE AND n = '10')", { n: 10 })).toBe(true); // AND stops at FALSE
  });

  it('does not convert booleans or dates to or from numbers and strings', () => {
    expect(truthOf('flag = 1', { flag: true })).toBe('E');
    expect(truthOf("flag = 'true'", { flag: true })).toBe('E');
    expect(truthOf('flag > FALSE', { flag: true })).toBe('E');
    expect(truthOf("d = '2024-01-01T00:00:00.000Z'", { d: new Date('2024-01-01T00:00:00Z') })).toBe('E');
    expect(truthOf('d > 5', { d: new Date(0) })).toBe('E');
    expect(truthOf('d + 1 = d', { d: new Date(0) })).toBe('E');
  });

  it('concatenation is the one operator that turns numbers, booleans and dates into strings', () => {
    expect(truthOf("'' + n = '10'", { n: 10 })).toBe('T');
    expect(truthOf("'' + n = '2.5'", { n: 2.5 })).toBe('T');
    expect(truthOf("'' + big = '9223372036854775807'", { big: 9223372036854775807n })).toBe('T');
    expect(truthOf("'' + 1E21 = '1E+21'")).toBe('T');
    expect(truthOf("'' + f = 'False'", { f: false })).toBe('T');
    expect(truthOf("'' + d = '2024-01-01T00:00:00.000Z'", { d: new Date('2024-01-01T00:00:00Z') })).toBe('T');
    expect(truthOf("1 + 2 + 'x' = '3x'")).toBe('T'); // left to right, as in C#
    expect(truthOf("'x' + 1 + 2 = 'x12'")).toBe('T');
  });
});
