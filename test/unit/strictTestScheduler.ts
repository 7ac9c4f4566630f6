import { TestScheduler } from 'rxjs/testing';

/**
 * A TestScheduler whose deep equality also distinguishes error classes and `cause` chains (jest's
 * `toEqual` compares errors by message only). LockHandle-like objects are compared by reference.
 */
export function strictTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(normalize(actual)).toEqual(normalize(expected)));
}

export function normalize(value: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (typeof (value as { renewLock?: unknown }).renewLock === 'function') return value; // a LockHandle: by identity
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(normalize(item, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  if (value instanceof Error) {
    out['$class'] = value.constructor.name;
    out['message'] = value.message;
    out['cause'] = normalize(value.cause, seen);
  }
  for (const [key, item] of Object.entries(value)) out[key] = normalize(item, seen);
  return out;
}
