import { strictTestScheduler } from './strictTestScheduler';
import { countingScheduler } from './countingScheduler';
import { InvalidArgumentError } from '../../src/errors';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';

describe('DeadlineQueue.schedule (the allocation-light form of at())', () => {
  it('calls back once at the deadline with scheduler.now(), in time order and FIFO for equal times, never synchronously', () => {
    const ts = strictTestScheduler();
    const log: string[] = [];
    ts.run(({ flush }) => {
      const queue = new DeadlineQueue(ts);
      queue.schedule(20, (now) => log.push(`b@${now}`));
      queue.schedule(10, (now) => log.push(`a1@${now}`));
      queue.schedule(10, (now) => log.push(`a2@${now}`));
      queue.schedule(-5, (now) => log.push(`past@${now}`));
      expect(log).toEqual([]);
      flush();
    });
    expect(log).toEqual(['past@0', 'a1@10', 'a2@10', 'b@20']);
  });

  it('cancel removes the deadline (the action too when none is left); cancelling twice or after firing is a no-op', () => {
    const ts = strictTestScheduler();
    const counting = countingScheduler(ts);
    const log: number[] = [];
    ts.run(({ flush }) => {
      const queue = new DeadlineQueue(counting);
      const a = queue.schedule(10, (now) => log.push(now));
      const b = queue.schedule(5, (now) => log.push(now));
      a.cancel();
      a.cancel();
      expect(queue.size).toBe(1);
      flush();
      b.cancel();
      const c = queue.schedule(50, (now) => log.push(now));
      c.cancel();
      expect(queue.size).toBe(0);
      expect(counting.pending).toBe(0);
    });
    expect(log).toEqual([5]);
  });

  it('Infinity registers nothing; NaN is refused', () => {
    const ts = strictTestScheduler();
    const queue = new DeadlineQueue(ts);
    queue.schedule(Infinity, () => undefined).cancel();
    expect(queue.size).toBe(0);
    expect(() => queue.schedule(Number.NaN, () => undefined)).toThrow(InvalidArgumentError);
  });

  it('reschedule moves the same deadline (pending, fired or cancelled), as a new registration for FIFO order', () => {
    const ts = strictTestScheduler();
    const log: string[] = [];
    ts.run(({ flush }) => {
      const queue = new DeadlineQueue(ts);
      const a = queue.schedule(10, (now) => log.push(`a@${now}`));
      queue.schedule(20, (now) => log.push(`b@${now}`));
      a.reschedule(20); // pending: moved behind b (registered later)
      flush();
      a.reschedule(30); // fired: registered again
      flush();
      a.cancel();
      a.reschedule(40); // cancelled: registered again
      a.reschedule(Infinity); // and withdrawn
      flush();
      expect(queue.size).toBe(0);
    });
    expect(log).toEqual(['b@20', 'a@20', 'a@30']);
  });
});
