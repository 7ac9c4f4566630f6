/**
 * The broker's AscendingIdMap (src/emulator/links/AscendingIdMap.ts, a link's unsettled deliveries) must
 * answer as a `Map` does for any sequence of operations: checked against a `Map` over seeded random runs.
 */
import { AscendingIdMap } from '../../src/emulator/links/AscendingIdMap';
import { Prng } from '../fuzz/prng';

it('adds, finds, deletes and lists as a Map, in order when ids ascend', () => {
  const ids = new AscendingIdMap<string>();
  const map = new Map<number, string>();
  for (let id = 0; id < 100; id++) {
    ids.set(id, `m${id}`);
    map.set(id, `m${id}`);
  }
  for (let id = 0; id < 100; id += 3) expect(ids.delete(id)).toBe(map.delete(id));
  expect(ids.delete(0)).toBe(false);
  expect(ids.values()).toEqual([...map.values()]);
  expect(ids.size).toBe(map.size);
  expect(ids.get(1)).toBe('m1');
  expect(ids.get(3)).toBeUndefined();
  ids.clear();
  expect(ids.size).toBe(0);
  expect(ids.values()).toEqual([]);
  ids.set(7, 'again');
  expect(ids.get(7)).toBe('again');
  // An id below the last one added, then the ring emptied: the same id again replaces it.
  ids.set(5, 'late');
  ids.delete(7);
  ids.set(5, 'replaced');
  expect(ids.size).toBe(1);
  expect(ids.values()).toEqual(['replaced']);
});

it.each([1, 2, 3, 4, 5, 6, 7, 8])('matches a Map over a random run (seed %i)', (seed) => {
  const prng = new Prng(seed);
  const next = (): number => prng.next();
  const ids = new AscendingIdMap<number>();
  const map = new Map<number, number>();
  let nextId = 0;
  for (let step = 0; step < 20_000; step++) {
    const r = next();
    if (r < 0.45) {
      // Mostly the next id; sometimes a gap (another link's deliveries), rarely an id already passed.
      const id = next() < 0.02 ? Math.floor(next() * (nextId + 1)) : (nextId += 1 + (next() < 0.2 ? Math.floor(next() * 5) : 0));
      ids.set(id, step);
      map.set(id, step);
    } else if (r < 0.9) {
      // Mostly the oldest entry (settlements in order), else any.
      const keys = [...map.keys()];
      const id = keys.length === 0 || next() < 0.1 ? Math.floor(next() * (nextId + 2)) : next() < 0.8 ? (keys[0] as number) : (keys[Math.floor(next() * keys.length)] as number);
      expect(ids.delete(id)).toBe(map.delete(id));
    } else if (r < 0.995) {
      const id = Math.floor(next() * (nextId + 2));
      expect(ids.get(id)).toBe(map.get(id));
    } else {
      ids.clear();
      map.clear();
    }
    expect(ids.size).toBe(map.size);
  }
  expect([...ids.values()].sort((a, b) => a - b)).toEqual([...map.values()].sort((a, b) => a - b));
  for (const [id, value] of map) expect(ids.get(id)).toBe(value);
});
