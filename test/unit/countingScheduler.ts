import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/** A SchedulerLike that forwards to `inner` and counts pending scheduled actions (test instrument). */
export interface CountingScheduler extends SchedulerLike {
  /** Actions scheduled and neither run nor cancelled yet. */
  readonly pending: number;
  /** Highest `pending` ever observed. */
  readonly maxPending: number;
  /** Total `schedule` calls. */
  readonly scheduled: number;
}

export function countingScheduler(inner: SchedulerLike): CountingScheduler {
  let pending = 0;
  let maxPending = 0;
  let scheduled = 0;
  return {
    get pending() {
      return pending;
    },
    get maxPending() {
      return maxPending;
    },
    get scheduled() {
      return scheduled;
    },
    now: () => inner.now(),
    schedule(work: (this: SchedulerAction<unknown>, state?: unknown) => void, delay?: number, state?: unknown): Subscription {
      let open = true;
      const settle = () => {
        if (open) {
          open = false;
          pending--;
        }
      };
      pending++;
      scheduled++;
      maxPending = Math.max(maxPending, pending);
      const sub = inner.schedule(
        function (this: SchedulerAction<unknown>, s?: unknown) {
          settle();
          work.call(this, s);
        },
        delay,
        state,
      );
      sub.add(settle);
      return sub;
    },
  };
}
