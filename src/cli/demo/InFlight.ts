import { defer, finalize, type Observable } from 'rxjs';

/**
 * Counts the demo's operations that change the queue (sends, settlements) while they run, so that a
 * stop can wait for them: cut off midway, the broker may have applied one the demo never heard back
 * about, and the summary's broker check would not add up.
 */
export class InFlight {
  /** Operations subscribed and not yet completed, errored or unsubscribed. */
  count = 0;

  /** Cold: `source$`, counted while it runs. */
  track<T>(source$: Observable<T>): Observable<T> {
    return defer(() => {
      this.count++;
      return source$.pipe(finalize(() => this.count--));
    });
  }
}
