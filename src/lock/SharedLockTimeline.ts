import { Observable, type Subscriber } from 'rxjs';
import type { LockLostReason } from '../errors/SessionLockLostError';
import type { LockLost, LockState } from './LockState';
import { LockTimelineRun, type ResolvedLockTimeline } from './LockTimelineRun';

/**
 * One lock timeline, running from construction, shared by all its subscribers (a session's `lock$`):
 * hot and replaying like `lockTimeline(...).pipe(share({ connector: () => new ReplaySubject(1) }))`,
 * without the per-subscriber Subject machinery, and with lazy ticks: `tick` states are only scheduled
 * while an external subscriber ({@link lock$}) listens. A late subscriber still first gets the state
 * it would have got had ticks run all along (a tick that was due since the last emission is replayed).
 */
export class SharedLockTimeline {
  /** Every state from now on, after the current one; completes after `lost`. Switches ticks on. */
  readonly lock$: Observable<LockState>;
  private readonly run: LockTimelineRun;
  /**
   * The latest state is kept as its kind and time (rebuilt for a late subscriber) rather than as the
   * object: thousands of sessions tick every second, and a state object kept for a second outlives the
   * young generation, piling up old-generation garbage.
   */
  private lastKind: 'held' | 'renewed' | 'tick' | 'expiring' = 'held';
  private lastAt = 0;
  private lostState: LockLost | undefined;
  private finished = false;
  /** Copy-on-write: emissions iterate the array they started with. */
  private observers: ReadonlyArray<Subscriber<LockState>> = [];
  private listening = 0;

  /**
   * Emits `held` (kept for replay) and arms the expiry. `watch` (the owner's own watcher: its loss
   * handling, auto-renewal) gets every state first, `held` included, before any subscriber, and does
   * not switch ticks on.
   */
  constructor(
    config: ResolvedLockTimeline,
    private readonly watch: (state: LockState) => void,
  ) {
    this.run = new LockTimelineRun(config, this.onState, false);
    this.lock$ = new Observable<LockState>((subscriber) => this.subscribe(subscriber));
    this.run.begin();
    this.run.arm();
  }

  /** Scheduler time at which the lock counts as lost (`lockedUntil − safetyMargin`). */
  get lostAt(): number {
    return this.run.lostAt;
  }

  /** True once `lost` was emitted. */
  get done(): boolean {
    return this.finished;
  }

  /** A renewal moved the expiry: emits `renewed` (see `LockTimelineRun.renewed`). */
  renewed(lockedUntil: Date): void {
    this.run.renewed(lockedUntil);
  }

  /** The lock is gone: emits `lost` (see `LockTimelineRun.lost`). */
  lost(reason: LockLostReason, cause?: unknown): void {
    this.run.lost(reason, cause);
  }

  private readonly onState = (state: LockState): void => {
    const observers = this.observers;
    if (state.kind === 'lost') {
      this.lostState = state;
      this.finished = true;
      this.observers = [];
    } else {
      this.lastKind = state.kind;
      this.lastAt = this.run.lastEmittedAt;
    }
    this.watch(state);
    for (const o of observers) o.next(state);
    if (state.kind === 'lost') for (const o of observers) o.complete();
  };

  private subscribe(subscriber: Subscriber<LockState>): (() => void) | undefined {
    const current = this.current();
    if (this.finished) {
      subscriber.next(current);
      subscriber.complete();
      return undefined;
    }
    this.observers = this.observers.concat(subscriber);
    if (this.listening++ === 0) this.run.setTicking(true);
    subscriber.next(current);
    return () => {
      this.observers = this.observers.filter((o) => o !== subscriber);
      if (--this.listening === 0) this.run.setTicking(false);
    };
  }

  /** The latest state, or the tick that would have followed it had ticks been on. */
  private current(): LockState {
    if (this.lostState !== undefined) return this.lostState;
    if (this.listening === 0) {
      const tickAt = this.run.lastTickAt(this.run.config.scheduler.now());
      if (tickAt > this.lastAt && tickAt < this.run.lostAt) return this.run.stateAt('tick', tickAt);
    }
    // Equal to the state emitted then: nothing it depends on changed since (a renewal would be later).
    return this.run.stateAt(this.lastKind, this.lastAt);
  }
}
