/**
 * Default lock safety margin: the lock counts as lost this long before the broker's expiry, at most a
 * quarter of the lock duration granted at accept (so short locks keep most of their time).
 */
export const DEFAULT_LOCK_SAFETY_MARGIN_MS = 2_000;

/** The native `aborted` getter and `throwIfAborted`, called by a session signal's own. */
const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get as (this: AbortSignal) => boolean;
const nativeThrowIfAborted = AbortSignal.prototype.throwIfAborted;

/**
 * The controller of a session's `signal`: aborted at once with `lostError` when the session is already
 * gone; otherwise its signal's `aborted` and `throwIfAborted()` call `checkDeadline` first, which
 * aborts it (through the session's teardown) when the clock is past the lock's safety point. After an
 * event-loop stall no timer has run yet when the process wakes: the first read already sees the loss.
 * (`addEventListener('abort')` listeners run when the teardown does: at the safety point, or at that
 * first read.)
 */
export function sessionSignal(lostError: Error | undefined, checkDeadline: () => void): AbortController {
  const controller = new AbortController();
  const signal = controller.signal;
  if (lostError !== undefined) {
    controller.abort(lostError);
    return controller;
  }
  Object.defineProperties(signal, {
    aborted: {
      get: () => {
        checkDeadline();
        return nativeAborted.call(signal);
      },
    },
    throwIfAborted: {
      value: () => {
        checkDeadline();
        nativeThrowIfAborted.call(signal);
      },
    },
  });
  return controller;
}
