import { EventEmitter } from 'node:events';

/** An endpoint's observers once asked for (`null`, on the prototype, until then). */
const OBSERVERS = Symbol('observers');

type Lazy = Record<symbol, EventEmitter | null | undefined>;

/**
 * Gives the objects of `prototype` (a rhea endpoint prototype) an `observers` emitter made when first
 * asked for, instead of one each from the start: rhea's dispatch emits on an endpoint's observers, and
 * on the broker nothing listens on a session's (an EventEmitter and its listener table, ~260 bytes).
 */
export function lazyObservers(prototype: object): void {
  Object.defineProperties(prototype, {
    observers: {
      get(this: Lazy): EventEmitter {
        return (this[OBSERVERS] ??= new EventEmitter());
      },
      set(this: Lazy, observers: EventEmitter) {
        this[OBSERVERS] = observers;
      },
      configurable: true,
    },
    [OBSERVERS]: { value: null, writable: true },
  });
}

/** An endpoint's observers if it has any: undefined for one of {@link lazyObservers} never asked for them. */
export function observersIfAny(endpoint: { observers?: EventEmitter }): EventEmitter | undefined {
  const lazy = (endpoint as Lazy)[OBSERVERS];
  return lazy === undefined ? endpoint.observers : (lazy ?? undefined);
}
