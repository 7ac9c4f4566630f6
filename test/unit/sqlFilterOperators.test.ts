import { compileSqlFilter } from '../../src/emulator/filters/sql';
import { mapSubject } from './sqlFilterSubject';
import { matches, truthOf } from './sqlFilterTruth';

describe('SQL filter comparisons', () => {
  const cases: Array<[string, 'T' | 'F']> = [
    ['2 = 2', 'T'], ['2 = 3', 'F'],
    ['2 <> 3', 'T'], ['2 <> 2', 'F'],
    ['2 != 3', 'T'], ['2 != 2', 'F'],
    ['3 > 2', 'T'], ['2 > 2', 'F'],
    ['2 >= 2', 'T'], ['1 >= 2', 'F'],
    ['1 < 2', 'T'], ['2 < 2', 'F'],
    ['2 <= 2', 'T'], ['3 <= 2', 'F'],
    ["'abc' = 'abc'", 'T'], ["'abc' = 'ABC'", 'F'],
    ["'abc' < 'abd'", 'T'], ["'b' > 'abc'", 'T'], ["'B' < 'a'", 'T'],
    ["'' = ''", 'T'],
    ['TRUE = TRUE', 'T'], ['TRUE <> FALSE', 'T'], ['TRUE = FALSE', 'F'],
  ];
  it.each(cases)('%s is %s', (expression, expected) => {
    expect(truthOf(expression)).toBe(expected);
  });

  it('compares properties with literals and with each other', () => {
    const props = { color: 'red', quantity: 10, price: 2.5, other: 'red' };
    expect(matches("color = 'red'", props)).toBe(true);
    expect(matches("color <> 'red'", props)).toBe(false);
    expect(matches("color != 'blue'", props)).toBe(true);
    expect(matches('color = other', props)).toBe(true);
    expect(matches("'red' = color AND 9 < quantity", props)).toBe(true);
    expect(matches('quantity > 9 AND quantity < 11', props)).toBe(true);
    expect(matches('price >= 2.5 AND price <= 2.5', props)).toBe(true);
    expect(matches('quantity * price = 25', props)).toBe(true);
  });

  it('compares dates by instant', () => {
    const props = { a: new Date('2024-01-01T00:00:00Z'), b: new Date('2024-06-01T00:00:00Z'), c: new Date('2024-01-01T00:00:00Z') };
    expect(truthOf('a < b', props)).toBe('T');
    expect(truthOf('a = c', props)).toBe('T');
    expect(truthOf('b >= c', props)).toBe('T');
    expect(truthOf('a <> c', props)).toBe('F');
  });
});

describe('SQL filter arithmetic', () => {
  const cases: Array<[string, 'T' | 'F']> = [
    ['1 + 2 = 3', 'T'],
    ['5 - 7 = -2', 'T'],
    ['6 * 7 = 42', 'T'],
    ['7 / 2 = 3', 'T'],
    ['-7 / 2 = -3', 'T'],
    ['7 % 3 = 1', 'T'],
    ['-7 % 3 = -1', 'T'],
    ['2 + 3 * 4 = 14', 'T'],
    ['(2 + 3) * 4 = 20', 'T'],
    ['10 - 4 - 3 = 3', 'T'],
    ['64 / 4 / 2 = 8', 'T'],
    ['- 3 = -3', 'T'],
    ['-(-3) = 3', 'T'],
    ['+3 = 3', 'T'],
    ['- - 3 = 3', 'T'],
    ['-2 * -3 = 6', 'T'],
    ['2 * -3 = -6', 'T'],
    ['1 - -1 = 2', 'T'],
  ];
  it.each(cases)('%s is %s', (expression, expected) => {
    expect(truthOf(expression)).toBe(expected);
  });

  it('works over properties', () => {
    const props = { a: 7, b: 2, s: 'x' };
    expect(matches('a / b = 3', props)).toBe(true);
    expect(matches('a % b = 1', props)).toBe(true);
    expect(matches('-a = -7', props)).toBe(true);
    expect(matches('a + b * 2 = 11', props)).toBe(true);
  });

  it('+ with a string on either side concatenates (C# string +)', () => {
    expect(truthOf("'a' + 'b' = 'ab'")).toBe('T');
    expect(truthOf("'n' + 5 = 'n5'")).toBe('T');
    expect(truthOf("5 + 'n' = '5n'")).toBe('T');
    expect(truthOf("'x' + 1.5 = 'x1.5'")).toBe('T');
    expect(truthOf("'x' + TRUE = 'xTrue'")).toBe('T');
    expect(matches("name + '-' + n = 'order-3'", { name: 'order', n: 3 })).toBe(true);
  });

  it('other operators on strings or booleans are evaluation errors', () => {
    for (const expression of ["'a' - 1 = 0", "'a' * 2 = 0", "'a' / 2 = 0", "'a' % 2 = 0", "-'a' = 0", "+'a' = 0", 'TRUE + 1 = 2', 's * 2 = 0']) {
      expect(truthOf(expression, { s: 'x' })).toBe('E');
    }
  });
});

describe('SQL filter IN / NOT IN', () => {
  it('tests membership of strings', () => {
    expect(truthOf("StoreId IN ('Store1', 'Store2', 'Store3')", { StoreId: 'Store2' })).toBe('T');
    expect(truthOf("StoreId IN ('Store1', 'Store2', 'Store3')", { StoreId: 'Store9' })).toBe('F');
    expect(truthOf("StoreId NOT IN ('Store1', 'Store2')", { StoreId: 'Store9' })).toBe('T');
    expect(truthOf("StoreId NOT IN ('Store1', 'Store2')", { StoreId: 'Store1' })).toBe('F');
    expect(truthOf("StoreId IN ('store2')", { StoreId: 'Store2' })).toBe('F');
  });

  it('tests membership of numbers with numeric promotion, and of computed items', () => {
    expect(truthOf('n IN (1, 2, 3)', { n: 2 })).toBe('T');
    expect(truthOf('n IN (1.0, 2.0)', { n: 2 })).toBe('T');
    expect(truthOf('n IN (1, 2)', { n: 2.5 })).toBe('F');
    expect(truthOf('n IN (a + 1, 10)', { n: 5, a: 4 })).toBe('T');
    expect(truthOf('n NOT IN (a + 1, 10)', { n: 5, a: 4 })).toBe('F');
    expect(truthOf('(n + 1) IN (6)', { n: 5 })).toBe('T');
  });

  it('treats list items of another type as non-members', () => {
    expect(truthOf("n IN ('1', '2')", { n: 1 })).toBe('F');
    expect(truthOf("n IN ('1', 1)", { n: 1 })).toBe('T');
    expect(truthOf("s NOT IN (1, 2)", { s: 'x' })).toBe('T');
  });

  it('matches the documented sys.To example', () => {
    const filter = "sys.To IN ('Store5','Store6','Store7') OR StoreId = 'Store8'";
    expect(matches(filter, {}, { To: 'Store6' })).toBe(true);
    expect(matches(filter, { StoreId: 'Store8' }, {})).toBe(true);
    expect(matches(filter, { StoreId: 'Store1' }, { To: 'Store1' })).toBe(false);
  });
});

describe('SQL filter LIKE', () => {
  const cases: Array<[string, string, boolean]> = [
    ['abc', 'abc', true],
    ['abc', 'ab', false],
    ['abc', 'abcd', false],
    ['abc', 'a%', true],
    ['abc', '%c', true],
    ['abc', '%b%', true],
    ['abc', '%', true],
    ['', '%', true],
    ['', '_', false],
    ['abc', '___', true],
    ['abc', '__', false],
    ['abc', 'a_c', true],
    ['abc', '_b_', true],
    ['abc', 'a%c', true],
    ['ac', 'a%c', true],
    ['abc', 'a%%c', true],
    ['abcbc', '%bc', true],
    ['abcbd', 'a%bc%d', true],
    ['axbyc', 'a%b%c', true],
    ['axbyd', 'a%b%c', false],
    ['aXc', 'a_c%', true],
    ['ABC', 'abc', false],
    ['ABC', 'a%', false],
    ['order-17', 'order-__', true],
    ['mississippi', '%ss%ss%', true],
    ['mississippi', '%ss%ss%ss%', false],
    ['mississippi', 'm%i_p%i', true],
    ['bus-topic', '%bus%', true],
    ['a.b*c', 'a.b*c', true],
    ['a(b)c', 'a(b)_', true],
  ];
  it.each(cases)('%j LIKE %j is %s', (value, pattern, expected) => {
    const subject = mapSubject({ v: value });
    expect(compileSqlFilter(`v LIKE '${pattern}'`).matches(subject)).toBe(expected);
    expect(compileSqlFilter(`v NOT LIKE '${pattern}'`).matches(subject)).toBe(!expected);
  });

  it('ESCAPE makes the next character literal', () => {
    expect(matches("v LIKE 'ABC\\%' ESCAPE '\\'", { v: 'ABC%' })).toBe(true);
    expect(matches("v LIKE 'ABC\\%' ESCAPE '\\'", { v: 'ABCD' })).toBe(false);
    expect(matches("v LIKE 'a!_c' ESCAPE '!'", { v: 'a_c' })).toBe(true);
    expect(matches("v LIKE 'a!_c' ESCAPE '!'", { v: 'abc' })).toBe(false);
    expect(matches("v LIKE 'a!!c' ESCAPE '!'", { v: 'a!c' })).toBe(true);
    expect(matches("v LIKE '%!%%' ESCAPE '!'", { v: '50% off' })).toBe(true);
    expect(matches("v LIKE '%!%%' ESCAPE '!'", { v: '50 off' })).toBe(false);
    expect(matches("v LIKE '_!__' ESCAPE '!'", { v: 'x_y' })).toBe(true);
    expect(matches("v LIKE 'a%b' ESCAPE '#'", { v: 'axyb' })).toBe(true);
    expect(matches("v LIKE 'a#b' ESCAPE '#'", { v: 'ab' })).toBe(true); // an escaped ordinary character is itself
  });

  it('takes the pattern and escape from any string expression, per message', () => {
    expect(matches('v LIKE prefix + \'%\'', { v: 'order-1', prefix: 'order' })).toBe(true);
    expect(matches('v LIKE prefix + \'%\'', { v: 'order-1', prefix: 'invoice' })).toBe(false);
    expect(matches('v LIKE p ESCAPE e', { v: 'a%', p: 'a#%', e: '#' })).toBe(true);
    const filter = compileSqlFilter('v LIKE p');
    expect(filter.matches(mapSubject({ v: 'abc', p: 'a%' }))).toBe(true);
    expect(filter.matches(mapSubject({ v: 'abc', p: 'b%' }))).toBe(false);
    expect(filter.matches(mapSubject({ v: 'abc', p: '%c' }))).toBe(true);
  });

  it('fails (no match) for a non-string operand or a malformed pattern computed per message', () => {
    expect(truthOf("n LIKE '1%'", { n: 12 })).toBe('E');
    expect(truthOf('v LIKE p', { v: 'a', p: 5 })).toBe('E');
    expect(truthOf("v LIKE p ESCAPE '!'", { v: 'a', p: 'a!' })).toBe('E');
    expect(truthOf('v LIKE p ESCAPE e', { v: 'a', p: 'a', e: 'xy' })).toBe('E');
  });

  it('agrees with a reference matcher on generated patterns', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', '%', '_'];
    for (let round = 0; round < 400; round++) {
      const pattern = Array.from({ length: 1 + random(6) }, () => alphabet[random(4)]).join('');
      const value = Array.from({ length: random(7) }, () => 'ab'[random(2)]).join('');
      const reference = new RegExp(`^${pattern.replace(/%/g, '.*').replace(/_/g, '.')}$`, 's').test(value);
      expect([pattern, value, matches(`v LIKE '${pattern}'`, { v: value })]).toEqual([pattern, value, reference]);
    }
  });
});

describe('SQL filter IS NULL and EXISTS', () => {
  it('IS NULL is true for a missing property, IS NOT NULL for a present one', () => {
    expect(matches('a IS NULL')).toBe(true);
    expect(matches('a IS NULL', { a: 0 })).toBe(false);
    expect(matches('a IS NOT NULL', { a: '' })).toBe(true);
    expect(matches('user.a IS NOT NULL', { a: false })).toBe(true);
    expect(matches('sys.CorrelationId IS NULL', {}, { MessageId: 'm' })).toBe(true);
    expect(matches('sys.MessageId IS NOT NULL', {}, { MessageId: 'm' })).toBe(true);
  });

  it('EXISTS tests for a property, whatever its value', () => {
    expect(matches('EXISTS(a)', { a: false })).toBe(true);
    expect(matches('EXISTS(a)', {})).toBe(false);
    expect(matches('EXISTS (user.a)', { a: 1 })).toBe(true);
    expect(matches('EXISTS([my prop])', { 'my prop': 1 })).toBe(true);
    expect(matches('exists(sys.SessionId)', {}, { SessionId: 's' })).toBe(true);
    expect(matches('NOT EXISTS(a) AND b = 1', { b: 1 })).toBe(true);
  });
});

describe('SQL filter names, literals and keywords', () => {
  it('reads sys. (case-insensitively), user. and unprefixed names', () => {
    const user = { color: 'red', Color: 'blue' };
    const system = { Label: 'lbl', MessageId: 'id-1' };
    expect(matches("sys.Label = 'lbl'", user, system)).toBe(true);
    expect(matches("sys.label = 'lbl' AND SYS.LABEL = 'lbl' AND Sys.Subject = 'lbl'", user, system)).toBe(true);
    expect(matches("sys.messageid = 'id-1'", user, system)).toBe(true);
    expect(matches("user.color = 'red' AND color = 'red'", user, system)).toBe(true);
    expect(matches("USER.color = 'red'", user, system)).toBe(true);
    expect(matches("Color = 'blue'", user, system)).toBe(true);
    expect(matches("label = 'lbl'", user, system)).toBe(false); // unprefixed is user scope
  });

  it('reads [delimited] and "quoted" names, with doubled closing characters', () => {
    const user = { 'Property With Space': 1, 'HR-EmployeeID': 2, 'a]b': 3, 'a"b': 4, AND: 5, 'Contoso & Northwind': 6, 'x.y': 7 };
    expect(matches('[Property With Space] = 1', user)).toBe(true);
    expect(matches('[HR-EmployeeID] = 2', user)).toBe(true);
    expect(matches('[a]]b] = 3', user)).toBe(true);
    expect(matches('"a""b" = 4', user)).toBe(true);
    expect(matches('[AND] = 5', user)).toBe(true);
    expect(matches('"Contoso & Northwind" = 6', user)).toBe(true);
    expect(matches('user.[x.y] = 7 AND user."x.y" = 7', user)).toBe(true);
    expect(matches("sys.[Label] = 'l'", {}, { Label: 'l' })).toBe(true);
    expect(matches("[sys].Label = 'l' AND \"SYS\".[label] = 'l' AND [user].x = 1", { x: 1 }, { Label: 'l' })).toBe(true);
    expect(
      matches('"http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName" = \'account\'', {
        'http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName': 'account',
      }),
    ).toBe(true);
  });

  it('accepts Unicode letters and digits in regular identifiers, and sys/user/function names as plain names', () => {
    expect(matches("café = 'x'", { café: 'x' })).toBe(true);
    expect(matches('größe2_b = 1', { größe2_b: 1 })).toBe(true);
    expect(matches('sys = 1 AND user = 2', { sys: 1, user: 2 })).toBe(true);
    expect(matches('newid = 1 AND p = 2', { newid: 1, p: 2 })).toBe(true);
  });

  it('reads string literals with doubled quotes, and numeric literals of every form', () => {
    expect(matches("v = 'it''s'", { v: "it's" })).toBe(true);
    expect(matches("v = ''''", { v: "'" })).toBe(true);
    expect(matches("v = 'ünïcødé ✓'", { v: 'ünïcødé ✓' })).toBe(true);
    for (const expression of ['1894 = 1894', '1894.1204 > 1894.12', '2.0 = 2', '101.5E5 = 10150000', '0.5E-2 = 0.005', '1e3 = 1000', '1E+3 = 1000', '.5 = 0.5', '5. = 5']) {
      expect([expression, truthOf(expression)]).toEqual([expression, 'T']);
    }
  });

  it('accepts keywords and function names in any case, and any whitespace', () => {
    expect(matches("a = 1 and not b = 2 or c like 'x%' escape '!'", { a: 1, b: 3 })).toBe(true);
    expect(matches("a In (1) AnD b iS nOt NuLl AND EXISTS(b) And c Is Null AND x = tRuE", { a: 1, b: 1, x: true })).toBe(true);
    expect(matches('\ta\n=\r\n1\tAND\nb\u00a0=\u00a02', { a: 1, b: 2 })).toBe(true);
    expect(matches("PROPERTY('a') = 1 AND P('a') = 1 AND NewId() IS NOT NULL", { a: 1 })).toBe(true);
  });

  it('treats a bare boolean property as a condition, and any other value as an evaluation error', () => {
    expect(truthOf('flag', { flag: true })).toBe('T');
    expect(truthOf('flag', { flag: false })).toBe('F');
    expect(truthOf('flag')).toBe('U');
    expect(truthOf('flag AND n = 1', { flag: true, n: 1 })).toBe('T');
    expect(truthOf('flag', { flag: 'yes' })).toBe('E');
    expect(truthOf('NOT flag', { flag: 1 })).toBe('E');
  });
});

describe('SQL filter functions', () => {
  it('newid() returns a fresh GUID string each time', () => {
    expect(matches("newid() LIKE '________-____-____-____-____________'")).toBe(true);
    expect(matches('newid() <> newid()')).toBe(true);
  });

  it('property(name) / p(name) read a property named by any string expression', () => {
    const user = { color: 'red', which: 'color', sysName: 'sys.Label', userName: 'user.color' };
    const system = { Label: 'L' };
    expect(matches("property('color') = 'red'", user, system)).toBe(true);
    expect(matches("p('user.color') = 'red'", user, system)).toBe(true);
    expect(matches("property('sys.label') = 'L'", user, system)).toBe(true);
    expect(matches("property('col' + 'or') = 'red'", user, system)).toBe(true);
    expect(matches("property(which) = 'red'", user, system)).toBe(true);
    expect(matches("property(sysName) = 'L'", user, system)).toBe(true);
    expect(matches("property(userName) = 'red'", user, system)).toBe(true);
    expect(matches("property('nope') IS NULL", user, system)).toBe(true);
    expect(matches("property(missing) IS NULL", user, system)).toBe(true);
    expect(matches("EXISTS(color) AND property('[odd]') IS NULL", user, system)).toBe(true);
  });

  it('property() with a non-string or unknown sys. name computed per message is an evaluation error', () => {
    expect(truthOf('property(n) = 1', { n: 5 })).toBe('E');
    expect(truthOf('property(n) = 1', { n: 'sys.Nope' })).toBe('E');
  });

  it('@parameters take their values from the options', () => {
    const parameters = { '@color': 'red', '@min': 5, '@when': new Date('2024-01-01T00:00:00Z'), '@none': null };
    const user = { color: 'red', quantity: 10, at: new Date('2024-02-01T00:00:00Z') };
    expect(matches('color = @color AND quantity > @min AND at > @when', user, {}, { parameters })).toBe(true);
    expect(matches('@none IS NULL', user, {}, { parameters })).toBe(true);
    expect(matches('quantity < @min', user, {}, { parameters })).toBe(false);
    expect(matches('quantity = @q', user, {}, { parameters: { q: 10 } })).toBe(true); // a key without its '@'
    expect(matches('quantity / @half = 4', user, {}, { parameters: { '@half': 2.5 } })).toBe(true); // a double parameter
  });
});
