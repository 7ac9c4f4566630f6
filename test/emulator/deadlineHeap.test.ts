import { VirtualTimeScheduler } from 'rxjs';
import { Deadline } from '../../src/emulator/locks/Deadline';
import { DeadlineHeap, MAX_TIMER_DELAY_MS } from '../../src/emulator/locks/DeadlineHeap';

/** A virtual clock that counts how many actions were scheduled on it. */
class CountingClock extends VirtualTimeScheduler {
  scheduled = 0;
  override schedule<T>(work: (this: unknown, state?: T) => void, delay?: number, state?: T) {
    this.scheduled++;
    return super.schedule(work as never, delay, state);
  }
  /** Runs every action due at or before `time`. */
  advanceTo(time: number): void {
    this.maxFrames = time;
    this.flush();
  }
}

describe('DeadlineHeap', () => {
  const fired: string[] = [];
  const make = (name: string): Deadline => new Deadline(0, (now) => fired.push(`${name}@${now}`));
  let clock: CountingClock;
  let heap: DeadlineHeap;
  const errors: unknown[] = [];

  beforeEach(() => {
    fired.length = 0;
    errors.length = 0;
    clock = new CountingClock();
    heap = new DeadlineHeap(clock, (error) => errors.push(error));
  });

  it('fires deadlines in time order from one scheduled action', () => {
    const names = ['e', 'b', 'd', 'a', 'c'];
    const times = [50, 20, 40, 10, 30];
    names.forEach((name, i) => heap.schedule(make(name), times[i] as number));
    // Only a new earliest deadline re-arms the action: 50, then 20, then 10.
    expect(clock.scheduled).toBe(3);
    clock.advanceTo(100);
    expect(fired).toEqual(['a@10', 'b@20', 'c@30', 'd@40', 'e@50']);
    expect(heap.size).toBe(0);
  });

  it('moves and cancels deadlines', () => {
    const a = make('a');
    const b = make('b');
    const c = make('c');
    heap.schedule(a, 10);
    heap.schedule(b, 20);
    heap.schedule(c, 30);
    heap.schedule(a, 35); // renewed: later
    heap.schedule(c, 5); // moved earlier
    heap.cancel(b);
    heap.cancel(b); // no-op
    expect(b.scheduled).toBe(false);
    clock.advanceTo(100);
    expect(fired).toEqual(['c@5', 'a@35']);
  });

  it('keeps many deadlines in order under random insertion and removal', () => {
    const deadlines = Array.from({ length: 500 }, () => new Deadline(0, (now) => void fired.push(String(now))));
    const at = deadlines.map((_, i) => ((i * 7919) % 1000) + 1);
    deadlines.forEach((d, i) => heap.schedule(d, at[i] as number));
    const removed = new Set(deadlines.filter((_, i) => i % 3 === 0));
    for (const d of removed) heap.cancel(d);
    clock.advanceTo(2_000);
    const expected = at.filter((_, i) => i % 3 !== 0).sort((x, y) => x - y).map(String);
    expect(fired).toEqual(expected);
  });

  it('reports a failing deadline and still fires the rest', () => {
    heap.schedule(new Deadline(0, () => {
      throw new Error('boom');
    }), 10);
    heap.schedule(make('after'), 10);
    clock.advanceTo(10);
    expect(errors).toHaveLength(1);
    expect(fired).toEqual(['after@10']);
  });

  it('fires deadlines scheduled from inside a firing deadline', () => {
    heap.schedule(new Deadline(0, (now) => heap.schedule(make('chained'), now + 5)), 10);
    clock.advanceTo(100);
    expect(fired).toEqual(['chained@15']);
  });

  it('reaches deadlines beyond the longest timer delay in steps no longer than it', () => {
    const delays: number[] = [];
    const recording = new CountingClock();
    const schedule = recording.schedule.bind(recording);
    recording.schedule = ((work: never, delay?: number, state?: never) => {
      delays.push(delay ?? 0);
      return schedule(work, delay, state);
    }) as typeof recording.schedule;
    const far = new DeadlineHeap(recording, (error) => errors.push(error));
    const sixtyDays = 60 * 24 * 3_600_000;
    far.schedule(make('far'), sixtyDays);
    recording.advanceTo(sixtyDays);
    expect(fired).toEqual([`far@${sixtyDays}`]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
    expect(delays.length).toBeGreaterThan(1);
  });

  it('stops everything on close', () => {
    heap.schedule(make('never'), 10);
    heap.close();
    heap.schedule(make('ignored'), 20);
    clock.advanceTo(100);
    expect(fired).toEqual([]);
  });
});
