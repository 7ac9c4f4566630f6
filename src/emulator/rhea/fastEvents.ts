import type { EventEmitter } from 'node:events';

/**
 * An EventEmitter's listener table as an object of a constructor whose prototype has no prototype: no
 * inherited keys (as Node's own table, `{ __proto__: null }`), but an object V8 keeps in fast mode.
 * Node makes each emitter's table a dictionary-mode object, with a ~185-byte property dictionary once
 * a listener is added.
 */
function ListenerTable(): void {
  // Listeners are added by Node's EventEmitter, under their event names.
}
ListenerTable.prototype = Object.create(null) as object;
const NewListenerTable = ListenerTable as unknown as new () => object;

type Emitter = { _events?: object; _eventsCount?: number };

/**
 * Gives `emitter` (an EventEmitter, or a rhea endpoint whose prototype is one, with no listeners yet) an
 * empty listener table of its own that V8 keeps in fast mode; Node's EventEmitter reads and writes the
 * table as before (`_events`, `_eventsCount`: the fields Node's `EventEmitter.init` sets).
 */
export function fastEvents<T extends EventEmitter | object>(emitter: T): T {
  const e = emitter as Emitter;
  e._events = new NewListenerTable();
  e._eventsCount = 0;
  return emitter;
}
