import { asyncScheduler, NEVER, Observable } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { InvalidArgumentError } from '../errors/InvalidArgumentError';

/** A deadline registered with {@link DeadlineQueue.schedule}. */
export interface Deadline {
  /** Removes the deadline if it has not fired yet (O(log n)); a no-op afterwards. */
  cancel(): void;
  /**
   * Registers this same deadline again for `time` (whether it fired, was cancelled or is pending), as
   * if it had been cancelled and scheduled anew with the same callback — without a new object: for
   * deadlines re-armed for ever (a lock's next tick or expiry).
   * @throws InvalidArgumentError when `time` is not a number or is NaN.
   */
  reschedule(time: number): void;
}

/** One registered deadline: a heap node that knows its own index, so removal is O(log n). */
class Entry implements Deadline {
  /** Position in the heap; -1 once fired or removed. */
  index = -1;

  constructor(
    private readonly queue: DeadlineQueue,
    public time: number,
    /** Registration order: ties on `time` fire first-in, first-out. */
    public seq: number,
    readonly callback: (now: number) => void,
  ) {}

  cancel(): void {
    this.queue.cancel(this);
  }

  reschedule(time: number): void {
    this.queue.reschedule(this, time);
  }
}

/**
 * Largest delay Node timers honour (2^31 − 1 ms, about 24.8 days); longer ones would fire at once.
 * Deadlines further out are reached by re-arming.
 */
const MAX_TIMER_DELAY = 2_147_483_647;

const queues = new WeakMap<SchedulerLike, DeadlineQueue>();

/**
 * Many deadlines multiplexed onto ONE pending `scheduler.schedule` action: a min-heap ordered by time
 * (FIFO for equal times) whose single action is armed for the earliest deadline. Adding an earlier
 * deadline re-arms it; removing deadlines leaves it armed (a wake-up with nothing due just re-arms)
 * unless none is left, in which case the action is cancelled. Thousands of sessions' ticks, expiries
 * and renewals therefore cost one timer.
 *
 * Works with any `SchedulerLike`: the real `asyncScheduler`, a `TestScheduler`, or `asyncScheduler`
 * inside `TestScheduler.run` (virtual time).
 */
export class DeadlineQueue {
  private readonly heap: Entry[] = [];
  private nextSeq = 0;
  /** The one pending action, if armed. */
  private action: Subscription | undefined;
  /** Scheduler time the pending action will run at (`Infinity` when not armed). */
  private armedAt = Infinity;
  /** True while due deadlines are being emitted; re-arming waits until they are all done. */
  private firing = false;

  constructor(private readonly scheduler: SchedulerLike) {}

  /**
   * The queue shared by everything that uses `scheduler` (one per scheduler instance, held weakly).
   * @example DeadlineQueue.shared().at(Date.now() + 1000).subscribe(() => console.log('due'))
   */
  static shared(scheduler: SchedulerLike = asyncScheduler): DeadlineQueue {
    let queue = queues.get(scheduler);
    if (queue === undefined) {
      queue = new DeadlineQueue(scheduler);
      queues.set(scheduler, queue);
    }
    return queue;
  }

  /** Number of pending (registered, not yet fired or cancelled) deadlines. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * A cold Observable of one deadline. On subscribe it registers `time` (scheduler time, ms); when
   * that time is reached it emits `scheduler.now()` once and completes. A `time` already past is
   * emitted on the next scheduled action (never synchronously). `Infinity` never emits and registers
   * nothing. Unsubscribing before it is due removes the deadline (O(log n)).
   * @throws InvalidArgumentError when `time` is not a number or is NaN.
   */
  at(time: number): Observable<number> {
    validateTime(time);
    if (time === Infinity) return NEVER;
    return new Observable<number>((subscriber) => {
      const deadline = this.schedule(time, (now) => {
        subscriber.next(now);
        subscriber.complete();
      });
      return () => deadline.cancel();
    });
  }

  /**
   * The same as subscribing to `at(time)` without the Observable: registers `time` and calls
   * `callback(scheduler.now())` once when it is reached (never synchronously), unless cancelled
   * first. For hot paths that re-arm often (a lock's ticks, renewals): one small object per deadline.
   * `Infinity` registers nothing (the returned deadline never fires). `callback` must not throw (an
   * exception would reach the scheduler); `at()` subscribers are safe (rxjs reports their errors).
   * @throws InvalidArgumentError when `time` is not a number or is NaN.
   */
  schedule(time: number, callback: (now: number) => void): Deadline {
    validateTime(time);
    const entry = new Entry(this, time, this.nextSeq++, callback);
    if (time === Infinity) return entry;
    this.insert(entry);
    this.arm();
    return entry;
  }

  /** @internal What `Deadline.reschedule` does. */
  reschedule(entry: Entry, time: number): void {
    validateTime(time);
    if (entry.index >= 0) this.removeAt(entry.index);
    entry.time = time;
    entry.seq = this.nextSeq++;
    if (time === Infinity) {
      if (this.heap.length === 0) this.arm();
      return;
    }
    this.insert(entry);
    this.arm();
  }

  /** @internal Removes `entry` if it is still registered (what `Deadline.cancel` does). */
  cancel(entry: Entry): void {
    if (entry.index < 0) return; // already fired, cancelled, or never registered (Infinity)
    this.removeAt(entry.index);
    // Only worth touching the timer when nothing is left; otherwise a spurious wake-up re-arms.
    if (this.heap.length === 0) this.arm();
  }

  /** Runs as the scheduled action: emits every deadline due now, then re-arms for the next one. */
  private readonly fire = (): void => {
    this.action = undefined;
    this.armedAt = Infinity;
    this.firing = true;
    const now = this.scheduler.now();
    // Deadlines registered while firing (e.g. the next tick) wait for the next action, even if due:
    // this bounds the work of one action and keeps `at()` from ever emitting re-entrantly.
    const seqLimit = this.nextSeq;
    try {
      for (let top = this.heap[0]; top !== undefined && top.time <= now && top.seq < seqLimit; top = this.heap[0]) {
        this.removeAt(0);
        top.callback(now);
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  };

  /** Ensures the single action is pending for the earliest deadline (or cancelled if there is none). */
  private arm(): void {
    if (this.firing) return;
    const top = this.heap[0];
    if (top === undefined) {
      this.action?.unsubscribe();
      this.action = undefined;
      this.armedAt = Infinity;
      return;
    }
    if (this.action !== undefined && top.time >= this.armedAt) return; // already wakes early enough
    this.action?.unsubscribe();
    const now = this.scheduler.now();
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(0, top.time - now));
    this.armedAt = now + delay;
    this.action = this.scheduler.schedule(this.fire, delay);
  }

  // ---- binary min-heap on (time, seq) with index tracking ----

  private insert(entry: Entry): void {
    entry.index = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.index);
  }

  private removeAt(index: number): void {
    const heap = this.heap;
    const removed = heap[index];
    const last = heap.pop();
    if (removed === undefined || last === undefined) return;
    removed.index = -1;
    if (last === removed) return; // it was the last element
    heap[index] = last;
    last.index = index;
    this.siftUp(index);
    this.siftDown(last.index);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index];
    if (entry === undefined) return;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent === undefined || !before(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const entry = heap[index];
    if (entry === undefined) return;
    const length = heap.length;
    for (;;) {
      const leftIndex = 2 * index + 1;
      if (leftIndex >= length) break;
      const left = heap[leftIndex];
      const right = heap[leftIndex + 1];
      if (left === undefined) break;
      const useRight = right !== undefined && before(right, left);
      const child = useRight ? right : left;
      const childIndex = useRight ? leftIndex + 1 : leftIndex;
      if (!before(child, entry)) break;
      heap[index] = child;
      child.index = index;
      index = childIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }
}

function validateTime(time: number): void {
  if (typeof time !== 'number' || Number.isNaN(time)) {
    throw new InvalidArgumentError('time', 'must be a number of milliseconds on the scheduler clock', time);
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
