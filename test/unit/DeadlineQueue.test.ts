import { asyncScheduler, firstValueFrom } from 'rxjs';
import type { Subscription } from 'rxjs';
import { strictTestScheduler } from './strictTestScheduler';
import { InvalidArgumentError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { countingScheduler } from './countingScheduler';

const newTestScheduler = strictTestScheduler;

describe('DeadlineQueue', () => {
  it('emits scheduler.now() once at the deadline, then completes', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const queue = new DeadlineQueue(ts);
      expectObservable(queue.at(5)).toBe('5ms (a|)', { a: 5 });
      expectObservable(queue.at(12)).toBe('12ms (a|)', { a: 12 });
    });
  });

  it('emits a past deadline on the next action, never synchronously', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const queue = new DeadlineQueue(ts);
      let syncValue: number | undefined;
      queue.at(-10).subscribe((v) => (syncValue = v)).unsubscribe();
      expect(syncValue).toBeUndefined();
      expectObservable(queue.at(-10)).toBe('(a|)', { a: 0 });
    });
  });

  it('fires in time order and FIFO for equal times', () => {
    const ts = newTestScheduler();
    const log: string[] = [];
    ts.run(() => {
      const queue = new DeadlineQueue(ts);
      const add = (name: string, time: number) => queue.at(time).subscribe((now) => log.push(`${name}@${now}`));
      add('c', 30);
      add('a1', 10);
      add('b', 20);
      add('a2', 10);
      add('z', 0);
      add('a3', 10);
    });
    expect(log).toEqual(['z@0', 'a1@10', 'a2@10', 'a3@10', 'b@20', 'c@30']);
  });

  it('unsubscribing removes the deadline (subscription marbles) and cancels the action when none is left', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    ts.run(({ expectObservable, flush }) => {
      const queue = new DeadlineQueue(counting);
      expectObservable(queue.at(10), '^ 4ms !').toBe('');
      flush();
      expect(queue.size).toBe(0);
      expect(counting.pending).toBe(0);
    });
  });

  it('re-arms for an earlier deadline with still only one pending action', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    const log: number[] = [];
    ts.run(() => {
      const queue = new DeadlineQueue(counting);
      queue.at(100).subscribe((now) => log.push(now));
      expect(counting.pending).toBe(1);
      queue.at(40).subscribe((now) => log.push(now));
      expect(counting.pending).toBe(1);
      expect(counting.scheduled).toBe(2);
      queue.at(70).subscribe((now) => log.push(now)); // later than the armed time: no re-arm
      expect(counting.scheduled).toBe(2);
    });
    expect(log).toEqual([40, 70, 100]);
    expect(counting.maxPending).toBe(1);
  });

  it('10 000 deadlines: at most one pending action at any time, exact order, cancelled ones never fire', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    const n = 10_000;
    let seed = 42;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const times = Array.from({ length: n }, () => Math.floor(rand() * 5_000));
    const fired: Array<{ i: number; now: number }> = [];
    let queue!: DeadlineQueue;
    ts.run(() => {
      queue = new DeadlineQueue(counting);
      const subs: Subscription[] = times.map((time, i) => queue.at(time).subscribe((now) => fired.push({ i, now })));
      expect(queue.size).toBe(n);
      expect(counting.pending).toBe(1);
      for (let i = 0; i < n; i += 2) subs[i]?.unsubscribe(); // cancel every even one
      expect(queue.size).toBe(n / 2);
    });
    expect(counting.maxPending).toBe(1);
    expect(counting.pending).toBe(0);
    expect(queue.size).toBe(0);
    const expected = times
      .map((time, i) => ({ i, now: time }))
      .filter(({ i }) => i % 2 === 1)
      .sort((a, b) => a.now - b.now || a.i - b.i);
    expect(fired).toEqual(expected);
    // Arming happens only for a new earliest deadline while registering, once per distinct due time,
    // and at most once more after cancelling the earliest (a spurious wake-up that re-arms).
    let earliest = Infinity;
    let newMinima = 0;
    for (const t of times) {
      if (t < earliest) {
        earliest = t;
        newMinima++;
      }
    }
    expect(counting.scheduled).toBeLessThanOrEqual(newMinima + new Set(expected.map((e) => e.now)).size + 1);
  });

  it('a deadline registered while firing waits for the next action, even when already due', () => {
    const ts = newTestScheduler();
    const counting = countingScheduler(ts);
    const log: string[] = [];
    ts.run(() => {
      const queue = new DeadlineQueue(counting);
      queue.at(5).subscribe((now) => {
        log.push(`first@${now}`);
        queue.at(now).subscribe((later) => log.push(`second@${later}`));
        log.push('first done');
      });
    });
    expect(log).toEqual(['first@5', 'first done', 'second@5']);
    expect(counting.maxPending).toBe(1);
  });

  it('reaches deadlines beyond the largest timer delay by re-arming', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const queue = new DeadlineQueue(ts);
      expectObservable(queue.at(3_000_000_000)).toBe('3000000000ms (a|)', { a: 3_000_000_000 });
    });
  });

  it('Infinity never fires and registers nothing; NaN is rejected at the call', () => {
    const ts = newTestScheduler();
    ts.run(({ expectObservable }) => {
      const queue = new DeadlineQueue(ts);
      expectObservable(queue.at(Infinity), '^ 100ms !').toBe('');
      expect(queue.size).toBe(0);
      expect(() => queue.at(Number.NaN)).toThrow(InvalidArgumentError);
      expect(() => queue.at(Number.NaN)).toThrow(/Invalid time/);
    });
  });

  it('shared() is one instance per scheduler and runs in virtual time on asyncScheduler inside TestScheduler.run', () => {
    expect(DeadlineQueue.shared()).toBe(DeadlineQueue.shared(asyncScheduler));
    const ts = newTestScheduler();
    expect(DeadlineQueue.shared(ts)).not.toBe(DeadlineQueue.shared());
    ts.run(({ expectObservable }) => {
      const queue = DeadlineQueue.shared();
      expectObservable(queue.at(asyncScheduler.now() + 7)).toBe('7ms (a|)', { a: 7 });
    });
    expect(DeadlineQueue.shared().size).toBe(0);
  });

  it('works with the real asyncScheduler', async () => {
    const queue = new DeadlineQueue(asyncScheduler);
    const due = asyncScheduler.now() + 20;
    const firedAt = await firstValueFrom(queue.at(due));
    expect(firedAt).toBeGreaterThanOrEqual(due);
    expect(queue.size).toBe(0);
  });
});
