import { defer, ReplaySubject, share, type Observable } from 'rxjs';

/**
 * Keeps one instance of a link open for all callers until it fails (it fails when the connection is
 * lost): the first subscription opens it, later ones get the open link replayed; after an error or
 * completion the next subscription opens a new one. Unsubscribing does not close it.
 */
export function shareLink<T>(source: Observable<T>): Observable<T> {
  return defer(() => source).pipe(
    share({ connector: () => new ReplaySubject<T>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: false }),
  );
}
