import type { SchedulerLike, Subscription } from 'rxjs';
import { DeadlineQueue } from '../time/DeadlineQueue';

interface Watched {
  /** Last activity, on the monitor's scheduler clock. */
  at: number;
  readonly onIdle: () => void;
}

/**
 * Calls `onIdle` for each watched key that saw no activity for `timeoutMs`. However many keys are
 * watched, at most one deadline is registered (the earliest, in the scheduler's shared
 * `DeadlineQueue`, so idle timeouts also share the timer of lock ticks and renewals); `touch` is a
 * field write and never reschedules, because activity only moves deadlines later: when the deadline
 * fires it re-arms for the keys that turned out to be active.
 * @internal
 */
export class IdleMonitor<K> {
  private readonly watched = new Map<K, Watched>();
  private action: Subscription | undefined;
  private armedAt = Infinity;

  constructor(
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Starts watching `key` (its idle time starts now). `onIdle` runs once, after which the key is forgotten. */
  watch(key: K, onIdle: () => void): void {
    this.watched.set(key, { at: this.scheduler.now(), onIdle });
    this.arm();
  }

  /** Records activity on `key`; no-op when it is not watched. */
  touch(key: K): void {
    const entry = this.watched.get(key);
    if (entry !== undefined) entry.at = this.scheduler.now();
  }

  /** Stops watching `key` without calling `onIdle`. */
  unwatch(key: K): void {
    this.watched.delete(key);
    if (this.watched.size === 0) this.disarm();
  }

  /** Forgets every key and cancels the scheduled action. */
  dispose(): void {
    this.watched.clear();
    this.disarm();
  }

  private arm(): void {
    let oldest = Infinity;
    for (const entry of this.watched.values()) oldest = Math.min(oldest, entry.at);
    if (oldest === Infinity) return this.disarm();
    const deadline = oldest + this.timeoutMs;
    if (this.action !== undefined && this.armedAt <= deadline) return;
    this.disarm();
    this.armedAt = deadline;
    this.action = DeadlineQueue.shared(this.scheduler)
      .at(deadline)
      .subscribe(() => this.fire());
  }

  private disarm(): void {
    this.action?.unsubscribe();
    this.action = undefined;
    this.armedAt = Infinity;
  }

  private fire(): void {
    this.action = undefined;
    this.armedAt = Infinity;
    const now = this.scheduler.now();
    const idle: Watched[] = [];
    for (const [key, entry] of this.watched) {
      if (now - entry.at >= this.timeoutMs) {
        this.watched.delete(key);
        idle.push(entry);
      }
    }
    this.arm();
    // Callbacks run last: they may watch or unwatch other keys.
    for (const entry of idle) entry.onIdle();
  }
}
