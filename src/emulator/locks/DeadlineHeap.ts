import type { SchedulerLike, Subscription } from 'rxjs';
import type { Deadline } from './Deadline';

/**
 * Longest delay a Node timer honours (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms.
 * Farther deadlines are reached in steps: the action wakes up, finds nothing due and re-arms.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * All of the broker's deadlines (session and message locks, next-session waits, scheduled messages,
 * message expiry) in one binary min-heap, served by ONE scheduled action on the broker's scheduler that
 * is re-armed for the earliest deadline. Add, move and remove are O(log n).
 *
 * A deadline's `fire` runs on the scheduler; an exception from one deadline is reported to `onError` and
 * does not stop the others.
 */
export class DeadlineHeap {
  private readonly heap: Deadline[] = [];
  private armed: Subscription | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onError: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `deadline` (or moves it, if already scheduled) to fire at `at`. */
  schedule(deadline: Deadline, at: number): void {
    if (this.closed) return;
    if (deadline.scheduled) {
      const earlier = at < deadline.at;
      deadline.at = at;
      if (earlier) this.up(deadline.heapIndex);
      else this.down(deadline.heapIndex);
    } else {
      deadline.at = at;
      deadline.heapIndex = this.heap.length;
      this.heap.push(deadline);
      this.up(deadline.heapIndex);
    }
    this.arm();
  }

  /** Unschedules `deadline`; a no-op when it is not scheduled. */
  cancel(deadline: Deadline): void {
    const index = deadline.heapIndex;
    if (index < 0) return;
    const last = this.heap.pop() as Deadline;
    deadline.heapIndex = -1;
    if (last !== deadline) {
      this.heap[index] = last;
      last.heapIndex = index;
      this.up(index);
      this.down(last.heapIndex);
    }
    // The armed action is left as is: if it fires early it finds nothing due and re-arms.
  }

  /** Cancels the scheduled action and forgets every deadline. */
  close(): void {
    this.closed = true;
    this.armed?.unsubscribe();
    this.armed = undefined;
    for (const deadline of this.heap) deadline.heapIndex = -1;
    this.heap.length = 0;
  }

  private arm(): void {
    const head = this.heap[0];
    if (head === undefined || head.at >= this.armedAt) return;
    this.armed?.unsubscribe();
    this.armedAt = head.at;
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, head.at - this.scheduler.now()));
    this.armed = this.scheduler.schedule(() => this.run(), delay);
  }

  private run(): void {
    this.armed = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    let head = this.heap[0];
    while (head !== undefined && head.at <= now && !this.closed) {
      this.cancel(head);
      try {
        head.fire(now);
      } catch (error: unknown) {
        this.onError(error);
      }
      head = this.heap[0];
    }
    if (!this.closed) this.arm();
  }

  private up(index: number): void {
    const heap = this.heap;
    const item = heap[index] as Deadline;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Deadline;
      if (parent.at <= item.at) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index] as Deadline;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && (heap[right] as Deadline).at < (heap[left] as Deadline).at ? right : left;
      const childItem = heap[child] as Deadline;
      if (childItem.at >= item.at) break;
      heap[index] = childItem;
      childItem.heapIndex = index;
      index = child;
    }
    heap[index] = item;
    item.heapIndex = index;
  }
}
