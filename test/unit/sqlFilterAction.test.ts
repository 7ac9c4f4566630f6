import { compileSqlAction, compileSqlFilter } from '../../src/emulator/filters/sql';
import type { FilterValue, MutableFilterSubject } from '../../src/emulator/filters/RuleFilter';
import { mapSubject } from './sqlFilterSubject';

function run(action: string, user: Record<string, FilterValue> = {}, system: Record<string, FilterValue> = {}) {
  const subject = mapSubject(user, system);
  compileSqlAction(action).apply(subject);
  return { user: Object.fromEntries(subject.props), system: Object.fromEntries(subject.sys) };
}

describe('SQL rule actions', () => {
  it('runs the documented example: SET from an expression, REMOVE, SET a system property', () => {
    const after = run("SET quantity = quantity / 2; REMOVE priority;SET sys.CorrelationId = 'low';", {
      color: 'red',
      quantity: 10,
      priority: 'high',
    });
    expect(after.user).toEqual({ color: 'red', quantity: 5 });
    expect(after.system).toEqual({ correlationid: 'low' });
  });

  it('creates and updates user properties with or without user. and quoting', () => {
    const after = run("SET a = 'x'; SET user.b = 2; SET [c d] = TRUE; SET \"e\" = 1.5; SET USER.a = a + 'y'", { b: 1 });
    expect(after.user).toEqual({ a: 'xy', b: 2, 'c d': true, e: 1.5 });
  });

  it('runs statements in order, each seeing the changes before it', () => {
    expect(run('SET a = 1; SET b = a + 1; SET a = b * 10').user).toEqual({ a: 20, b: 2 });
  });

  it('accepts statements without semicolons, and keywords in any case', () => {
    expect(run('set a = 1 SET b = 2 remove c Remove d;', { c: 1, d: 2, e: 3 }).user).toEqual({ a: 1, b: 2, e: 3 });
  });

  it('SET from a missing property stores NULL (the subject is told undefined)', () => {
    const calls: Array<[string, FilterValue | undefined]> = [];
    const subject = mapSubject({ a: 1 });
    const recording: MutableFilterSubject = { ...subject, setUser: (name, value) => void calls.push([name, value]) };
    compileSqlAction('SET a = missing + 1; SET b = NULL').apply(recording);
    expect(calls).toEqual([
      ['a', undefined],
      ['b', undefined],
    ]);
  });

  it('SET converts a string to the existing property type when it can (implicit conversion)', () => {
    const after = run("SET n = '42'; SET big = '9223372036854775807'; SET d = '2.5'; SET f = 'TRUE'; SET t = '2030-01-02T03:04:05Z'; SET s = 5; SET bad = 'abc'", {
      n: 1,
      big: 1,
      d: 0.5,
      f: false,
      t: new Date(0),
      s: 'text',
      bad: 3,
    });
    expect(after.user).toEqual({
      n: 42,
      big: 9223372036854775807n,
      d: 2.5,
      f: true,
      t: new Date('2030-01-02T03:04:05Z'),
      s: 5,
      bad: 'abc',
    });
  });

  it('SET sys.<name> converts the value to the system property type', () => {
    const after = run("SET sys.Label = 5; SET sys.To = 'dest'; SET sys.ScheduledEnqueueTimeUtc = '2030-01-01T00:00:00Z'; SET sys.TimeToLive = '60000'; SET sys.ContentType = TRUE", {}, {});
    expect(after.system).toEqual({
      label: '5',
      to: 'dest',
      scheduledenqueuetimeutc: new Date('2030-01-01T00:00:00Z'),
      timetolive: 60000,
      contenttype: 'True',
    });
  });

  it('passes canonical system property names to the subject, and REMOVE sys.X removes it', () => {
    const names: string[] = [];
    const subject = mapSubject({}, { To: 'x', ReplyTo: 'r' });
    const recording: MutableFilterSubject = {
      ...subject,
      setSystem: (name, value) => {
        names.push(`set ${name}`);
        subject.setSystem(name, value);
      },
      removeSystem: (name) => {
        names.push(`remove ${name}`);
        subject.removeSystem(name);
      },
    };
    compileSqlAction("SET SYS.messageid = 'm'; remove sys.replyto; SET sys.subject = 'S'").apply(recording);
    expect(names).toEqual(['set MessageId', 'remove ReplyTo', 'set Subject']);
    expect(Object.fromEntries(subject.sys)).toEqual({ to: 'x', messageid: 'm', label: 'S' });
  });

  it('skips a statement that fails for this message and still applies the others', () => {
    const after = run("SET a = 'x' * 2; SET b = 1; SET sys.ScheduledEnqueueTimeUtc = 'soon'; SET c = 1 / zero", { zero: 0 });
    expect(after.user).toEqual({ zero: 0, b: 1 });
    expect(after.system).toEqual({});
  });

  it('uses functions and parameters', () => {
    const subject = mapSubject({ which: 'color', color: 'red' });
    compileSqlAction("SET id = newid(); SET copy = property(which); SET tag = @tag + '!'", {
      parameters: { '@tag': 'hot' },
    }).apply(subject);
    expect(subject.props.get('id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(subject.props.get('copy')).toBe('red');
    expect(subject.props.get('tag')).toBe('hot!');
  });

  it('compiles once and applies to many messages independently', () => {
    const action = compileSqlAction('SET n = n + 1');
    const filter = compileSqlFilter('n = 2');
    const first = mapSubject({ n: 1 });
    const second = mapSubject({ n: 5 });
    action.apply(first);
    action.apply(second);
    expect(filter.matches(first)).toBe(true);
    expect(second.props.get('n')).toBe(6);
  });
});
