import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../errors';

/** Exponential backoff of a pool slot while no session is available or after a transient error. */
export interface SessionPoolBackoff {
  /** First delay in ms. Default 1 000. */
  readonly initial?: number;
  /** Cap in ms. Default 30 000. */
  readonly max?: number;
  /**
   * Consecutive transient errors (busy, timeout, connection dropped…) a slot tolerates before the pool
   * errors with the last one. "No session available" is not an error and never counts. Default 10;
   * `Infinity` retries for ever.
   */
  readonly maxRetries?: number;
}

/** Options of `sessionPool`; `A` is the client's accept-options type (`AcceptSessionOptions`). */
export interface SessionPoolOptions<A = unknown> {
  /** Most sessions held at once (an integer ≥ 1). */
  readonly maxConcurrentSessions: number;
  /**
   * Close a session when no message arrived on its `messages$` for this many ms (counted from the
   * accept, then from each message), and accept another. Default: never.
   */
  readonly sessionIdleTimeout?: number;
  /**
   * Accept exactly these sessions instead of the next available ones. Each id is held until it is
   * closed (by you or by the idle timeout); an id whose lock is lost, or that another receiver holds,
   * is accepted again. The pool completes once every id was closed. Ids must be unique and non-empty.
   */
  readonly sessionIds?: readonly string[];
  /** Passed to every `acceptSession` / `acceptNextSession` call (timeout, receive mode, auto-renew…). */
  readonly accept?: A;
  /** Backoff while no session is available or after transient errors. */
  readonly backoff?: SessionPoolBackoff;
  /** Clock for backoff and idle timeouts. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** Options with defaults applied. @internal */
export interface NormalizedPoolOptions<A> {
  readonly maxConcurrentSessions: number;
  readonly sessionIdleTimeout: number | undefined;
  readonly sessionIds: readonly string[] | undefined;
  readonly accept: A | undefined;
  readonly backoff: { readonly initial: number; readonly max: number; readonly maxRetries: number };
  readonly scheduler: SchedulerLike;
}

/**
 * Validates `options` (throwing `InvalidArgumentError` naming the option) and applies defaults.
 * @internal
 */
export function normalizePoolOptions<A>(options: SessionPoolOptions<A>): NormalizedPoolOptions<A> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'must be an object with maxConcurrentSessions', options);
  }
  const { maxConcurrentSessions, sessionIdleTimeout, sessionIds, accept, backoff = {}, scheduler = asyncScheduler } = options;
  if (!Number.isSafeInteger(maxConcurrentSessions) || maxConcurrentSessions < 1) {
    throw new InvalidArgumentError('options.maxConcurrentSessions', 'must be an integer of at least 1', maxConcurrentSessions);
  }
  if (sessionIdleTimeout !== undefined) positiveFinite('options.sessionIdleTimeout', sessionIdleTimeout);
  if (sessionIds !== undefined) validateSessionIds(sessionIds);
  if (typeof backoff !== 'object' || backoff === null) {
    throw new InvalidArgumentError('options.backoff', 'must be an object', backoff);
  }
  const initial = backoff.initial ?? 1_000;
  const max = backoff.max ?? Math.max(30_000, initial);
  const maxRetries = backoff.maxRetries ?? 10;
  positiveFinite('options.backoff.initial', initial);
  positiveFinite('options.backoff.max', max);
  if (max < initial) throw new InvalidArgumentError('options.backoff.max', `must be at least backoff.initial (${initial})`, max);
  if (!(maxRetries === Infinity || (Number.isSafeInteger(maxRetries) && maxRetries >= 0))) {
    throw new InvalidArgumentError('options.backoff.maxRetries', 'must be an integer ≥ 0 or Infinity', maxRetries);
  }
  if (typeof scheduler?.now !== 'function' || typeof scheduler.schedule !== 'function') {
    throw new InvalidArgumentError('options.scheduler', 'must be an rxjs SchedulerLike', scheduler);
  }
  return { maxConcurrentSessions, sessionIdleTimeout, sessionIds, accept, backoff: { initial, max, maxRetries }, scheduler };
}

function positiveFinite(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(name, 'must be a finite number of milliseconds greater than 0', value);
  }
}

function validateSessionIds(ids: readonly string[]): void {
  if (!Array.isArray(ids)) throw new InvalidArgumentError('options.sessionIds', 'must be an array of session ids', ids);
  if (ids.length === 0) throw new InvalidArgumentError('options.sessionIds', 'must not be empty (omit it to accept next-available sessions)');
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
      throw new InvalidArgumentError(`options.sessionIds[${i}]`, 'must be a non-empty string of at most 128 characters', id);
    }
    if (seen.has(id)) throw new InvalidArgumentError(`options.sessionIds[${i}]`, 'is a duplicate', id);
    seen.add(id);
  }
}
