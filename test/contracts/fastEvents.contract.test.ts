/**
 * Contract test for the broker's fastEvents (src/emulator/rhea/fastEvents.ts): a broker link's emitters
 * (the link and its `observers`) get a listener table V8 keeps in fast mode instead of Node's
 * `{ __proto__: null }`. Node's EventEmitter must still read and write that table as its own: by
 * `_events` and `_eventsCount`, looking up event names that must not be inherited.
 */
import { EventEmitter } from 'node:events';
import { fastEvents } from '../../src/emulator/rhea/fastEvents';

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`Node changed: ${what} no longer holds (the broker's rhea/fastEvents.ts relies on it; re-read lib/events.js)`);
}

it("Node's EventEmitter keeps its listeners in `_events`, counted by `_eventsCount`, as fastEvents sets them", () => {
  const plain = new EventEmitter() as EventEmitter & { _events: object; _eventsCount: number };
  assume(Object.getPrototypeOf(plain._events) === null && plain._eventsCount === 0, 'a new emitter has an empty `_events` without a prototype and `_eventsCount` 0');
  const listener = (): void => undefined;
  plain.on('x', listener);
  assume((plain._events as Record<string, unknown>)['x'] === listener && plain._eventsCount === 1, 'on() stores a single listener in `_events[name]` and counts it in `_eventsCount`');
  // An object whose prototype is rhea's link (an EventEmitter prototype, no constructor call) makes its table on first `on`.
  const bare = Object.create(EventEmitter.prototype) as EventEmitter & { _events?: object };
  assume(bare._events === undefined, 'EventEmitter.prototype has no `_events`');
  bare.on('x', listener);
  assume(bare.listenerCount('x') === 1, 'on() makes the table of an emitter that has none');
});

it('an emitter with a fast listener table behaves as one with Node’s', () => {
  for (const make of [() => fastEvents(new EventEmitter()), () => fastEvents(Object.create(EventEmitter.prototype) as EventEmitter)]) {
    const [plain, fast] = [new EventEmitter(), make()];
    const seen: string[] = [];
    for (const e of [plain, fast]) {
      const tag = e === plain ? 'p' : 'f';
      // Names an ordinary object would inherit are not listeners.
      for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
        expect(e.listenerCount(name)).toBe(0);
        expect(e.emit(name)).toBe(false);
      }
      expect(() => e.emit('error', new Error('unhandled'))).toThrow('unhandled');
      e.on('newListener', (name: string) => seen.push(`${tag} new ${name}`));
      const one = (v: string): number => seen.push(`${tag} one ${v}`);
      const two = (v: string): number => seen.push(`${tag} two ${v}`);
      e.on('a', one);
      e.on('a', two);
      e.once('b', (v: string) => seen.push(`${tag} once ${v}`));
      e.on('__proto__', (v: string) => seen.push(`${tag} proto ${v}`));
      expect(e.emit('a', 1)).toBe(true);
      e.emit('b', 2);
      e.emit('b', 3);
      e.emit('__proto__', 4);
      expect(e.eventNames()).toEqual(['newListener', 'a', '__proto__']);
      expect(e.listeners('a')).toEqual([one, two]);
      e.removeListener('a', one);
      e.emit('a', 5);
      e.off('a', two);
      expect(e.emit('a', 6)).toBe(false);
      e.on('error', () => seen.push(`${tag} error`));
      e.emit('error', new Error('handled'));
      e.removeAllListeners();
      expect(e.eventNames()).toEqual([]);
      e.on('c', (v: string) => seen.push(`${tag} c ${v}`));
      e.emit('c', 7);
    }
    const of = (tag: string) => seen.filter((s) => s.startsWith(tag)).map((s) => s.slice(2));
    expect(of('f')).toEqual(of('p'));
    expect(of('f').length).toBeGreaterThan(8);
  }
});
