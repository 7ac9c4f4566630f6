import { Observable, ReplaySubject, share, Subject } from 'rxjs';
import type { SessionState } from './Session';

/**
 * A session's `state$`: the state fetched from the broker, then each change this session makes
 * (`changed`); a change made while fetching wins over the fetched value. Shared while subscribed
 * (the latest value replayed), refetched after everyone unsubscribed or on error. Completes when the
 * session closes. Created on first use: sessions that never read their state pay nothing for it.
 */
export class SessionStateStream {
  readonly state$: Observable<SessionState | undefined>;
  private changes: Subject<SessionState | undefined> | undefined;
  private version = 0;

  /**
   * @param fetch reads the state from the broker (`getState()`).
   * @param isClosed whether the session has closed already.
   */
  constructor(fetch: () => Observable<SessionState | undefined>, isClosed: () => boolean) {
    this.state$ = new Observable<SessionState | undefined>((subscriber) => {
      const versionAtFetch = this.version;
      if (this.changes === undefined) {
        this.changes = new Subject<SessionState | undefined>();
        // Closed before anyone asked: as if it had existed (and been completed) since accept.
        if (isClosed()) this.changes.complete();
      }
      const changes = this.changes.subscribe(subscriber);
      const fetched = fetch().subscribe({
        next: (state) => {
          if (this.version === versionAtFetch) subscriber.next(state);
        },
        error: (err: unknown) => subscriber.error(err),
      });
      return () => {
        changes.unsubscribe();
        fetched.unsubscribe();
      };
    }).pipe(share({ connector: () => new ReplaySubject<SessionState | undefined>(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: true }));
  }

  /** This session set the state: subscribers see it, and a fetch in flight is ignored. */
  changed(state: SessionState | undefined): void {
    this.version++;
    this.changes?.next(state);
  }

  /** The session closed: `state$` completes. */
  close(): void {
    this.changes?.complete();
  }
}
