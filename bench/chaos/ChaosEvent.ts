/**
 * One line of the chaos run's shared log (JSON, one per line, appended by every consumer process and
 * read by the parent). `t` is wall-clock ms (`performance.timeOrigin + performance.now()`), so the
 * processes' lines compare on one machine.
 * - `accept`: a pool emitted session `s` to owner `o` (`<process>:<n>`, one per accepted session);
 * - `start` / `end`: a handler of message `id` began / returned (aborted, settled or failed);
 * - `effect`: the handler's side effect (done only when its signal was not aborted);
 * - `done`: `complete()` succeeded (the broker applied it);
 * - `abort`: the handler saw its signal aborted and stopped;
 * - `settle-failed`: `complete()` failed with error `err` (its class name);
 * - `lost`: the session's lock was lost with `reason`;
 * - `wake`: a stalled process's event loop ran again.
 */
export interface ChaosEvent {
  readonly e: 'accept' | 'start' | 'end' | 'effect' | 'done' | 'abort' | 'settle-failed' | 'lost' | 'wake';
  readonly p: string;
  readonly t: number;
  readonly s?: string;
  readonly o?: string;
  readonly id?: string;
  readonly err?: string;
  readonly reason?: string;
}

/** The body of every chaos message: its id and how long its handler works (ms). */
export interface ChaosBody {
  readonly id: string;
  readonly work: number;
}

/** Wall-clock ms with sub-ms resolution (comparable across processes on one machine). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
