import { truthOf, type Truth } from './sqlFilterTruth';

/** Predicates whose value is TRUE, FALSE and unknown (a missing user property) respectively. */
const operand: Record<'T' | 'F' | 'U', string> = { T: 'one = 1', F: 'one = 2', U: 'missing = 1' };
const props = { one: 1 };
const values = ['T', 'F', 'U'] as const;

describe('SQL filter three-valued logic (Azure truth tables)', () => {
  const andTable: Record<string, Truth> = {
    TT: 'T', TF: 'F', TU: 'U',
    FT: 'F', FF: 'F', FU: 'F',
    UT: 'U', UF: 'F', UU: 'U',
  };
  const orTable: Record<string, Truth> = {
    TT: 'T', TF: 'T', TU: 'T',
    FT: 'T', FF: 'F', FU: 'U',
    UT: 'T', UF: 'U', UU: 'U',
  };

  for (const a of values) {
    for (const b of values) {
      it(`${a} AND ${b} is ${andTable[a + b]}`, () => {
        expect(truthOf(`${operand[a]} AND ${operand[b]}`, props)).toBe(andTable[a + b]);
      });
      it(`${a} OR ${b} is ${orTable[a + b]}`, () => {
        expect(truthOf(`${operand[a]} OR ${operand[b]}`, props)).toBe(orTable[a + b]);
      });
    }
  }

  it('NOT T is F, NOT F is T, NOT U is U', () => {
    expect(truthOf(`NOT ${operand.T}`, props)).toBe('F');
    expect(truthOf(`NOT ${operand.F}`, props)).toBe('T');
    expect(truthOf(`NOT ${operand.U}`, props)).toBe('U');
    expect(truthOf(`NOT NOT ${operand.U}`, props)).toBe('U');
  });

  it('TRUE, FALSE and NULL constants are the three truth values', () => {
    expect(truthOf('TRUE')).toBe('T');
    expect(truthOf('FALSE')).toBe('F');
    expect(truthOf('NULL')).toBe('U');
    expect(truthOf('TRUE AND NULL')).toBe('U');
    expect(truthOf('FALSE AND NULL')).toBe('F');
    expect(truthOf('TRUE OR NULL')).toBe('T');
  });

  it('AND binds tighter than OR, NOT tighter than AND', () => {
    expect(truthOf(`${operand.T} OR ${operand.F} AND ${operand.F}`, props)).toBe('T');
    expect(truthOf(`(${operand.T} OR ${operand.F}) AND ${operand.F}`, props)).toBe('F');
    expect(truthOf(`NOT ${operand.F} AND ${operand.F}`, props)).toBe('F');
    expect(truthOf(`NOT (${operand.F} AND ${operand.F})`, props)).toBe('T');
  });

  it('a comparison with an unknown side is unknown, for every operator', () => {
    for (const op of ['=', '<>', '!=', '<', '<=', '>', '>=']) {
      expect(truthOf(`missing ${op} 1`)).toBe('U');
      expect(truthOf(`1 ${op} missing`)).toBe('U');
      expect(truthOf(`NULL ${op} NULL`)).toBe('U');
      expect(truthOf(`'a' ${op} NULL`)).toBe('U');
    }
  });

  it('arithmetic with an unknown operand is unknown', () => {
    for (const op of ['+', '-', '*', '/', '%']) {
      expect(truthOf(`(missing ${op} 1) IS NULL`)).toBe('T');
      expect(truthOf(`(1 ${op} missing) IS NULL`)).toBe('T');
      expect(truthOf(`missing ${op} 1 = 1`)).toBe('U');
    }
    expect(truthOf('-missing IS NULL')).toBe('T');
    expect(truthOf('+missing IS NULL')).toBe('T');
    expect(truthOf("'a' + missing IS NULL")).toBe('T');
  });

  it('[NOT] LIKE with any unknown operand is unknown', () => {
    expect(truthOf("missing LIKE 'a%'")).toBe('U');
    expect(truthOf("missing NOT LIKE 'a%'")).toBe('U');
    expect(truthOf("'abc' LIKE missing")).toBe('U');
    expect(truthOf("'abc' LIKE NULL")).toBe('U');
    expect(truthOf("'abc' LIKE 'a%' ESCAPE missing")).toBe('U');
    expect(truthOf("'abc' LIKE 'a%' ESCAPE NULL")).toBe('U');
  });

  it('[NOT] IN with an unknown left side is unknown; NULL list items are simply never equal', () => {
    expect(truthOf("missing IN ('a', 'b')")).toBe('U');
    expect(truthOf("missing NOT IN ('a', 'b')")).toBe('U');
    expect(truthOf('missing IN (1, NULL)')).toBe('U');
    expect(truthOf("'a' IN ('b', NULL)")).toBe('F');
    expect(truthOf("'a' NOT IN ('b', NULL)")).toBe('T');
    expect(truthOf("'a' IN ('b', missing, 'a')")).toBe('T');
  });

  it('IS [NOT] NULL and EXISTS are never unknown', () => {
    expect(truthOf('missing IS NULL')).toBe('T');
    expect(truthOf('missing IS NOT NULL')).toBe('F');
    expect(truthOf('one IS NULL', props)).toBe('F');
    expect(truthOf('one IS NOT NULL', props)).toBe('T');
    expect(truthOf('NULL IS NULL')).toBe('T');
    expect(truthOf('EXISTS(missing)')).toBe('F');
    expect(truthOf('EXISTS(one)', props)).toBe('T');
    expect(truthOf('NOT EXISTS(missing)')).toBe('T');
    expect(truthOf('EXISTS(sys.To)', {}, { To: 'x' })).toBe('T');
    expect(truthOf('EXISTS(sys.ReplyTo)', {}, { To: 'x' })).toBe('F');
    expect(truthOf('sys.ReplyTo IS NULL', {}, { To: 'x' })).toBe('T');
  });

  it('an unset system property is unknown, like a missing user property', () => {
    expect(truthOf("sys.Label = 'x'")).toBe('U');
    expect(truthOf("sys.Label <> 'x'")).toBe('U');
  });

  it('a filter matches only on TRUE: unknown does not match, and neither does its negation', () => {
    expect(truthOf(`${operand.U} OR ${operand.F}`, props)).toBe('U');
  });
});
