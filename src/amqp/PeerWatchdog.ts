import type { SchedulerLike } from 'rxjs';
import { DeadlineQueue, type Deadline } from '../time/DeadlineQueue';

/** Counts the answers awaited from the peer: one {@link WaitCounter.end} per {@link WaitCounter.begin}. */
export interface WaitCounter {
  begin(): void;
  end(): void;
}

/** A counter that counts nothing (links used without a watchdog). */
export const UNCOUNTED: WaitCounter = { begin: () => undefined, end: () => undefined };

/**
 * Bounds every wait on the peer of one connection with one deadline: while at least one answer is
 * awaited ({@link begin} … {@link end}), the peer must send something (any frame: an answer, another
 * link's traffic, a heartbeat) within `timeout` ms of the first wait it has left unanswered since it
 * last spoke — later waits do not restart that clock, even if the earlier ones were given up meanwhile.
 * Past that, `onSilent` is called once: the connection is dead (a blackholed network keeps the socket
 * open and sends nothing). Nothing awaited, nothing checked: an idle peer is the AMQP idle timeout's
 * business.
 *
 * Costs a counter per wait and one assignment per chunk read ({@link heard}); the single deadline lives
 * in the scheduler's shared `DeadlineQueue` and is moved, not re-created.
 */
export class PeerWatchdog implements WaitCounter {
  private waits = 0;
  /** Scheduler time of the last chunk read. */
  private heardAt = -Infinity;
  /** Scheduler time of the first wait begun since then (stale when not after `heardAt`). */
  private owedSince = -Infinity;
  private deadline: Deadline | undefined;
  private fired = false;

  constructor(
    private readonly timeout: number,
    private readonly scheduler: SchedulerLike,
    private readonly onSilent: (silentMs: number, waits: number) => void,
  ) {}

  /** Something was read from the peer. */
  heard(): void {
    this.heardAt = this.scheduler.now();
  }

  /** A wait on the peer began (an attach, detach, end, close or request in flight). */
  begin(): void {
    if (!(this.owedSince > this.heardAt)) this.owedSince = this.scheduler.now();
    if (this.waits++ > 0 || this.fired) return;
    this.arm(this.silentSince + this.timeout);
  }

  /** A wait ended (answered, given up, or failed). Each {@link begin} is matched by one call. */
  end(): void {
    if (this.waits === 0) return;
    if (--this.waits === 0) this.deadline?.cancel();
  }

  /** `promise`, counted as a wait until it settles. */
  watch<T>(promise: Promise<T>): Promise<T> {
    this.begin();
    return promise.finally(() => this.end());
  }

  /** No more checks (the connection is gone). */
  stop(): void {
    this.fired = true;
    this.deadline?.cancel();
  }

  /** Since when the peer owes an answer and has said nothing. */
  private get silentSince(): number {
    return Math.max(this.heardAt, this.owedSince);
  }

  private arm(at: number): void {
    if (this.deadline === undefined) this.deadline = DeadlineQueue.shared(this.scheduler).schedule(at, this.check);
    else this.deadline.reschedule(at);
  }

  private readonly check = (now: number): void => {
    if (this.waits === 0 || this.fired) return;
    const silent = now - this.silentSince;
    if (silent < this.timeout) return this.arm(this.silentSince + this.timeout);
    this.fired = true;
    this.onSilent(silent, this.waits);
  };
}
