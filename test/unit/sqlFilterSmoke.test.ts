import { compileSqlFilter, compileSqlAction } from '../../src/emulator/filters/sql';
import { mapSubject } from './sqlFilterSubject';

it('smoke', () => {
  const s = mapSubject({ color: 'red', quantity: 10 }, { Label: 'order-1' });
  expect(compileSqlFilter("color = 'red' AND quantity > 5").matches(s)).toBe(true);
  expect(compileSqlFilter("sys.label LIKE 'order%'").matches(s)).toBe(true);
  expect(compileSqlFilter("missing = 1 OR color IN ('blue','red')").matches(s)).toBe(true);
  compileSqlAction("SET quantity = quantity / 2; REMOVE color;SET sys.CorrelationId = 'low';").apply(s);
  expect(s.props.get('quantity')).toBe(5);
  expect(s.props.has('color')).toBe(false);
  expect(s.sys.get('correlationid')).toBe('low');
});
